#!/bin/sh
# build.sh: builds the rule-engine fuzzers (fuzz_cf, fuzz_addr, fuzz_rules)
# with clang -fsanitize=fuzzer,address,undefined from the sources, and
# the compiled config fuzz_rules reads.  Run by hand, before run.sh.

# usage: SW_BUILDDIR=build sh tests/fuzz/build.sh [outdir]
# SW_BUILDDIR is a configured build tree (config.h, makemap); outdir
# defaults to $SW_BUILDDIR/fuzz.  See tests/fuzz/README.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${SW_BUILDDIR:-$src/build}" && pwd)
out=${1:-$build/fuzz}
CC=${CC:-clang}

[ -f "$build/config.h" ] || { echo "build.sh: $build/config.h missing: run configure there first" >&2; exit 1; }
command -v "$CC" >/dev/null || { echo "build.sh: $CC not found (apt-get install clang)" >&2; exit 1; }
command -v bison >/dev/null || { echo "build.sh: bison not found" >&2; exit 1; }
mkdir -p "$out/obj"

# the grammar, generated here so the fuzz build needs nothing else built
mkdir -p "$out/gen/cf"
bison -d -o "$out/gen/cf/cf_grammar.c" "$src/lib/cf/cf_grammar.y"

CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE"
INC="-I$build -I$src/lib -I$out/gen -I$src"
LIBS="-ldb -lresolv"

# the library sources the harnesses reach (of io only net.c, for the
# socket map; store and TLS are not reached)
sources="$src/lib/base/*.c $src/lib/addr/*.c $src/lib/cf/cf_lex.c $src/lib/cf/cf_reader.c
 $out/gen/cf/cf_grammar.c $src/lib/map/*.c $src/lib/io/net.c"
mta="$src/sendmail/macro.c $src/sendmail/class.c $src/sendmail/options.c
 $src/sendmail/ruleset.c $src/sendmail/rewrite.c $src/sendmail/mailer.c
 $src/sendmail/identity.c $src/sendmail/conf.c $src/sendmail/parseaddr.c
 $src/sendmail/alias.c $src/sendmail/debug.c $src/sendmail/testmode.c"

# an object is rebuilt when its source changed, or when any header did
# (a struct that grew a field must not be seen two ways)
newest_h=$(ls -t $src/lib/*/*.h $src/sendmail/*.h $out/gen/cf/*.h "$build/config.h" | head -1)
objs=""
for f in $sources $mta; do
	o="$out/obj/$(echo "$f" | sed "s|^$src/||; s|^$out/||; s|/|_|g; s|\.c$|.o|")"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		$CC $CFLAGS $INC -c "$f" -o "$o"
	fi
	objs="$objs $o"
done

for h in fuzz_cf fuzz_addr fuzz_rules; do
	$CC $CFLAGS $INC -fsanitize=fuzzer "$here/$h.c" $objs $LIBS -o "$out/$h"
	echo "built $out/$h"
done

# fuzz_rules' config: debian-like.mc compiled with our cf library, its
# maps built by our makemap (or the real one), service switch "files"
rw="$out/rules"
rm -rf "$rw"
mkdir -p "$rw/maps"
chmod 0755 "$rw" "$rw/maps"
cp "$src/tests/compat/maps/"* "$rw/maps/"
chmod 0644 "$rw/maps/"*
printf 'hosts\tfiles\naliases\tfiles\n' > "$rw/maps/service.switch"
mk="$build/makemap/makemap"
for m in access virtusertable mailertable genericstable domaintable authinfo; do
	[ -f "$rw/maps/$m" ] && [ -x "$mk" ] && "$mk" hash "$rw/maps/$m" < "$rw/maps/$m"
done
sed -e "s|CFDIR|$src/cf|g" -e "s|MAPDIR|$rw/maps|g" "$src/tests/compat/mc/debian-like.mc" > "$rw/debian-like.mc"
m4 "$rw/debian-like.mc" > "$rw/sendmail.cf"
chmod 0644 "$rw/sendmail.cf"
echo "FUZZ_RULES_CF=$rw/sendmail.cf"
