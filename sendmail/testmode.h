/* testmode: `sendmail -bt`, the address test mode: reads command lines
 * and prints what sendmail 8.17 prints for them (rule traces, =S, =M,
 * $x, /parse, /try, /map, ...). */
#ifndef SW_TESTMODE_H
#define SW_TESTMODE_H
#include <stdio.h>

struct conf;

/* testmode_run: the interactive loop over in; returns an exit code. */
int testmode_run(struct conf *c, FILE *in, FILE *out);

#endif
