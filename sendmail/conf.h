/* conf: a loaded sendmail.cf: macros, classes, options, rulesets,
 * mailers, headers, maps, and the host identity ($w $j $m, class w).
 * conf_load() builds it from the items of lib/cf's reader; every mode
 * of sendmail works from one struct conf. */
#ifndef SW_CONF_H
#define SW_CONF_H
#include "base/dstr.h"
#include "base/pool.h"
#include "addr/addr_token.h"
#include "map/map.h"
#include "sendmail/macro.h"
#include "sendmail/class.h"
#include "sendmail/options.h"
#include "sendmail/ruleset.h"

#define MAXMAILERS 25

struct mailer {
	char *name;
	int number;
	char *path;		/* P= */
	char flags[256];	/* F= letters set */
	int s_env, s_hdr;	/* S= envelope/header sender rulesets */
	int r_env, r_hdr;	/* R= */
	char *s_env_name, *s_hdr_name, *r_env_name, *r_hdr_name;
	long maxsize;		/* M= */
	long linelimit;		/* L= */
	char *eol;		/* E= */
	char *argv;		/* A= as written */
	char *dir;		/* D= */
	char *charset;		/* C= */
	char *mtype, *atype, *dtype;	/* T= parts (NULL = undefined) */
	int uid, gid;		/* U=; -1 when unset */
	char *uidname, *gidname;
	int maxrcpt;		/* r= */
	int maxmsgs;		/* m= */
	int nice;		/* N= */
	char *wait;		/* W= */
	char *qgroup;		/* Q= */
	char *root;		/* /= */
	char *file;		/* config file and line for messages */
	int line;
};

struct hdrdef {
	char *name;
	char *value;		/* unexpanded */
	char *cond;		/* ?flags? or ?${macro}? text, or NULL */
	char flags[64];
};

struct conf {
	pool *pool;
	char *path;
	int level;		/* V line */
	char *vendor;
	struct macro_table macros;
	struct class_table *classes;
	struct options *opts;
	struct addr_syntax syntax;	/* addresses and rule text */
	struct addr_syntax int_syntax;	/* map results and $& values: only the
					 * OperatorChars option counts here,
					 * not the old $o macro */
	struct ruleset_table rules;
	int blanksub;		/* BlankSub: joins words in addresses and keys */
	struct mailer *mailers[MAXMAILERS];
	int nmailers;
	struct hdrdef *headers;
	size_t nheaders, capheaders;
	map_registry *maps;
	char **mapnames;	/* maps a rule names, by index (tok.aux) */
	size_t nmapnames, capmapnames;
	char **precedence_names;
	int *precedence_vals;
	size_t nprec;
	int test_mode;		/* loaded for -bt */
	dstr *user_out;		/* where messages for the user go while a
				 * command runs (-bt output); NULL: the log */
	dstr msgs;		/* warnings from loading, "file: line n: ..." */
	int nerrors;
	int exit_status;	/* sendmail's exit code after an error in the
				 * config or while rewriting (EX_SOFTWARE, or
				 * EX_OSERR for a file it could not open);
				 * -bt exits with it.  0 while all is well. */
};

/* conf_load: read path and build the config.  Warnings and errors are
 * collected in conf->msgs (the caller prints them, as sendmail does, on
 * its standard output in test mode).  overrides are "-O Name=value"
 * option settings applied after the file (may be NULL). */
struct conf *conf_load(const char *path, int test_mode, char **overrides,
    int noverrides);
void conf_free(struct conf *c);
/* conf_delivering: from here on the process delivers: maps marked -D,
 * which DeliveryMode=deferred keeps from being asked while mail is
 * received, answer again (sendmail: "deliver during queue run") */
void conf_delivering(struct conf *c);
struct mailer *conf_mailer(const struct conf *c, const char *name);
/* conf_map_index: index (+1) used by tokens to name a map. */
int conf_map_index(struct conf *c, const char *name);
map *conf_map_by_index(const struct conf *c, int idx);

#endif
