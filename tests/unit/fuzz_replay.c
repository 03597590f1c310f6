/* fuzz_replay: runs a fuzz harness's one-input function over saved
 * inputs, failing the cmocka test on the first one that reports a
 * problem (SW_FUZZ_VERBOSE=1 names each file as it runs), and the
 * temporary folder such a test keeps its config in. */
#include "config.h"
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "base/dstr.h"
#include "fuzz_replay.h"

int
fuzz_replay(const char *folder, const char *prefix, fuzz_one_fn fn)
{
	dstr path = DSTR_INIT;
	DIR *d;
	struct dirent *e;
	int n = 0;

	dstr_printf(&path, "%s/%s", SW_FUZZ_DIR, folder);
	d = opendir(path.s);
	if (d == NULL)
		fail_msg("cannot read %s", path.s);
	while ((e = readdir(d)) != NULL) {
		FILE *fp;
		dstr data = DSTR_INIT;
		char buf[4096];
		size_t r;

		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		dstr_clear(&path);
		dstr_printf(&path, "%s/%s/%s", SW_FUZZ_DIR, folder, e->d_name);
		fp = fopen(path.s, "rb");
		assert_non_null(fp);
		while ((r = fread(buf, 1, sizeof(buf), fp)) > 0)
			dstr_append(&data, buf, r);
		fclose(fp);
		if (getenv("SW_FUZZ_VERBOSE"))
			fprintf(stderr, "replaying %s\n", path.s);
		assert_int_equal(fn((const uint8_t *)dstr_cstr(&data), data.len), 0);
		dstr_free(&data);
		n++;
	}
	closedir(d);
	dstr_free(&path);
	return n;
}

void
fuzz_tmpdir(const char *name, char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	assert_non_null(mkdtemp(dir));
}

void
fuzz_tmpdir_remove(const char *dir)
{
	dstr cmd = DSTR_INIT;

	dstr_printf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.s), 0);
	dstr_free(&cmd);
}
