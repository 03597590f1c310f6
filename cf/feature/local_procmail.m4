divert(-1)dnl
#
# feature/local_procmail.m4 -- FEATURE(local_procmail):
# deliver local mail with procmail.  Arguments: path,
# argument vector, mailer flags.
#
define(`_sw_f_local_procmail', `1')
_sw_set(`LOCAL_MAILER_PATH', ifelse(_ARG_, `', `ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail')', _ARG_))
ifelse(_ARG2_, `', `ifdef(`LOCAL_MAILER_ARGS', `', `_sw_set(`LOCAL_MAILER_ARGS', `procmail -Y -a $h -d $u')')', `_sw_set(`LOCAL_MAILER_ARGS', defn(`_ARG2_'))')
_sw_set(`LOCAL_MAILER_FLAGS', ifelse(_ARG3_, `', `SPfhn9', defn(`_ARG3_')))
divert(0)dnl
