/* makemap: builds a hash or btree map from "key value" lines on standard
 * input (the text maps of /etc/mail: access, virtusertable, mailertable,
 * genericstable ...), lists one with -u, in sendmail's file format and
 * with sendmail makemap's options, messages and exit codes. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "map/map.h"

struct opts {
	int nul, fold, dups, empty, append, replace, unmap, verbose;
	int comment;		/* -D */
	int delim;		/* -t, 0 = white space */
	const char *cf;
};

static void
usage(void)
{
	fprintf(stderr,
	    "Usage: makemap [-C cffile] [-N] [-c cachesize] [-D commentchar]\n"
	    "               [-d] [-e] [-f] [-i type] [-l] [-o] [-r] [-s] [-t delimiter]\n"
	    "               [-u] [-v] type mapname\n");
	exit(EX_USAGE);
}

struct dump {
	int delim;
};

static void
print_pair(void *arg, const char *k, size_t kl, const char *v, size_t vl)
{
	struct dump *d = arg;

	/* keys and values may carry their NUL (-N); it is not shown */
	kl = strnlen(k, kl);
	vl = strnlen(v, vl);
	fwrite(k, 1, kl, stdout);
	putchar(d->delim ? d->delim : '\t');
	fwrite(v, 1, vl, stdout);
	putchar('\n');
}

static int
is_delim(const struct opts *o, int c)
{
	return o->delim ? c == o->delim : isspace(c);
}

static int
build(map *m, const char *name, const struct opts *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, exitstat = EX_OK;
	dstr err = DSTR_INIT;

	if (map_rebuild_begin(m, o->append, &err) != 0) {
		fprintf(stderr, "makemap: error opening type %s map %s: %s\n",
		    map_class_name(m), name, dstr_cstr(&err));
		dstr_free(&err);
		return EX_CANTCREAT;
	}
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		char *p = line, *key, *val;
		int rc;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == o->comment)
			continue;
		if (isspace((unsigned char)line[0]) && !o->delim) {
			fprintf(stderr, "makemap: %s: line %d: syntax error (leading space)\n",
			    name, lineno);
			exitstat = EX_DATAERR;
			continue;
		}
		key = p;
		while (*p && !is_delim(o, (unsigned char)*p))
			p++;
		if (*p) {
			*p++ = '\0';
			if (!o->delim)
				while (*p && isspace((unsigned char)*p))
					p++;
		}
		val = p;
		/* the key is folded before anything is said about it */
		if (o->fold)
			for (p = key; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		if (*val == '\0' && !o->empty) {
			fprintf(stderr, "makemap: %s: line %d: no RHS for LHS %s\n", name, lineno, key);
			exitstat = EX_DATAERR;
			continue;
		}
		if (o->verbose)
			printf("key=`%s', val=`%s'\n", key, val);
		dstr_clear(&err);
		rc = map_rebuild_store(m, key, val, &err);
		if (rc == 1 && !o->replace) {
			/* -r replaced it without a word */
			fprintf(stderr, "makemap: %s: line %d: key %s: duplicate key\n", name, lineno, key);
			exitstat = EX_DATAERR;
		} else if (rc < 0) {
			fprintf(stderr, "makemap: %s: line %d: key %s: %s\n", name, lineno, key, dstr_cstr(&err));
			exitstat = EX_IOERR;
		}
	}
	free(line);
	dstr_clear(&err);
	if (map_rebuild_commit(m, &err) != 0) {
		fprintf(stderr, "makemap: %s: %s\n", name, dstr_cstr(&err));
		exitstat = EX_IOERR;
	}
	dstr_free(&err);
	return exitstat;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0, 1, 0, 0, 0, 0, 0, 0, '#', 0, NULL };
	struct map_env env = { NULL, NULL, NULL, NULL, NULL, NULL };
	map_registry *reg;
	dstr kline = DSTR_INIT, err = DSTR_INIT;
	const char *type, *name;
	map *m;
	int ch, rc;

	while ((ch = getopt(argc, argv, "C:Nc:D:defi:lorst:uvx")) != -1) {
		switch (ch) {
		case 'C': o.cf = optarg; break;
		case 'N': o.nul = 1; break;
		case 'c': break;	/* cache size: Berkeley DB's default is used */
		case 'D': o.comment = optarg[0]; break;
		case 'd': o.dups = 1; break;
		case 'e': o.empty = 1; break;
		case 'f': o.fold = 0; break;
		case 'i': break;
		case 'l': puts("hash\nbtree\nimplicit"); return EX_OK;
		case 'o': o.append = 1; break;
		case 'r': o.replace = 1; break;
		case 's': break;	/* no safety checks to skip */
		case 't': o.delim = optarg[0]; break;
		case 'u': o.unmap = 1; break;
		case 'v': o.verbose = 1; break;
		case 'x': puts("hash:db\nbtree:db\nimplicit:"); return EX_OK;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	type = argv[optind];
	name = argv[optind + 1];
	/* a configuration named with -C must be there (sendmail's makemap
	 * reads it); without -C none is needed */
	if (o.cf != NULL && access(o.cf, R_OK) != 0) {
		fprintf(stderr, "makemap: %s: %s\n", o.cf, strerror(errno));
		return EX_NOINPUT;
	}
	if (strcmp(type, "hash") != 0 && strcmp(type, "btree") != 0 &&
	    strcmp(type, "implicit") != 0) {
		fprintf(stderr, "makemap: error opening type %s map %s: Unknown database type\n",
		    type, name);
		return EX_CANTCREAT;
	}
	reg = map_registry_new(&env);
	dstr_printf(&kline, "makemap %s %s", strcmp(type, "implicit") == 0 ? "hash" : type, name);
	m = map_define(reg, kline.s, &err);
	if (m == NULL) {
		fprintf(stderr, "makemap: %s", dstr_cstr(&err));
		return EX_SOFTWARE;
	}
	map_set_write_flags(m, o.fold, o.nul, o.replace, 0);
	map_set_duplicates(m, o.dups);
	if (o.unmap) {
		struct dump d = { o.delim };

		if (map_each(m, print_pair, &d) != 0) {
			fprintf(stderr, "makemap: error opening type %s map %s: No such file or directory\n",
			    type, name);
			rc = EX_CANTCREAT;
		} else
			rc = EX_OK;
	} else
		rc = build(m, name, &o);
	map_registry_free(reg);
	dstr_free(&kline);
	dstr_free(&err);
	return rc;
}
