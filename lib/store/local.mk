# lib/store: the mailbox store (mbox, Maildir++, per-mailbox index and
# cache), MIME structure and IMAP renderings, locking, modified UTF-7;
# depends on lib/base and lib/io (base64).
libsendwell_a_SOURCES += \
	store/store.c store/store.h store/store_int.h \
	store/index.c store/maildir.c store/mbox.c store/deliver.c \
	store/lock.c store/lock.h \
	store/mime.c store/mime.h \
	store/imapfmt.c store/imapfmt.h \
	store/mutf7.c store/mutf7.h
