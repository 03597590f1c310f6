# unit tests of the smtp layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_auth
unit_test_auth_SOURCES = unit/test_auth.c
unit_test_auth_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
# the statistics file and the queue's files and locks
UNIT_TESTS += unit/test_stats unit/test_queue
unit_test_stats_SOURCES = unit/test_stats.c
unit_test_stats_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
unit_test_queue_SOURCES = unit/test_queue.c
unit_test_queue_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
# the SMTP server fuzzer's finds and seed sessions, replayed
UNIT_TESTS += unit/test_smtpd_fuzz
unit_test_smtpd_fuzz_SOURCES = unit/test_smtpd_fuzz.c unit/fuzz_replay.c unit/fuzz_replay.h
unit_test_smtpd_fuzz_CPPFLAGS = $(AM_CPPFLAGS) -DSW_FUZZ_DIR='"$(abs_top_srcdir)/tests/fuzz"'
unit_test_smtpd_fuzz_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
# the SMTP client's MIME-aware 8-bit to 7-bit conversion
UNIT_TESTS += unit/test_mime7bit
unit_test_mime7bit_SOURCES = unit/test_mime7bit.c
unit_test_mime7bit_LDADD = $(top_builddir)/sendmail/libmta.a $(LDADD)
