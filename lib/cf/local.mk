# lib/cf: the sendmail.cf reader (Bison grammar + hand lexer).
libsendwell_a_SOURCES += \
	cf/cf_reader.c cf/cf_reader.h \
	cf/cf_lex.c cf/cf_lex.h cf/cf_reader_impl.h
nodist_libsendwell_a_SOURCES = cf/cf_grammar.c cf/cf_grammar.h
BUILT_SOURCES += cf/cf_grammar.c cf/cf_grammar.h
CLEANFILES += cf/cf_grammar.c cf/cf_grammar.h
EXTRA_DIST += cf/cf_grammar.y
cf/cf_grammar.c cf/cf_grammar.h: $(srcdir)/cf/cf_grammar.y
	@mkdir -p cf
	$(AM_V_GEN)$(BISON) -Wall -Werror -d -o cf/cf_grammar.c $(srcdir)/cf/cf_grammar.y
