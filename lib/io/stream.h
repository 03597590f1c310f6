/* stream: the one buffered stream of Sendwell, over a read fd and a write
 * fd (often the same socket), with optional TLS underneath (io/tls.c puts
 * it there).  Used by mailboxd's POP3/IMAP/LMTP sessions, mail.local and,
 * later, the SMTP server and client. */

/* Reading never uses a fixed-size buffer for the caller's data: lines and
 * literals are appended to a dstr, always with a caller-given maximum.
 * Every blocking operation waits at most the stream's timeout (poll(2));
 * the fds are put in non-blocking mode while the stream owns them and the
 * old mode is restored by stream_free().
 *
 * Results are the enum stream_status values; STREAM_OK is 0.  Writes are
 * buffered and never fail at the call: a write error is sticky and shows
 * up in stream_flush() and stream_status_of(). */
#ifndef SW_IO_STREAM_H
#define SW_IO_STREAM_H
#include <stddef.h>
#include "base/dstr.h"

typedef struct stream stream;

enum stream_status {
	STREAM_OK = 0,
	STREAM_EOF,		/* peer closed (or EOF before the line ended) */
	STREAM_TIMEOUT,		/* nothing happened within the timeout */
	STREAM_ERROR,		/* I/O or TLS error; see errno / the log */
	STREAM_TOOLONG		/* line longer than the maximum (see below) */
};

/* flags reported by stream_read_line() about the line just read */
enum {
	STREAM_LINE_BARE_LF = 1,	/* ended in LF without CR */
	STREAM_LINE_BARE_CR = 2,	/* a CR not followed by LF inside */
	STREAM_LINE_NUL = 4		/* a NUL byte inside */
};

/* stream_new: take over rfd/wfd (may be equal).  Timeout starts at -1
 * (wait forever).  stream_free() flushes nothing and closes nothing;
 * stream_close() tries a flush and a TLS close_notify, then closes. */
stream *stream_new(int rfd, int wfd);
void stream_free(stream *s);
void stream_close(stream *s);

/* timeout in milliseconds for each single wait, -1 for none */
void stream_set_timeout(stream *s, int ms);
int stream_timeout(const stream *s);
int stream_rfd(const stream *s);
int stream_wfd(const stream *s);

/* stream_read_line: read one line, append it to line WITHOUT its line end
 * (CRLF, or a bare LF).  At most max bytes of content are accepted: a
 * longer line gives STREAM_TOOLONG after the rest of the line, through its
 * LF, has been read and thrown away (so a protocol can answer an error and
 * go on); line then holds the first max bytes.  *flags (may be NULL) gets
 * STREAM_LINE_* bits.  At EOF with a partial line the partial line is in
 * line and the result is STREAM_EOF. */
int stream_read_line(stream *s, dstr *line, size_t max, unsigned *flags);

/* stream_read_n: append exactly n bytes to out (IMAP literals, LMTP
 * bodies).  stream_skip_n reads and discards n bytes. */
int stream_read_n(stream *s, dstr *out, size_t n);
int stream_skip_n(stream *s, size_t n);

/* stream_read_some: append what is available now (waiting for at least
 * one byte), at most max bytes; for relays that do not know lengths */
int stream_read_some(stream *s, dstr *out, size_t max);

/* stream_pending: bytes already buffered (and, under TLS, decrypted)
 * that a read would return without waiting.  Used to refuse pipelined
 * input around STARTTLS and to hand the rest of the input over. */
size_t stream_pending(const stream *s);
/* stream_take_input: move buffered input to out (hand-over to another
 * process); stream_unread: put bytes back in front of the input. */
void stream_take_input(stream *s, dstr *out);
void stream_unread(stream *s, const void *p, size_t n);

/* stream_wait_readable: 1 when input is available (buffered or on the
 * fd), 0 after ms milliseconds (-1: forever), -1 on error/hang-up. */
int stream_wait_readable(stream *s, int ms);
/* stream_peer_gone: 1 when the other side has closed or hung up and
 * nothing it sent is left unread (checked without waiting) */
int stream_peer_gone(stream *s);

void stream_write(stream *s, const void *p, size_t n);
void stream_puts(stream *s, const char *str);
void stream_printf(stream *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* stream_flush: write everything buffered; STREAM_OK or the sticky error */
int stream_flush(stream *s);
/* bytes buffered for writing (the session flushes when large) */
size_t stream_out_pending(const stream *s);
/* the sticky error of the stream (STREAM_OK while healthy) */
int stream_status_of(const stream *s);
/* total bytes read from / written to the peer (for "in=... out=..." logs) */
unsigned long long stream_bytes_in(const stream *s);
unsigned long long stream_bytes_out(const stream *s);

/* TLS hooks for io/tls.c: the TLS layer's object (OpenSSL's SSL *) and
 * what it does; the stream frees it with the stream.  read and write
 * return a byte count > 0 or one of the STREAM_TLS_ values. */
enum {
	STREAM_TLS_EOF = 0,		/* the peer closed (cleanly or not) */
	STREAM_TLS_ERROR = -1,
	STREAM_TLS_WANT_READ = -2,	/* call again when the fd is readable */
	STREAM_TLS_WANT_WRITE = -3	/* ... writable */
};
struct stream_tls_ops {
	long (*read)(void *tls, void *buf, size_t n);
	long (*write)(void *tls, const void *buf, size_t n);
	size_t (*pending)(void *tls);	/* bytes decrypted, not yet read */
	void (*shutdown)(void *tls);	/* close_notify */
	void (*free)(void *tls);
};
void stream_set_tls(stream *s, void *tls, const struct stream_tls_ops *ops);
void *stream_ssl(const stream *s);

#endif
