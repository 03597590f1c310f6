/* test_io: lib/io's stream (lines with bare LF/CR reported, too-long
 * lines skipped to their end, literals by count, unread, buffered
 * writes, timeouts) and base64. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "io/stream.h"
#include "io/base64.h"

static stream *
pipe_with(const char *data, size_t len, int *wfd)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], data, len), (ssize_t)len);
	if (wfd)
		*wfd = sv[1];
	else
		close(sv[1]);
	return stream_new(sv[0], sv[0]);
}

static void
test_lines_and_flags(void **state)
{
	static const char in[] = "one\r\ntwo\nthr\ree\r\nlast";
	stream *s = pipe_with(in, sizeof(in) - 1, NULL);
	dstr l = DSTR_INIT;
	unsigned fl;

	assert_int_equal(stream_read_line(s, &l, 100, &fl), STREAM_OK);
	assert_string_equal(l.s, "one");
	assert_int_equal(fl, 0);
	dstr_clear(&l);
	assert_int_equal(stream_read_line(s, &l, 100, &fl), STREAM_OK);
	assert_string_equal(l.s, "two");
	assert_int_equal(fl, STREAM_LINE_BARE_LF);
	dstr_clear(&l);
	assert_int_equal(stream_read_line(s, &l, 100, &fl), STREAM_OK);
	assert_string_equal(l.s, "thr\ree");
	assert_int_equal(fl, STREAM_LINE_BARE_CR);
	dstr_clear(&l);
	assert_int_equal(stream_read_line(s, &l, 100, &fl), STREAM_EOF);
	assert_string_equal(l.s, "last");
	dstr_free(&l);
	stream_close(s);
}

static void
test_too_long_line_is_skipped(void **state)
{
	dstr in = DSTR_INIT, l = DSTR_INIT;
	stream *s;
	size_t i;

	for (i = 0; i < 100000; i++)
		dstr_putc(&in, 'x');
	dstr_puts(&in, "\r\nnext\r\n");
	s = pipe_with(in.s, in.len, NULL);
	assert_int_equal(stream_read_line(s, &l, 1000, NULL), STREAM_TOOLONG);
	assert_int_equal(l.len, 1000);
	dstr_clear(&l);
	assert_int_equal(stream_read_line(s, &l, 1000, NULL), STREAM_OK);
	assert_string_equal(l.s, "next");
	/* exactly max content with CRLF fits */
	dstr_free(&in);
	dstr_free(&l);
	stream_close(s);
	s = pipe_with("abcd\r\nabcde\r\n", 13, NULL);
	assert_int_equal(stream_read_line(s, &l, 4, NULL), STREAM_OK);
	dstr_clear(&l);
	assert_int_equal(stream_read_line(s, &l, 4, NULL), STREAM_TOOLONG);
	dstr_free(&l);
	stream_close(s);
}

static void
test_read_n_unread_and_pending(void **state)
{
	stream *s = pipe_with("12345678rest\n", 13, NULL);
	dstr d = DSTR_INIT;

	assert_int_equal(stream_read_n(s, &d, 8), STREAM_OK);
	assert_string_equal(d.s, "12345678");
	stream_unread(s, "AB", 2);
	assert_true(stream_pending(s) >= 2);
	dstr_clear(&d);
	assert_int_equal(stream_read_line(s, &d, 100, NULL), STREAM_OK);
	assert_string_equal(d.s, "ABrest");
	dstr_clear(&d);
	assert_int_equal(stream_read_n(s, &d, 1), STREAM_EOF);
	dstr_free(&d);
	stream_close(s);
}

static void
test_timeout_and_writes(void **state)
{
	int peer;
	stream *s = pipe_with("", 0, &peer);
	dstr d = DSTR_INIT;
	char buf[64];
	ssize_t n;

	stream_set_timeout(s, 50);
	assert_int_equal(stream_read_line(s, &d, 10, NULL), STREAM_TIMEOUT);
	assert_int_equal(stream_wait_readable(s, 10), 0);
	stream_printf(s, "%s %d\r\n", "OK", 42);
	assert_int_equal(stream_out_pending(s), 7);
	assert_int_equal(stream_flush(s), STREAM_OK);
	n = read(peer, buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "OK 42\r\n", 7);
	assert_int_equal(stream_bytes_out(s), 7);
	close(peer);
	dstr_free(&d);
	stream_close(s);
}

static void
test_base64(void **state)
{
	dstr d = DSTR_INIT;

	base64_encode(&d, "\0alice\0secret", 13);
	assert_string_equal(d.s, "AGFsaWNlAHNlY3JldA==");
	dstr_clear(&d);
	assert_int_equal(base64_decode(&d, "AGFsaWNlAHNlY3JldA==", 20), 0);
	assert_int_equal(d.len, 13);
	assert_memory_equal(d.s, "\0alice\0secret", 13);
	dstr_clear(&d);
	assert_int_equal(base64_decode(&d, "!!!", 3), -1);
	assert_int_equal(base64_decode(&d, "QQ=A", 4), -1);
	assert_int_equal(base64_decode(&d, "QR==", 4), -1);	/* non-zero pad bits */
	dstr_clear(&d);
	assert_int_equal(base64_decode(&d, "", 0), 0);
	assert_int_equal(d.len, 0);
	dstr_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_flags),
		cmocka_unit_test(test_too_long_line_is_skipped),
		cmocka_unit_test(test_read_n_unread_and_pending),
		cmocka_unit_test(test_timeout_and_writes),
		cmocka_unit_test(test_base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
