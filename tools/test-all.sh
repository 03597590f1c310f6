#!/bin/sh
# test-all.sh: the README's test command.  Installs what the build and the
# tests need, builds with -Werror, runs the whole suite, then builds again
# with AddressSanitizer + UndefinedBehaviorSanitizer and runs it once more.
# The last line is the total over both runs: "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ "$(id -u)" = 0 ]; then sh tools/deps.sh >&2 || exit 1; fi
# fetch the reference sendmail for the differential tests (skipped loudly
# by the tests themselves when this fails)
if [ -x ../shared/tools/ref-sendmail ] && [ -z "${REF_SENDMAIL:-}" ]; then
	eval "$(../shared/tools/ref-sendmail 2>/dev/null)" && export REF_SENDMAIL REF_MAKEMAP REF_PRALIASES REF_MAILSTATS REF_CF_DIR REF_DOC_DIR
fi
./bootstrap >/dev/null 2>&1 || { echo "bootstrap failed"; echo "0 passed, 1 failed"; exit 1; }
total_p=0; total_f=0
run() {	# run NAME CONFIGURE-ARGS...
	name=$1; shift
	mkdir -p "build-$name" && cd "build-$name" || exit 1
	if ! ../configure -q "$@" >/dev/null || ! make -s -j"$(nproc)" >build.log 2>&1; then
		tail -30 build.log 2>/dev/null
		echo "$name: build failed"
		total_f=$((total_f + 1)); cd "$top"; return
	fi
	make -s check 2>&1 | tee check.log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' check.log | tail -1)
	[ -n "$line" ] || line="0 passed, 1 failed"
	total_p=$((total_p + ${line%% passed*}))
	f=${line#*passed, }; total_f=$((total_f + ${f%% failed}))
	cd "$top"
}
run plain
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run sanitizers --enable-sanitizers
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
