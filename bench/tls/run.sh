#!/bin/sh
# bench/tls/run.sh: testssl.sh against Sendwell's SMTPS, SMTP STARTTLS and
# mailboxd's IMAPS with default settings (bench/tls/testssl.py), as root:
#   sh bench/tls/run.sh [BUILDDIR]
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
[ $# -gt 0 ] && shift
exec /usr/bin/python3 "$here/testssl.py" --builddir "$build" "$@"
