/* fuzz_rules: libFuzzer harness for the rule engine and -bt: each input
 * is -bt command lines run by testmode_run against one config loaded once
 * (FUZZ_RULES_CF, made by build.sh).  What an input changes (macros, -d
 * levels, the host cache) is put back after it; /mx, /canon (DNS) and .C
 * lines (classes that only grow) are skipped.  See tests/fuzz/README. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/dstr.h"
#include "map/map_impl.h"
#include "sendmail/conf.h"
#include "sendmail/debug.h"
#include "sendmail/testmode.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct conf *conf;
static FILE *sink;
static char **saved_macros;
static size_t saved_cap;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *cf = getenv("FUZZ_RULES_CF");
	size_t i;

	(void)argc;
	(void)argv;
	if (cf == NULL) {
		fprintf(stderr, "fuzz_rules: set FUZZ_RULES_CF to a compiled .cf (build.sh makes one)\n");
		exit(2);
	}
	conf = conf_load(cf, 1, NULL, 0);
	if (conf->nerrors) {
		fprintf(stderr, "fuzz_rules: %s: %s", cf, dstr_cstr(&conf->msgs));
		exit(2);
	}
	sink = fopen("/dev/null", "w");
	saved_cap = conf->macros.cap;
	saved_macros = calloc(saved_cap + 1, sizeof(char *));
	for (i = 0; i < saved_cap; i++)
		saved_macros[i] = conf->macros.v[i] ? strdup(conf->macros.v[i]) : NULL;
	return 0;
}

static void
restore_state(void)
{
	size_t i;

	for (i = 0; i < conf->macros.cap; i++) {
		const char *want = i < saved_cap ? saved_macros[i] : NULL;
		const char *have = conf->macros.v[i];

		if (want == have || (want && have && strcmp(want, have) == 0))
			continue;
		macro_set(&conf->macros, (int)i, want);
	}
	memset(debug_levels, 0, sizeof(debug_levels));
	map_host_cache_free(conf->maps);
}

/* keep: 1 for a command line the harness lets through */
static int
keep(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (line[0] == '.' && (line[1] == 'C' || line[1] == 'c'))
		return 0;
	if (line[0] == '/' && (strncasecmp(line + 1, "mx", 2) == 0 ||
	    strncasecmp(line + 1, "canon", 5) == 0))
		return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dstr text = DSTR_INIT;
	size_t i = 0;
	FILE *in;

	/* NUL bytes stay: -bt reads lines with fgets, as sendmail does */
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
		dstr line = DSTR_INIT;

		dstr_append(&line, data + i, n);
		if (keep(line.s))
			dstr_append(&text, line.s, line.len);
		dstr_free(&line);
		i += n;
	}
	if (text.len == 0) {
		dstr_free(&text);
		return 0;
	}
	in = fmemopen(text.s, text.len, "r");
	if (in != NULL) {
		testmode_run(conf, in, sink);
		fclose(in);
	}
	restore_state();
	dstr_free(&text);
	return 0;
}
