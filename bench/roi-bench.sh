#!/bin/sh
# roi-bench.sh [RUNS] [DB]: time "crm-roi" against the same report written
# by hand (bench/roi.sql) in the sqlite3 shell, on the same database,
# alternately RUNS times (default 11): the report of 2025 by source, as an
# admin.  Checks that both print the same rows, then prints each pair and
# the median of the paired ratios, of CPU time (user + system, the steadier
# figure on a shared machine) and of wall-clock time.  Without DB, makes one
# with bench/gen-big.sh (1,000,000 leads, 200,000 deals, 800,000 stage
# changes) and keeps it in $TMPDIR/crm-roi-bench.  Needs a built tree (make).
set -eu
runs=${1:-11}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CRM_BIN:-$top/build/bin}
work=${TMPDIR:-/tmp}/crm-roi-bench
mkdir -p "$work"
export TZ=Asia/Shanghai CRM_NOW=2026-03-02T09:00:00Z CRM_USER=admin
if [ $# -ge 2 ]; then
	db=$2
else
	db=$work/big.db
	[ -e "$db" ] || CRM_BIN=$bin sh "$top/bench/gen-big.sh" "$db"
fi
export CRM_CONFIG=$work/crm.yaml
printf 'timezone: Asia/Shanghai\n' >"$CRM_CONFIG"

# 2025 in Asia/Shanghai, as crm-roi --since 2025-01-01 --until 2025-12-31 takes it
cat >"$work/hand.sql" <<SQL
.parameter set :since "'2024-12-31T16:00:00Z'"
.parameter set :until "'2025-12-31T16:00:00Z'"
.parameter set :from_day "'2025-01-01'"
.parameter set :to_day "'2025-12-31'"
.read $top/bench/roi.sql
SQL
tool() { "$bin/crm-roi" -d "$db" -H --since 2025-01-01 --until 2025-12-31; }
hand() { sqlite3 "$db" <"$work/hand.sql"; }

tool >"$work/tool.out"
hand >"$work/hand.out"
cmp -s "$work/tool.out" "$work/hand.out" ||
	{ echo "roi-bench: crm-roi and roi.sql disagree:" >&2; diff "$work/hand.out" "$work/tool.out" >&2; exit 1; }
printf 'rows\t%s leads, %s deals, %s stage changes\n' \
	"$(sqlite3 "$db" 'SELECT count(*) FROM leads')" "$(sqlite3 "$db" 'SELECT count(*) FROM deals')" \
	"$(sqlite3 "$db" 'SELECT count(*) FROM deal_stages')"

timed() {	# "WALL CPU" of one run
	/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null
	awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/time"
}
: >"$work/pairs"
i=0
while [ "$i" -lt "$runs" ]; do
	t=$(timed "$bin/crm-roi" -d "$db" -H --since 2025-01-01 --until 2025-12-31)
	h=$(timed sqlite3 "$db" <"$work/hand.sql")
	echo "$t $h" >>"$work/pairs"
	i=$((i + 1))
done
awk '{ printf "pair\tcrm-roi %s s wall %s s cpu\troi.sql %s s wall %s s cpu\n", $1, $2, $3, $4 }' "$work/pairs"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
cpu=$(awk '{ print ($4 > 0 ? $2 / $4 : 0) }' "$work/pairs" | median)
wall=$(awk '{ print ($3 > 0 ? $1 / $3 : 0) }' "$work/pairs" | median)
printf 'ratio\t%.2f cpu\t%.2f wall\t(median of %d pairs, crm-roi / roi.sql)\n' "$cpu" "$wall" "$runs"
