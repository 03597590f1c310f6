# unit tests of the rules layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_rewrite
unit_test_rewrite_SOURCES = unit/test_rewrite.c
unit_test_rewrite_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
UNIT_TESTS += unit/test_macro unit/test_class
unit_test_macro_SOURCES = unit/test_macro.c
unit_test_macro_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
unit_test_class_SOURCES = unit/test_class.c
unit_test_class_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
# the fuzzers' crashers and seed corpora, replayed through the harnesses
UNIT_TESTS += unit/test_rewrite_fuzz
unit_test_rewrite_fuzz_SOURCES = unit/test_rewrite_fuzz.c unit/fuzz_replay.c unit/fuzz_replay.h
unit_test_rewrite_fuzz_CPPFLAGS = $(AM_CPPFLAGS) -DSW_FUZZ_DIR='"$(abs_top_srcdir)/tests/fuzz"'
unit_test_rewrite_fuzz_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
