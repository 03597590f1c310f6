/* test_store: lib/store: modified UTF-7, MIME sections, ENVELOPE and
 * BODYSTRUCTURE texts, and both mailbox formats through the public API:
 * delivery, UIDs that survive reopening and foreign rewrites, flags in
 * Maildir names, expunge, append, and an index rebuilt when corrupt. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "base/pool.h"
#include "store/mutf7.h"
#include "store/mime.h"
#include "store/imapfmt.h"
#include "store/store.h"

static char top[256];

static int
setup_dir(void **state)
{
	snprintf(top, sizeof(top), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(top));
	return 0;
}

static int
teardown_dir(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_mutf7(void **state)
{
	dstr d = DSTR_INIT;

	assert_int_equal(mutf7_to_utf8(&d, "&ZeVnLIqe-"), 0);
	assert_string_equal(d.s, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	dstr_clear(&d);
	assert_int_equal(mutf7_from_utf8(&d, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 0);
	assert_string_equal(d.s, "&ZeVnLIqe-");
	dstr_clear(&d);
	assert_int_equal(mutf7_from_utf8(&d, "a&b"), 0);
	assert_string_equal(d.s, "a&-b");
	assert_true(mutf7_valid("INBOX.Sent &- x"));
	assert_false(mutf7_valid("&Jjo"));		/* unterminated */
	assert_false(mutf7_valid("&AGE-"));		/* encodes "a" */
	assert_false(mutf7_valid("&2D3-"));		/* lone surrogate */
	assert_false(mutf7_valid("caf\xc3\xa9"));	/* raw 8-bit */
	assert_false(mutf7_valid("&Jjo-&Jjo-"));	/* two runs in a row */
	dstr_clear(&d);
	assert_int_equal(mutf7_from_utf8(&d, "\xf0\x9f\x98\x80"), 0);	/* astral: a pair */
	assert_true(mutf7_valid(d.s));
	dstr_free(&d);
}

static const char mime_msg[] =
    "From: \"Ann Example\" <ann@example.org>\r\n"
    "To: team: bob@x.org, c@y.org;, dave@z.org (Dave)\r\n"
    "Subject: =?UTF-8?B?aMOpbGxv?= world\r\n"
    "Date: Tue, 3 Jan 2023 04:05:06 -0800\r\n"
    "Message-ID: <1@x>\r\n"
    "Content-Type: multipart/mixed; boundary=b1\r\n"
    "\r\n"
    "preamble\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "hello\r\n"
    "--b1\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "inner body\r\n"
    "--b1--\r\n"
    "epilogue\r\n";

static void
test_mime_sections_and_formats(void **state)
{
	pool *p = pool_new();
	struct mime_part *root = mime_parse(p, mime_msg, sizeof(mime_msg) - 1);
	const struct mime_part *mp;
	unsigned one[] = { 1 }, two[] = { 2 }, twoone[] = { 2, 1 }, bad[] = { 3 };
	dstr d = DSTR_INIT;
	int off;

	assert_int_equal(root->nchildren, 2);
	mp = mime_section(root, one, 1);
	assert_non_null(mp);
	assert_memory_equal(mime_msg + mp->body_off, "hello", mp->body_len);
	mp = mime_section(root, two, 1);
	assert_non_null(mp);
	assert_non_null(mp->message);
	mp = mime_section(root, twoone, 2);
	assert_non_null(mp);
	assert_memory_equal(mime_msg + mp->body_off, "inner body\r\n", mp->body_len);
	assert_null(mime_section(root, bad, 1));
	imapfmt_envelope(&d, mime_msg, root->hdr_len);
	assert_non_null(strstr(d.s, "((\"Ann Example\" NIL \"ann\" \"example.org\"))"));
	assert_non_null(strstr(d.s, "((NIL NIL \"team\" NIL)(NIL NIL \"bob\" \"x.org\")(NIL NIL \"c\" \"y.org\")"
	    "(NIL NIL NIL NIL)(NIL NIL \"dave\" \"z.org\"))"));
	assert_non_null(strstr(d.s, "\"<1@x>\")"));
	dstr_clear(&d);
	imapfmt_body(&d, mime_msg, root, 1);
	assert_non_null(strstr(d.s, "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 0"));
	assert_non_null(strstr(d.s, "\"message\" \"rfc822\""));
	assert_non_null(strstr(d.s, "\"mixed\" (\"boundary\" \"b1\")"));
	dstr_clear(&d);
	{
		static const char w[] = "=?UTF-8?B?aMOpbGxv?= =?ISO-8859-1?Q?w=F6rld?=";

		mime_decode_words(&d, w, strlen(w));
	}
	assert_string_equal(d.s, "h\xc3\xa9llow\xc3\xb6rld");
	assert_int_equal(mime_parse_date("Tue, 3 Jan 2023 04:05:06 -0800", &off), 1672747506);
	assert_int_equal(off, -480);
	dstr_clear(&d);
	imapfmt_string(&d, "a\"b\\", 4);
	assert_string_equal(d.s, "\"a\\\"b\\\\\"");
	dstr_free(&d);
	pool_free(p);
}

