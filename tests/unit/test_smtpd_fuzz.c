/* test_smtpd_fuzz: replays, through the SMTP server's libFuzzer harness
 * itself (tests/fuzz/fuzz_smtpd.c, included with its entry point
 * renamed), every input the fuzzer found a problem with
 * (tests/fuzz/regress/smtpd-*) and the seed sessions, so a fixed bug
 * stays fixed; under ASan+UBSan (and LSan at exit) this catches what the
 * fuzzer did.  The sessions run against a small config written to a
 * temporary folder, with its queue there too. */
#include "config.h"
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "fuzz_replay.h"

#define LLVMFuzzerTestOneInput fuzz_smtpd_one
#include "../fuzz/fuzz_smtpd.c"
#undef LLVMFuzzerTestOneInput

#ifndef SW_FUZZ_DIR
#define SW_FUZZ_DIR "tests/fuzz"
#endif

/* what the sessions reach: a check_mail that rejects, a check_rcpt that
 * accepts local users only, header lines, the local mailer */
static const char replay_cf[] =
	"V10/Berkeley\n"
	"Cwlocalhost mail.fuzz.example\n"
	"Dj$w\n"
	"DnMAILER-DAEMON\n"
	"O QueueDirectory=@Q@\n"
	"O MaxMessageSize=100000\n"
	"O MaxRecipientsPerMessage=20\n"
	"O PrivacyOptions=novrfy\n"
	"Mlocal, P=/bin/true, F=lsmAw5:|/@q, A=true $u\n"
	"HReceived: from $s by $j id $i; $b\n"
	"H?D?Date: $a\n"
	"H?F?From: $g\n"
	"H?M?Message-Id: <$t.$i@$j>\n"
	"S3\n"
	"R$* < $* > $*\t$2\n"
	"S0\n"
	"R$+ @ $=w\t$#local $: $1\n"
	"R$- \t$#local $: $1\n"
	"R$+\t$#error $@ 5.7.1 $: \"550 Relaying denied\"\n"
	"Scheck_mail\n"
	"R< blocked @ $* >\t$#error $@ 5.7.1 $: \"550 Blocked\"\n"
	"R$*\t$@ OK\n"
	"Scheck_rcpt\n"
	"R< $- @ $=w >\t$@ OK\n"
	"R< $- >\t$@ OK\n"
	"R$*\t$#error $@ 5.7.1 $: \"550 Relaying denied\"\n";

static char dir[256];

static int
setup(void **state)
{
	char path[512], q[512];
	const char *at;
	FILE *fp;

	(void)state;
	fuzz_tmpdir("test_smtpd_fuzz", dir, sizeof(dir));
	snprintf(q, sizeof(q), "%s/mq", dir);
	assert_int_equal(mkdir(q, 0700), 0);
	snprintf(path, sizeof(path), "%s/replay.cf", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	at = strstr(replay_cf, "@Q@");
	fwrite(replay_cf, 1, (size_t)(at - replay_cf), fp);
	fputs(q, fp);
	fputs(at + 3, fp);
	fclose(fp);
	setenv("FUZZ_SMTPD_CF", path, 1);
	LLVMFuzzerInitialize(NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(conf);
	close(devnull);
	fuzz_tmpdir_remove(dir);
	return 0;
}

static void
test_smtpd_crashers(void **state)
{
	(void)state;
	assert_true(fuzz_replay("regress", "smtpd-", fuzz_smtpd_one) >= 2);
	assert_true(fuzz_replay("corpus-smtpd", "", fuzz_smtpd_one) >= 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtpd_crashers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
