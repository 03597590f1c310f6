/* test_stats: the statistics file keeps sendmail's binary record (size,
 * magic, version, field order), counts add up under the lock, an empty or
 * foreign file is started again, a missing one is never created, and
 * mailstats -p's clearing happens under the same lock as the read. */
#include "config.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "sendmail/stats.h"

static char dir[256], path[300];

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_stats.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/statistics", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
touch(void)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	close(fd);
}

static void
test_layout_is_sendmails(void **state)
{
	struct stats_record r;

	(void)state;
	/* the record sendmail 8.17 writes on LP64 Linux is 1448 bytes:
	 * 2 ints, a time_t, a short (padded), 3 longs, 7 arrays of 25 longs */
	if (sizeof(long) == 8 && sizeof(time_t) == 8)
		assert_int_equal(sizeof(r), 1448);
	assert_int_equal(offsetof(struct stats_record, since), 8);
	assert_int_equal(offsetof(struct stats_record, conn_from) % sizeof(long), 0);
	assert_int_equal(offsetof(struct stats_record, msgs_from),
	    offsetof(struct stats_record, conn_rejected) + sizeof(long));
	assert_int_equal(offsetof(struct stats_record, quarantines),
	    offsetof(struct stats_record, msgs_from) + 6 * STATS_MAILERS * sizeof(long));
	assert_int_equal(stats_kbytes(0), 0);
	assert_int_equal(stats_kbytes(1), 1);
	assert_int_equal(stats_kbytes(1000), 1);
	assert_int_equal(stats_kbytes(1001), 2);
}

static void
test_add_and_load(void **state)
{
	struct stats_record d, r;
	dstr err = DSTR_INIT;
	int badv;

	(void)state;
	/* no file: nothing is created */
	unlink(path);
	memset(&d, 0, sizeof(d));
	d.msgs_to[3] = 1;
	assert_int_equal(stats_add(path, &d), -1);
	assert_int_equal(access(path, F_OK), -1);
	/* an empty file starts a record */
	touch();
	assert_int_equal(stats_add(path, &d), 0);
	d.kb_to[3] = 5;
	d.conn_from = 2;
	assert_int_equal(stats_add(path, &d), 0);
	assert_int_equal(stats_load(path, &r, &badv, 0, &err), 0);
	assert_int_equal(r.magic, STATS_MAGIC);
	assert_int_equal(r.version, STATS_VERSION);
	assert_int_equal(r.size, (short)sizeof(r));
	assert_int_equal(r.msgs_to[3], 2);
	assert_int_equal(r.kb_to[3], 5);
	assert_int_equal(r.conn_from, 2);
	/* -p: read and emptied */
	assert_int_equal(stats_load(path, &r, &badv, 1, &err), 0);
	assert_int_equal(r.msgs_to[3], 2);
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, 0);
	}
	dstr_free(&err);
}

static void
test_damaged_files(void **state)
{
	struct stats_record r, d;
	dstr err = DSTR_INIT;
	int badv, fd;

	(void)state;
	touch();
	memset(&d, 0, sizeof(d));
	d.msgs_from[5] = 7;
	assert_int_equal(stats_add(path, &d), 0);
	/* wrong version: reported, the version told */
	fd = open(path, O_RDWR);
	{
		int v = 3;

		assert_int_equal(pwrite(fd, &v, sizeof(v), 4), (ssize_t)sizeof(v));
	}
	close(fd);
	assert_int_equal(stats_load(path, &r, &badv, 0, &err), -2);
	assert_int_equal(badv, 3);
	/* an update starts it again rather than adding to garbage */
	assert_int_equal(stats_add(path, &d), 0);
	assert_int_equal(stats_load(path, &r, &badv, 0, &err), 0);
	assert_int_equal(r.msgs_from[5], 7);
	/* a short file is damaged */
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(stats_load(path, &r, &badv, 0, &err), -2);
	dstr_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_is_sendmails),
		cmocka_unit_test(test_add_and_load),
		cmocka_unit_test(test_damaged_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