static void
deliver(store_user *u, const char *text)
{
	dstr err = DSTR_INIT;

	assert_int_equal(store_deliver(u, NULL, "s@x", text, strlen(text), 0, &err), STORE_DELIVER_OK);
	dstr_free(&err);
}

static void
exercise(const char *location, int is_mbox)
{
	dstr err = DSTR_INIT, d = DSTR_INIT;
	store_user *u = store_user_new(location, "tester", top, &err);
	store_mailbox *mb;
	uint32_t uidv, uid;
	int kw;

	assert_non_null(u);
	deliver(u, "Subject: one\n\nFrom start\n");
	deliver(u, "Subject: two\n\nbody\n");
	mb = store_open(u, "INBOX", 0, &err);
	assert_non_null(mb);
	assert_int_equal(store_count(mb), 2);
	uidv = store_uidvalidity(mb);
	assert_int_equal(store_msg_at(mb, 0)->uid, 1);
	assert_int_equal(store_read(mb, 0, &d), 0);
	assert_string_equal(d.s, "Subject: one\r\n\r\nFrom start\r\n");
	assert_int_equal(store_msg_at(mb, 0)->size, d.len);
	kw = store_keyword_index(mb, "$Label1", 1);
	assert_int_equal(kw, 0);
	assert_int_equal(store_set_flags(mb, 0, STORE_SEEN | STORE_DELETED, 1ull << kw), 0);
	assert_int_equal(store_commit(mb), 0);
	/* a delivery meanwhile, then expunge */
	deliver(u, "Subject: three\n\nx\n");
	assert_int_equal(store_sync(mb), 0);
	assert_int_equal(store_count(mb), 3);
	assert_int_equal(store_msg_at(mb, 2)->uid, 3);
	assert_int_equal(store_expunge(mb, NULL, 0, NULL, NULL), 1);
	assert_int_equal(store_count(mb), 2);
	assert_int_equal(store_append(mb, "Subject: four\r\n\r\nbody\r\n", 23, STORE_FLAGGED, 1, 0, &uid, &err), 0);
	assert_int_equal(uid, 4);
	store_close(mb);
	/* reopen: same UIDs, flags and keyword */
	mb = store_open(u, "INBOX", 1, &err);
	assert_non_null(mb);
	assert_int_equal(store_uidvalidity(mb), uidv);
	assert_int_equal(store_count(mb), 3);
	assert_int_equal(store_msg_at(mb, 0)->uid, 2);
	assert_int_equal(store_msg_at(mb, 2)->uid, 4);
	assert_int_equal(store_msg_at(mb, 2)->flags, STORE_FLAGGED);
	assert_int_equal(store_msg_at(mb, 2)->keywords, 1);
	assert_string_equal(store_keyword(mb, 0), "$Label1");
	dstr_clear(&d);
	assert_int_equal(store_read_header(mb, 1, &d), 0);
	assert_string_equal(d.s, "Subject: three\r\n\r\n");
	store_close(mb);
	/* folders */
	assert_int_equal(store_create(u, "Sent", &err), 0);
	assert_int_equal(store_create(u, "Sent", &err), -1);
	assert_int_equal(store_create(u, "&Jjo", &err), -1);
	assert_int_equal(store_rename(u, "Sent", "Sent2", &err), 0);
	assert_true(store_exists(u, "Sent2"));
	assert_int_equal(store_delete(u, "Sent2", &err), 0);
	assert_false(store_exists(u, "Sent2"));
	(void)is_mbox;
	store_user_free(u);
	dstr_free(&err);
	dstr_free(&d);
}

