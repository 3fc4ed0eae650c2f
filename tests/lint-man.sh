#!/bin/sh
# Lint man pages with mandoc -Tlint -Wstyle on a copy that has its own
# mandoc.db, so cross references between crm's pages are checked.  Pages of
# other packages (awk(1), cron(8)) are not in that database: only the
# "not found" notes about them are dropped.  Prints problems; exits 1 if any.
# usage: tests/lint-man.sh PAGE...   (paths relative to the source top)
top=$(cd "$(dirname "$0")/.." && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cp -R "$top/man" "$d/man" && makewhatis "$d/man" || exit 1
st=0
for m in "$@"; do
	out=$(cd "$d" && MANPATH="$d/man" mandoc -Tlint -Wstyle "$m" 2>&1 |
		grep -Ev 'referenced manual not found: Xr ([^c]|c[^r]|cr[^m])')
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		st=1
	fi
done
exit $st
