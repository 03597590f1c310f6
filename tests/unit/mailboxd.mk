# unit tests of the mailboxd layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_imap_parse
unit_test_imap_parse_SOURCES = unit/test_imap_parse.c
unit_test_imap_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/mailboxd
unit_test_imap_parse_LDADD = $(top_builddir)/mailboxd/libmailboxd.a $(LDADD)
