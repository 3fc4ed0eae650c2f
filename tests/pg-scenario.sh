# Sourced (with me set to the script's name) by the PostgreSQL scenario
# scripts tests/pg-parity.sh, pg-migrate.sh and pg-rls.sh: the build
# named by $1 (default build) as B, the tree as top, a temporary
# directory tmp removed at exit, and a scratch cluster of tests/pg.sh
# there whose libpq string is conn; exits 0 with a message ("skipped")
# when no PostgreSQL server can be started here.
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $B in /*) ;; *) B=$top/$B ;; esac
[ -x "$B/bin/crm" ] || { echo "$me: $B/bin/crm missing (make all)" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'sh "$top/tests/pg.sh" stop "$tmp/pg" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
conn=$(sh "$top/tests/pg.sh" start "$tmp/pg" 2>"$tmp/pg.err") || {
	echo "$me: skipped: no PostgreSQL cluster ($(tail -n 1 "$tmp/pg.err"))"
	exit 0
}
