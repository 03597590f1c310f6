#!/bin/sh
# bench/outbound/run.sh: Sendwell vs the real sendmail emptying a queue
# of 4 KiB messages into smtp-sink (bench.py); as root:
#   sh bench/outbound/run.sh [BUILDDIR] [--messages N] [--runs N]
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
[ $# -gt 0 ] && shift
exec python3 "$here/bench.py" --builddir "$build" "$@"
