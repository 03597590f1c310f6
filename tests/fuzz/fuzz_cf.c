/* fuzz_cf: libFuzzer harness for the .cf reader (lib/cf cf_read_buffer)
 * and the parts of loading that need no files or network: rule
 * compilation (ruleset.c), ruleset declarations, macro definitions,
 * class words and K-line parsing (map_define, never opened).  Built and
 * run by tests/fuzz/build.sh and run.sh. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/dstr.h"
#include "base/pool.h"
#include "cf/cf_reader.h"
#include "map/map.h"
#include "sendmail/class.h"
#include "sendmail/macro.h"
#include "sendmail/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_items(const struct cf_file *cf, const uint8_t *data, size_t size)
{
	size_t i, lines = 1;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	for (i = 0; i < cf->nitems; i++) {
		const struct cf_item *it = &cf->items[i];

		/* every item, errors too, names the file and a real line */
		if (it->file == NULL || strcmp(it->file, "fuzz.cf") != 0 ||
		    it->line < 1 || (size_t)it->line > lines || it->text == NULL)
			abort();
		if (it->kind == CF_RULE && (it->lhs == NULL || it->rhs == NULL))
			abort();
	}
}

static void
load(const struct cf_file *cf)
{
	struct ruleset_table *rules = calloc(1, sizeof(*rules));
	struct macro_table macros;
	struct class_table *classes = class_table_new();
	struct addr_syntax syn;
	map_registry *reg = map_registry_new(NULL);
	pool *p = pool_new();
	dstr msg = DSTR_INIT;
	int cur = -1;
	size_t i, k;

	ruleset_table_init(rules);
	macro_table_init(&macros, NULL);
	addr_syntax_init(&syn, ".:%@!^/[]+");
	for (i = 0; i < cf->nitems; i++) {
		const struct cf_item *it = &cf->items[i];

		switch (it->kind) {
		case CF_DEFINE:
			macro_set_name(&macros, it->name, it->value);
			break;
		case CF_CLASS:
			for (k = 0; k < it->nwords; k++)
				class_add(classes, macro_id(it->name, strlen(it->name)), it->words[k]);
			break;
		case CF_MAP: {
			dstr line = DSTR_INIT;

			dstr_printf(&line, "%s %s", it->name, it->value);
			map_define(reg, line.s, &msg);
			dstr_free(&line);
			break;
		}
		case CF_RULESET: {
			dstr nm = DSTR_INIT;

			dstr_puts(&nm, it->name);
			if (it->value)
				dstr_printf(&nm, "=%s", it->value);
			cur = ruleset_declare(rules, nm.s, 1, &msg);
			dstr_free(&nm);
			break;
		}
		case CF_RULE:
			if (cur >= 0)
				rule_compile(rules, cur, it->lhs, it->rhs, &macros,
				    &syn, p, it->file, it->line, &msg);
			break;
		default:
			break;
		}
	}
	ruleset_resolve_calls(rules);
	for (i = 0; i < MAXRWSETS; i++)
		for (k = 0; k < rules->rs[i].n; k++)
			rule_print(&rules->rs[i].rules[k], &msg);
	for (i = 0; i < MAXRWSETS; i++) {
		free((char *)rules->rs[i].name);
		free(rules->rs[i].rules);
	}
	free(rules);
	dstr_free(&msg);
	pool_free(p);
	map_registry_free(reg);
	class_table_free(classes);
	macro_table_free(&macros);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cf_file cf;
	dstr errs = DSTR_INIT;

	memset(&cf, 0, sizeof(cf));
	cf_read_buffer("fuzz.cf", (const char *)data, size, &cf, &errs);
	if ((cf.nerrors > 0) != (errs.len > 0))
		abort();
	check_items(&cf, data, size);
	load(&cf);
	cf_file_free(&cf);
	dstr_free(&errs);
	return 0;
}
