/* test_rewrite_fuzz: replays every crasher the fuzzers found
 * (tests/fuzz/regress/) and the seed corpora through the libFuzzer
 * harnesses themselves (fuzz_cf.c, fuzz_addr.c, fuzz_rules.c, included
 * with renamed entry points), so a fixed bug stays fixed; under ASan and
 * UBSan this catches what the fuzzers did. */
#include "config.h"
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fuzz_replay.h"

#define LLVMFuzzerTestOneInput fuzz_cf_one
#include "../fuzz/fuzz_cf.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_addr_one
#include "../fuzz/fuzz_addr.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_rules_one
#include "../fuzz/fuzz_rules.c"
#undef LLVMFuzzerTestOneInput

#ifndef SW_FUZZ_DIR
#define SW_FUZZ_DIR "tests/fuzz"
#endif

/* the rulesets the -bt crashers need: calls with an empty argument,
 * runaway recursion, a rule doubling its input, a loop */
static const char replay_cf[] =
	"V10/Berkeley\n"
	"Do.:%@!^/[]+\n"
	"CPfoo.bar baz\n"
	"Mlocal, P=/bin/true, F=lsmA, A=true $u\n"
	"Sops=10\n"
	"R$* < $+ >\t$@ angle $2\n"
	"R$=P $*\t$@ phrase $1 rest $2\n"
	"R$@\t$@ empty\n"
	"R$+\t$@ other $1\n"
	"Scallempty=11\n"
	"R$*\t$@ $>ops\n"
	"Srec=12\n"
	"R$*\t$@ $>rec $1\n"
	"Sgrow=13\n"
	"R$*\t$@ $>grow $1 $1\n"
	"Sloop=14\n"
	"R$*\t$1 x\n"
	"S3\n"
	"R$*\t$: $>ops $1\n"
	"S0\n"
	"R$+\t$#local $: $1\n";

static char dir[256];

static int
setup(void **state)
{
	char path[512];
	FILE *fp;

	(void)state;
	fuzz_tmpdir("test_rewrite_fuzz", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/replay.cf", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(replay_cf, fp);
	fclose(fp);
	setenv("FUZZ_RULES_CF", path, 1);
	LLVMFuzzerInitialize(NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(conf);
	fclose(sink);
	for (size_t i = 0; i < saved_cap; i++)
		free(saved_macros[i]);
	free(saved_macros);
	fuzz_tmpdir_remove(dir);
	return 0;
}

static void
test_cf_crashers(void **state)
{
	(void)state;
	assert_true(fuzz_replay("regress", "cf-", fuzz_cf_one) >= 6);
	assert_true(fuzz_replay("corpus-cf", "", fuzz_cf_one) > 10);
}

static void
test_addr_crashers(void **state)
{
	(void)state;
	assert_true(fuzz_replay("regress", "addr-", fuzz_addr_one) >= 1);
	assert_true(fuzz_replay("corpus-addr", "", fuzz_addr_one) > 100);
}

static void
test_rules_crashers(void **state)
{
	(void)state;
	assert_true(fuzz_replay("regress", "rules-", fuzz_rules_one) >= 2);
	assert_true(fuzz_replay("corpus-rules", "", fuzz_rules_one) > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cf_crashers),
		cmocka_unit_test(test_addr_crashers),
		cmocka_unit_test(test_rules_crashers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
