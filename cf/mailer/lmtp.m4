divert(-1)dnl
#
# mailer/lmtp.m4 -- MAILER(lmtp): an `lmtp' mailer that hands messages to
# Sendwell's mailboxd over LMTP on a unix socket (LMTP_MAILER_ARGS, default
# FILE /var/run/sendwell/lmtp) or a TCP port (TCP host port).  Route to it
# from a mailertable entry such as  example.org  lmtp:localhost  or make it
# the local mailer with FEATURE(local_lmtp) instead.
#
_sw_mailer_add(`lmtp')
define(`_sw_emit_mailer_lmtp', `Mlmtp,	P=[IPC], F=lsDFMnqXz`'_sw_flags(`LMTP', `'), S=EnvFromSMTP/HdrFromL, R=EnvToL/HdrToL,
		T=DNS/RFC822/SMTP,
		A=ifdef(`LMTP_MAILER_ARGS', `LMTP_MAILER_ARGS', `FILE /var/run/sendwell/lmtp')
')
divert(0)dnl
