divert(-1)dnl
#
# feature/local_lmtp.m4 -- FEATURE(local_lmtp):
# deliver local mail over LMTP (mail.local -l; Sendwell's
# mailboxd answers the same protocol).  Arguments: path, argument vector.
#
define(`_sw_f_local_lmtp', `1')
_sw_set(`LOCAL_MAILER_PATH', ifelse(_ARG_, `', `ifdef(`confEBINDIR', `confEBINDIR', `/usr/libexec')/mail.local', _ARG_))
_sw_set(`LOCAL_MAILER_ARGS', ifelse(_ARG2_, `', `mail.local -l', defn(`_ARG2_')))
_sw_set(`LOCAL_MAILER_FLAGS', `PSXmnz9')
define(`_sw_local_T', `SMTP')
divert(0)dnl
