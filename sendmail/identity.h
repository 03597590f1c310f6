/* identity: who this host is: $w, $j, $m, $k and class w, found the
 * way sendmail finds them (host name, its resolver entry, then after the
 * config the addresses of the network interfaces).  Called by
 * conf_load(); -d0.1 prints the identity block. */
#ifndef SW_IDENTITY_H
#define SW_IDENTITY_H
#include "base/dstr.h"

struct conf;

/* identity_init: before the config is read.  aka collects -d0.4's
 * "a.k.a." lines (may be NULL). */
void identity_init(struct conf *c, dstr *aka);
/* identity_after_cf: $j into class w, interfaces unless
 * DontProbeInterfaces is set. */
void identity_after_cf(struct conf *c, dstr *aka);
void identity_print(const struct conf *c, dstr *out);

#endif
