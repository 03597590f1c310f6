# lib/addr: address tokenizer (prescan) and address helpers.
libsendwell_a_SOURCES += \
	addr/addr_token.c addr/addr_token.h \
	addr/addr_util.c addr/addr_util.h
