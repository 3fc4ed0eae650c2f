#!/bin/sh
# Run libFuzzer targets for a bounded time each, one after the other.
# usage: tests/fuzz/run.sh DIR SECONDS [NAME...]
# DIR holds the binaries fuzz_NAME (make fuzz builds them in build-fuzz);
# with no NAME every fuzz_* binary there runs.  Each starts from the seeds
# of tests/fuzz/corpus/NAME plus what earlier runs found (DIR/corpus/NAME,
# which is where new inputs go: the seeds in git stay as they are), uses
# tests/fuzz/NAME.dict when there is one, and leaves a crashing input in
# DIR/crash/NAME/.  Exit status 1 when any target crashed.
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
secs=${2:-60}
shift 2 2>/dev/null
if [ ! -d "$dir" ]; then
	echo "usage: tests/fuzz/run.sh DIR SECONDS [NAME...]" >&2
	exit 64
fi
if [ $# -eq 0 ]; then
	for b in "$dir"/fuzz_*; do
		[ -x "$b" ] && set -- "$@" "${b##*/fuzz_}"
	done
fi

failed=0
for name in "$@"; do
	bin=$dir/fuzz_$name
	work=$dir/corpus/$name
	crash=$dir/crash/$name
	log=$dir/$name.log
	mkdir -p "$work" "$crash"
	dict=
	[ -f "$top/tests/fuzz/$name.dict" ] && dict=-dict=$top/tests/fuzz/$name.dict
	# -close_fd_mask=2: the target's own messages about bad input are noise;
	# crash reports still come through the sanitizer's descriptor
	UBSAN_OPTIONS=print_stacktrace=1 "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix="$crash/" $dict "$work" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	corpus=$(ls "$work" | wc -l)
	if [ "$st" -eq 0 ]; then
		echo "fuzz $name: ${runs:-0} runs in ${took:-$secs} s, $corpus inputs in $work, no crash"
	else
		failed=1
		echo "fuzz $name: FAILED after ${runs:-0} runs (status $st); the report:"
		grep -E '^(==[0-9]+==|SUMMARY|    #[0-9]|.*invariant broken|.*runtime error)' "$log" | head -40
		echo "input: $(ls -t "$crash" | head -1 | sed "s|^|$crash/|")"
		echo "fix it, then keep the input in tests/fuzz/regress/$name/ (full log: $log)"
	fi
done
exit $failed
