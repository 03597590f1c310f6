divert(-1)dnl
#
# ostype/linux.m4 -- OSTYPE(linux): local delivery through procmail, as
# Linux distributions ship it, helpers (smrsh, mail.local) in /usr/sbin.
# Each mailer value yields to an earlier define; confEBINDIR does not.
#
define(`confEBINDIR', `/usr/sbin')
ifdef(`LOCAL_MAILER_PATH', `', `define(`LOCAL_MAILER_PATH', `/usr/bin/procmail')')
ifdef(`LOCAL_MAILER_FLAGS', `', `define(`LOCAL_MAILER_FLAGS', `SPfhn9')')
ifdef(`LOCAL_MAILER_ARGS', `', `define(`LOCAL_MAILER_ARGS', `procmail -a $h -d $u')')
ifdef(`PROCMAIL_MAILER_PATH', `', `define(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')')
divert(0)dnl
