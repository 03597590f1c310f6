#!/bin/sh
# run.sh: runs the fuzzers build.sh made, one after the other, one core
# each, for SECONDS (default 600), from the seeds in tests/fuzz/corpus-*;
# new inputs go to $out/corpus-<name>, crashers to $out/artifacts/.

# usage: SW_BUILDDIR=build sh tests/fuzz/run.sh [seconds] [fuzz_cf ...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${SW_BUILDDIR:-$src/build}" && pwd)
out=$build/fuzz
secs=${1:-600}
[ $# -gt 0 ] && shift
names=${*:-fuzz_cf fuzz_addr fuzz_rules}

export FUZZ_RULES_CF="$out/rules/sendmail.cf"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$here/lsan.supp"
mkdir -p "$out/artifacts"
for h in $names; do
	[ -x "$out/$h" ] || { echo "run.sh: $out/$h not built (build.sh)" >&2; exit 1; }
	c="$out/corpus-${h#fuzz_}"
	mkdir -p "$c"
	echo "== $h for ${secs}s, corpus $c"
	start=$(date +%s)
	rc=0
	# -fork=1: one worker process (one core) that is restarted after a
	# crash, so a run lasts its full time and collects every crasher
	"$out/$h" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -print_final_stats=1 -artifact_prefix="$out/artifacts/$h-" \
	    "$c" "$here/corpus-${h#fuzz_}" > "$out/$h.log" 2>&1 || rc=$?
	end=$(date +%s)
	tail -n 12 "$out/$h.log"
	echo "== $h ran $((end - start))s, exit $rc, crashers: $(ls "$out/artifacts" | grep -c "^$h-" || true)"
done
