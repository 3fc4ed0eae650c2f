#!/bin/sh
# report-bench.sh [RUNS] [DB]: time "crm-report funnel" against the same
# funnel written by hand (bench/funnel.sql) in the sqlite3 shell, on a
# database from bench/gen-big.sh (1,000,000 leads, 200,000 deals, 800,000
# stage changes; made in DB, default a temporary file, when DB does not
# exist).  The two run alternately RUNS times (default 9), so a busy
# machine slows both alike; each pair gives a ratio of wall-clock and of
# CPU (user + system) time, and the medians of those ratios are printed.
# The outputs are compared first: the benchmark is void if they differ.
set -eu
runs=${1:-9}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CRM_BIN:-$top/build/bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
db=${2:-$tmp/big.db}
[ -e "$db" ] || CRM_BIN=$bin sh "$top/bench/gen-big.sh" "$db"
export TZ=Asia/Shanghai CRM_NOW=2026-03-02T09:00:00Z CRM_USER=admin XDG_CONFIG_HOME=$tmp/config
unset CRM_CONFIG

tool() { "$bin/crm-report" -d "$db" funnel --since 2025-01-01 --until 2025-12-31 -H; }
shell() { sqlite3 -batch -separator '	' "$db" <"$top/bench/funnel.sql"; }

# Same figures (step, stage, count, rates) from both, or no benchmark.
tool | cut -f1,2,4-6 >"$tmp/tool.out"
shell | cut -f1,2,4-6 | sed 's/^\(1	leads	[0-9]*\)	[^	]*/\1	/' >"$tmp/shell.out"
if ! cmp -s "$tmp/tool.out" "$tmp/shell.out"; then
	echo "report-bench: crm-report and funnel.sql disagree:" >&2
	diff "$tmp/tool.out" "$tmp/shell.out" >&2 || true
	exit 1
fi

seconds() {	# "WALL CPU" of one run of "$@" reading stdin from INPUT
	in=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" <"$in" >/dev/null
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$tmp/time"
}

: >"$tmp/pairs"
i=0
while [ "$i" -lt "$runs" ]; do
	s=$(seconds "$top/bench/funnel.sql" sqlite3 -batch "$db")
	t=$(seconds /dev/null "$bin/crm-report" -d "$db" funnel --since 2025-01-01 --until 2025-12-31 -H)
	echo "$s $t" >>"$tmp/pairs"
	i=$((i + 1))
done
# columns: shell wall, shell cpu, tool wall, tool cpu
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sw=$(cut -d' ' -f1 "$tmp/pairs" | median)
sc=$(cut -d' ' -f2 "$tmp/pairs" | median)
tw=$(cut -d' ' -f3 "$tmp/pairs" | median)
tc=$(cut -d' ' -f4 "$tmp/pairs" | median)
rw=$(awk '{ print $3 / $1 }' "$tmp/pairs" | median)
rc=$(awk '{ print $4 / $2 }' "$tmp/pairs" | median)
printf 'funnel\truns %d\n' "$runs"
printf 'sqlite3\t%.2f s wall\t%.2f s cpu (medians)\n' "$sw" "$sc"
printf 'report\t%.2f s wall\t%.2f s cpu (medians)\n' "$tw" "$tc"
printf 'ratio\t%.3f wall\t%.3f cpu (medians of paired ratios)\n' "$rw" "$rc"
