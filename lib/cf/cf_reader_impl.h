/* cf_reader_impl: what the generated parser calls back into; private to
 * lib/cf. */
#ifndef SW_CF_READER_IMPL_H
#define SW_CF_READER_IMPL_H
#include "cf/cf_lex.h"

void cf_item_done(struct cf_lexer *lx);
void cf_item_drop(struct cf_lexer *lx);
void cf_item_word(struct cf_lexer *lx, const char *w);
void cf_item_error(struct cf_lexer *lx, const char *msg);
int cfg_lex(void *lval, struct cf_lexer *lx);

#endif
