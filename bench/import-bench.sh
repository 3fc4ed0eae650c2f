#!/bin/sh
# import-bench.sh [N] [RUNS]: time "crm-lead import" of N generated leads
# into a new database against bench/loader.c doing the same load with no
# checks (the practical upper bound), RUNS times each; print the best
# wall-clock and CPU (user + system) times, their ratios and crm-lead's
# peak memory.  CPU time is the steadier figure on a shared machine.
# Needs a built tree (make).
set -e
n=${1:-1000000}
runs=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CRM_BIN:-$top/build/bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$top/lib" "$top/bench/loader.c" \
	-o "$tmp/loader" -lsqlite3
sh "$top/bench/gen-leads.sh" "$n" >"$tmp/leads.csv"
export CRM_NOW=2026-03-02T09:00:00Z CRM_USER=bench XDG_CONFIG_HOME=$tmp/config
unset CRM_CONFIG

best() { sort -n | head -n1; }
seconds() {	# one run of "$@" as "WALL KB CPU"
	/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$tmp/time"
}

: >"$tmp/loader.times"
: >"$tmp/import.times"
i=0
while [ "$i" -lt "$runs" ]; do
	rm -f "$tmp"/l.db*
	"$bin/crm-lead" -d "$tmp/l.db" list >/dev/null
	seconds "$tmp/loader" "$tmp/l.db" "$tmp/leads.csv" >>"$tmp/loader.times"
	rm -f "$tmp"/c.db*
	"$bin/crm-lead" -d "$tmp/c.db" list >/dev/null
	seconds "$bin/crm-lead" -d "$tmp/c.db" -q import "$tmp/leads.csv" >>"$tmp/import.times"
	i=$((i + 1))
done
l=$(cut -d' ' -f1 "$tmp/loader.times" | best)
c=$(cut -d' ' -f1 "$tmp/import.times" | best)
lu=$(cut -d' ' -f3 "$tmp/loader.times" | best)
cu=$(cut -d' ' -f3 "$tmp/import.times" | best)
kb=$(cut -d' ' -f2 "$tmp/import.times" | sort -n | tail -n1)
rows=$(sqlite3 "$tmp/c.db" 'SELECT count(*) FROM leads')
awk -v n="$n" -v l="$l" -v c="$c" -v lu="$lu" -v cu="$cu" -v kb="$kb" -v rows="$rows" 'BEGIN {
	printf "rows\t%d (%d imported, the rest duplicates)\n", n, rows
	printf "loader\t%.2f s wall\t%.2f s cpu\t%.0f rows/s\n", l, lu, n / l
	printf "import\t%.2f s wall\t%.2f s cpu\t%.0f rows/s\tpeak %.1f MiB\n", c, cu, n / c, kb / 1024
	printf "ratio\t%.2f wall\t%.2f cpu\n", c / l, cu / lu
}'
