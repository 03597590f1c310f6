#!/bin/sh
# run.sh: bench/smtp with the build tree of SW_BUILDDIR (default ./build).
#   sudo SW_BUILDDIR=build sh bench/smtp/run.sh [--messages 5000]
exec python3 "$(dirname "$0")/bench.py" "$@"
