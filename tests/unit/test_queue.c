/* test_queue: the queue's lock holds while the holder reads the control
 * file (a POSIX lock would go with the first fclose, and two processes
 * delivered one message: found by the kill -9 test), a lock is refused
 * while another process holds it and granted again after, a vanished
 * message cannot be locked, and a truncated control file reads as an
 * error and is set aside as Qf. */
#include "config.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "sendmail/queue.h"

static char dir[256];

static void
write_file(const char *name, const char *text)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char good_qf[] =
	"V8\nT1700000000\nK0\nN0\nP30100\nFs\n$_root@localhost\nSroot\n"
	"rRFC822; root@example.org\nRPFD:root\nH?P?Return-Path: <\201g>\nH??Subject: hi\n.\n";

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_queue.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* other_process_can_lock: 1 when a child process gets the lock */
static int
other_process_can_lock(const char *qid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(queue_lock(NULL, dir, qid) >= 0 ? 1 : 0);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 1;
}

static void
test_lock_survives_reading_the_file(void **state)
{
	struct envelope e;
	dstr err = DSTR_INIT;
	int fd;

	(void)state;
	write_file("qfAAAAAAAA000001", good_qf);
	write_file("dfAAAAAAAA000001", "body\n");
	fd = queue_lock(NULL, dir, "AAAAAAAA000001");
	assert_true(fd >= 0);
	/* reading opens and closes the qf: the lock must stay */
	envelope_init(&e, NULL);
	assert_int_equal(queue_read(NULL, dir, "AAAAAAAA000001", &e, &err), 0);
	assert_string_equal(e.sender, "root");
	assert_int_equal(e.nrcpts, 1);
	envelope_free(&e);
	assert_false(other_process_can_lock("AAAAAAAA000001"));
	close(fd);
	assert_true(other_process_can_lock("AAAAAAAA000001"));
	dstr_free(&err);
}

static void
test_vanished_message_cannot_be_locked(void **state)
{
	(void)state;
	assert_int_equal(queue_lock(NULL, dir, "BBBBBBBB000002"), -1);
}

static void
test_truncated_control_file_is_set_aside(void **state)
{
	struct envelope e;
	dstr err = DSTR_INIT;
	char p[512];

	(void)state;
	write_file("qfCCCCCCCC000003", "V8\nT1700000000\nSroot\nRPFD:root\nH??Subj");
	write_file("dfCCCCCCCC000003", "body\n");
	envelope_init(&e, NULL);
	assert_int_equal(queue_read(NULL, dir, "CCCCCCCC000003", &e, &err), -1);
	assert_non_null(strstr(dstr_cstr(&err), "truncated"));
	envelope_free(&e);
	queue_set_aside(dir, "CCCCCCCC000003", dstr_cstr(&err));
	snprintf(p, sizeof(p), "%s/QfCCCCCCCC000003", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/qfCCCCCCCC000003", dir);
	assert_int_equal(access(p, F_OK), -1);
	dstr_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_survives_reading_the_file),
		cmocka_unit_test(test_vanished_message_cannot_be_locked),
		cmocka_unit_test(test_truncated_control_file_is_set_aside),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
