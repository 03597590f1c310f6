#!/bin/sh
# bench/imap/run.sh: run the mailboxd vs dovecot benchmark (bench.py) as
# root against a build directory: sh bench/imap/run.sh [BUILDDIR] [args]
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
[ $# -gt 0 ] && shift
exec python3 "$here/bench.py" --builddir "$build" "$@"
