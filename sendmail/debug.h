/* debug: sendmail's -d category.level flags ("-d0.1,21.12", "-d8").
 * tTd(cat, level) is true when category cat was given at least that
 * level.  Set from the command line and by -bt's "-d" command. */
#ifndef SW_DEBUG_H
#define SW_DEBUG_H

#define DEBUG_CATEGORIES 100

extern unsigned char debug_levels[DEBUG_CATEGORIES];

/* debug_parse: apply one -d argument; returns 0, -1 if malformed. */
int debug_parse(const char *spec);
static inline int
tTd(int cat, int level)
{
	return cat >= 0 && cat < DEBUG_CATEGORIES && debug_levels[cat] >= level;
}

#endif
