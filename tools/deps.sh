#!/bin/sh
# deps.sh: install the Debian 12 packages Sendwell builds and tests with.
# Run as root; does nothing for packages already installed.
set -e
PKGS="build-essential autoconf automake libtool pkg-config bison flex m4
 libssl-dev libsasl2-dev sasl2-bin libsasl2-modules libdb-dev libcmocka-dev
 python3 python3-pytest python3-cryptography swaks curl mutt fetchmail isync procmail iproute2
 util-linux openssl ca-certificates testssl.sh dnsmasq-base
 strace"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
