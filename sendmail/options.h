/* options: sendmail's O options (long names, old one-letter names,
 * unique abbreviations, Timeout.* and Milter.* families) with their
 * values as the config set them, and typed getters.  The loader calls
 * options_set() for O lines and -O/-o flags; every other module reads
 * options through the getters. */
#ifndef SW_OPTIONS_H
#define SW_OPTIONS_H
#include "base/dstr.h"

struct options;

struct options *options_new(void);
void options_free(struct options *o);
/* options_set: name is a long name (or an abbreviation of one, or a
 * Timeout./Milter. name), or with is_short one letter.  Messages
 * (unknown, ambiguous, abbreviation) go to msg, without file:line. */
int options_set(struct options *o, const char *name, int is_short,
    const char *value, dstr *msg);
/* options_get: value of a long option name as set, or NULL. */
const char *options_get(const struct options *o, const char *name);
int options_is_set(const struct options *o, const char *name);
/* Typed getters; def is returned when unset or unparsable. */
long options_int(const struct options *o, const char *name, long def);
int options_bool(const struct options *o, const char *name, int def);
/* options_time: seconds; the value's unit defaults to unit ('s','m',...). */
long options_time(const struct options *o, const char *name, int unit, long def);
/* parse helpers shared with other modules */
int options_parse_bool(const char *v, int def);
long options_parse_time(const char *v, int unit, int *ok);

#endif
