/* mime: RFC 5322 / 2045-2046 structure of one message in memory (CRLF
 * line ends): header and body extents of every part and the fields IMAP's
 * BODYSTRUCTURE reports; nesting past MIME_MAX_DEPTH is a leaf.  Used by
 * the store's cache and mailboxd's FETCH and SEARCH. */
#ifndef SW_STORE_MIME_H
#define SW_STORE_MIME_H
#include <stddef.h>
#include "base/dstr.h"
#include "base/pool.h"

#define MIME_MAX_DEPTH 40

struct mime_param {
	const char *name, *value;
};

struct mime_part {
	size_t hdr_off, hdr_len;	/* header, including its empty line */
	size_t body_off, body_len;
	size_t body_lines;		/* CRLFs in the body */
	const char *type, *subtype;	/* "text", "plain" when absent */
	struct mime_param *params;
	size_t nparams;
	const char *id, *description, *encoding, *md5, *language, *location;
	const char *disposition;
	struct mime_param *dparams;
	size_t ndparams;
	int has_ctype;			/* a Content-Type field was present */
	struct mime_part *children;	/* multipart: the body parts */
	size_t nchildren;
	struct mime_part *message;	/* message/rfc822: the embedded message */
};

/* mime_parse: the structure of buf[0..len) (whole message) from pool */
struct mime_part *mime_parse(pool *p, const char *buf, size_t len);
/* mime_section: the part named by IMAP section numbers (1-based); NULL
 * when there is none.  A non-multipart message has part 1 = its body;
 * numbers under a message/rfc822 part address the embedded message. */
const struct mime_part *mime_section(const struct mime_part *root,
    const unsigned *nums, size_t n);

/* mime_header_end: offset just past the empty line ending the header at
 * buf (len when there is none) */
size_t mime_header_end(const char *buf, size_t len);
/* mime_header_get: the first field called name (case-insensitive),
 * unfolded, leading/trailing blanks removed, into out; 1 found, 0 not */
int mime_header_get(const char *hdr, size_t len, const char *name, dstr *out);
/* mime_header_each: call fn for every field: name, the whole raw field
 * (name, colon, value, folded lines, with its CRLF) */
void mime_header_each(const char *hdr, size_t len,
    void (*fn)(void *ctx, const char *name, size_t nlen, const char *field, size_t flen),
    void *ctx);
/* mime_decode_words: RFC 2047 encoded words of a header value decoded
 * to UTF-8 where the charset is UTF-8, US-ASCII or ISO-8859-1 (others
 * are left as they are), appended to out */
void mime_decode_words(dstr *out, const char *s, size_t len);
/* mime_parse_date: an RFC 5322 date to time_t (UTC), -1 when unparsable;
 * *tzoff gets the zone offset in minutes */
long long mime_parse_date(const char *s, int *tzoff);

#endif
