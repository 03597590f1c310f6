# lib/base: memory, strings, arenas, logging and the clock; depends on libc only.
libsendwell_a_SOURCES += \
	base/xalloc.c base/xalloc.h \
	base/dstr.c base/dstr.h \
	base/pool.c base/pool.h \
	base/log.c base/log.h \
	base/clock.c base/clock.h