static void
test_maildir_store(void **state)
{
	char loc[400], path[400];
	DIR *dir;
	struct dirent *de;
	int flagged = 0;

	snprintf(loc, sizeof(loc), "maildir:%s/md", top);
	exercise(loc, 0);
	/* the \Flagged message carries F in its name for mutt and mbsync */
	snprintf(path, sizeof(path), "%s/md/cur", top);
	dir = opendir(path);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strstr(de->d_name, ":2,F"))
			flagged++;
	closedir(dir);
	assert_int_equal(flagged, 1);
}

static void
test_mbox_store_and_foreign_rewrite(void **state)
{
	char loc[700], spool[300];
	dstr err = DSTR_INIT;
	store_user *u;
	store_mailbox *mb;
	FILE *f;

	snprintf(spool, sizeof(spool), "%s/spool", top);
	snprintf(loc, sizeof(loc), "mbox:%s/mail:INBOX=%s", top, spool);
	exercise(loc, 1);
	/* another program drops the first message (as mutt would): the
	 * others keep their UIDs */
	u = store_user_new(loc, "tester", top, &err);
	{
		char *buf;
		long len;
		char *second;

		f = fopen(spool, "rb");
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = calloc(1, (size_t)len + 1);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		second = strstr(buf + 1, "\nFrom ");
		assert_non_null(second);
		f = fopen(spool, "wb");
		fputs(second + 1, f);
		fclose(f);
		free(buf);
	}
	mb = store_open(u, "INBOX", 1, &err);
	assert_non_null(mb);
	assert_int_equal(store_count(mb), 2);
	assert_int_equal(store_msg_at(mb, 0)->uid, 3);
	assert_int_equal(store_msg_at(mb, 1)->uid, 4);
	store_close(mb);
	store_user_free(u);
	dstr_free(&err);
}

static void
test_corrupt_index_is_rebuilt(void **state)
{
	char loc[400], idx[400];
	dstr err = DSTR_INIT;
	store_user *u;
	store_mailbox *mb;
	int fd;

	snprintf(loc, sizeof(loc), "maildir:%s/c", top);
	u = store_user_new(loc, "tester", top, &err);
	deliver(u, "Subject: a\n\n1\n");
	deliver(u, "Subject: b\n\n2\n");
	mb = store_open(u, "INBOX", 0, &err);
	assert_int_equal(store_count(mb), 2);
	store_close(mb);
	snprintf(idx, sizeof(idx), "%s/c/sendwell.index", top);
	fd = open(idx, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SWIDX1 garbage\n", 15), 15);
	close(fd);
	mb = store_open(u, "INBOX", 0, &err);
	assert_non_null(mb);
	assert_int_equal(store_count(mb), 2);
	assert_true(store_msg_at(mb, 0)->uid < store_msg_at(mb, 1)->uid);
	store_close(mb);
	unlink(idx);
	mb = store_open(u, "INBOX", 0, &err);
	assert_int_equal(store_count(mb), 2);
	store_close(mb);
	store_user_free(u);
	dstr_free(&err);
}

static void
test_bad_locations_and_names(void **state)
{
	dstr err = DSTR_INIT;
	store_user *u;

	assert_null(store_user_new("imapc:x", "u", "/h", &err));
	assert_null(store_user_new("maildir:relative/path", "u", "/h", &err));
	assert_null(store_user_new("maildir:~/Maildir", "../x", "/h", &err));
	u = store_user_new("mbox:~/mail:INBOX=/var/mail/%u", "joe@example.org", "/home/joe", &err);
	assert_non_null(u);
	assert_string_equal(store_user_inbox(u), "/var/mail/joe@example.org");
	assert_int_equal(store_valid_name(u, "a/../b", &err), -1);
	assert_int_equal(store_valid_name(u, "a//b", &err), -1);
	assert_int_equal(store_valid_name(u, "Work/2024", &err), 0);
	store_user_free(u);
	dstr_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutf7),
		cmocka_unit_test(test_mime_sections_and_formats),
		cmocka_unit_test(test_maildir_store),
		cmocka_unit_test(test_mbox_store_and_foreign_rewrite),
		cmocka_unit_test(test_corrupt_index_is_rebuilt),
		cmocka_unit_test(test_bad_locations_and_names),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
