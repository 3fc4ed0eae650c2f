#!/bin/sh
# Run every test once per build directory given (the plain build, then the
# sanitizer build), lint the man pages, and end with "N passed, N failed".
# usage: tests/run.sh BUILD [SANBUILD] MANPAGE...
top=$(cd "$(dirname "$0")/.." && pwd)
builds="$1 $2"
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_tap() {	# label command... ; TAP on stdout, counted afterwards
	label=$1; shift
	"$@" >"$log.out" 2>&1
	st=$?
	ok=$(grep -c '^ok ' "$log.out")
	bad=$(grep -c '^not ok ' "$log.out")
	if [ "$bad" -gt 0 ] || { [ "$st" -ne 0 ] && [ "$ok" -eq 0 ]; }; then
		cat "$log.out"
		[ "$bad" -eq 0 ] && bad=1
	fi
	echo "$label: $ok passed, $bad failed"
	echo "$ok $bad" >>"$log"
	rm -f "$log.out"
}

for b in $builds; do
	[ -d "$top/$b" ] || continue
	for t in "$top/$b"/tests/test_*; do
		[ -x "$t" ] || continue
		run_tap "$b unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
	if ls "$top"/tests/cli/*.bats >/dev/null 2>&1; then
		run_tap "$b cli" env PATH="$top/$b/bin:$PATH" CRM_TEST_BUILD="$top/$b" \
			bats --tap "$top"/tests/cli
	fi
done

for m in "$@"; do
	if out=$(sh "$top/tests/lint-man.sh" "$m"); then
		echo "1 0" >>"$log"
	else
		echo "lint $m:"; echo "$out"
		echo "0 1" >>"$log"
	fi
done
echo "man page lint: $# pages"

awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$log"
