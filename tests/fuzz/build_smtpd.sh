#!/bin/sh
# build_smtpd.sh: builds the SMTP server fuzzer (fuzz_smtpd) with clang
# -fsanitize=fuzzer,address,undefined.  The MTA's library is built in a
# configure tree of its own ($out/tree) with the fuzzer's flags, so the
# harness always links what sendmail links; then the config it fuzzes
# against is made: tests/fuzz/smtpd.mc compiled with our cf library, an
# access map, aliases and a queue directory under /dev/shm when there is
# one (commits fsync; memory is faster).  Run by hand or by run.sh:
#
#   SW_BUILDDIR=build-mta sh tests/fuzz/build_smtpd.sh [outdir]
#   SW_BUILDDIR=build-mta sh tests/fuzz/run.sh 600 fuzz_smtpd
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${SW_BUILDDIR:-$src/build}" && pwd)
out=${1:-$build/fuzz}
CC=${CC:-clang}

command -v "$CC" >/dev/null || { echo "build_smtpd.sh: $CC not found (apt-get install clang)" >&2; exit 1; }
[ -x "$build/makemap/makemap" ] || { echo "build_smtpd.sh: build $build first (makemap is used)" >&2; exit 1; }
mkdir -p "$out/tree"
tree=$(cd "$out/tree" && pwd)
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
if [ ! -f "$tree/Makefile" ]; then
	(cd "$tree" && "$src/configure" -q CC="$CC" CFLAGS="$flags" --disable-werror >/dev/null)
fi
make -s -C "$tree/lib" >/dev/null
make -s -C "$tree/sendmail" libmta.a >/dev/null
libs="$tree/sendmail/libmta.a $tree/lib/libsendwell.a -ldb -lssl -lcrypto -lsasl2 -lresolv -lcrypt"
$CC $flags -fsanitize=fuzzer -std=c11 -D_GNU_SOURCE -I"$tree" -I"$src/lib" -I"$tree/lib" -I"$src" \
    "$here/fuzz_smtpd.c" $libs -o "$out/fuzz_smtpd"
echo "built $out/fuzz_smtpd"

# the config: our cf library, host lookups from files, a queue in memory
w="$out/smtpd"
rm -rf "$w"
mkdir -p "$w"
chmod 0755 "$w"
# one queue per output folder, made again on every build
q=/dev/shm/sw-fuzz-smtpd-$(printf '%s' "$w" | cksum | cut -d' ' -f1)
[ -d /dev/shm ] || q="$w/mq"
rm -rf "$q"
mkdir -p "$q"
chmod 0700 "$q"
printf 'hosts\tfiles\naliases\tfiles\n' > "$w/service.switch"
printf 'postmaster: root\nabuse: root\nlist: root, daemon, :include:%s/list.inc\nprog: "|/bin/true"\n' "$w" > "$w/aliases"
printf 'daemon\n' > "$w/list.inc"
printf 'mail.fuzz.example\nfuzz.example\n' > "$w/local-host-names"
printf 'Connect:192.0.2.66\tREJECT\nFrom:spam@bad.example\tREJECT\nFrom:quiet@bad.example\tDISCARD\nTo:blocked.example\tERROR:"550 no thanks"\nConnect:127.0.0.1\tRELAY\n' > "$w/access"
"$build/makemap/makemap" hash "$w/access" < "$w/access"
sed -e "s|@SRC@|$src|g" -e "s|@W@|$w|g" -e "s|@Q@|$q|g" "$here/smtpd.mc" > "$w/sendmail.mc"
m4 "$w/sendmail.mc" > "$w/sendmail.cf"
"$build/sendmail/sendmail" -C "$w/sendmail.cf" -bi >/dev/null
chmod -R a+rX "$w"
echo "FUZZ_SMTPD_CF=$w/sendmail.cf"
