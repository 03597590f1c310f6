# unit tests of cfcompiler's modules (the .mc reader, names and "did you
# mean", m4 sync-line parsing, map file rules, diagnostics order)
UNIT_TESTS += unit/test_cfcompiler
unit_test_cfcompiler_SOURCES = unit/test_cfcompiler.c
unit_test_cfcompiler_LDADD = $(top_builddir)/cfcompiler/libcfc.a \
	$(top_builddir)/sendmail/libmta.a $(LDADD)
