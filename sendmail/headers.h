/* headers: message headers: reading a message's header block (and
 * streaming its body into the data file), adding the config's H lines
 * the way sendmail does (Received always, Date/From/Message-Id/...
 * only when missing, Return-Path bound at delivery), and the RFC 822
 * date sendmail writes.  Used by local submission and the SMTP server. */
#ifndef SW_HEADERS_H
#define SW_HEADERS_H
#include <stdio.h>
#include <time.h>
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/envelope.h"
#include "sendmail/queue.h"

/* headers_arpadate: "Mon, 23 Nov 2026 12:37:13 GMT" / "... +0900 (KST)" */
void headers_arpadate(time_t t, dstr *out);

/* A header block being read line by line (from a file or SMTP DATA). */
struct hdr_reader {
	struct envelope *e;
	struct qdata *d;
	dstr cur;		/* header being folded */
	int in_body;
	int first;		/* no line seen yet */
	size_t header_bytes;	/* for the priority */
	int ignore_dots;	/* -oi: a lone "." does not end input */
	char *unix_from;	/* a leading "From " line, if any */
};

void hdr_reader_init(struct hdr_reader *r, struct envelope *e, struct qdata *d);
/* hdr_reader_line: one line of the message without its line end;
 * returns 0, or -1 when the data file cannot be written. */
int hdr_reader_line(struct hdr_reader *r, const char *line, size_t len);
/* hdr_reader_end: flush the last header; returns 0 or -1. */
int hdr_reader_end(struct hdr_reader *r);
void hdr_reader_free(struct hdr_reader *r);

/* headers_add_defaults: the config's H lines, expanded with the
 * envelope's macros (Return-Path stays bound late), in front of the
 * message's own headers. */
void headers_add_defaults(const struct conf *c, struct envelope *e);
/* headers_is_resent: the message carries Resent-* headers */
int headers_is_resent(const struct envelope *e);

#endif
