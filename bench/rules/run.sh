#!/bin/sh
# bench/rules/run.sh: addresses per second through 3,0 of Debian's default
# cf, our sendmail -bt against sendmail 8.17 (bench.py; needs root):
#   sh bench/rules/run.sh [BUILDDIR] [--addresses N] [--runs N] [--callgrind]
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
[ $# -gt 0 ] && shift
exec python3 "$here/bench.py" --builddir "$build" "$@"
