divert(-1)dnl
#
# mailer/procmail.m4 -- MAILER(procmail): hand mail to procmail, e.g. for
# mailertable entries "procmail:/etc/procmailrcs/x".  Uses the SMTP
# mailers' rulesets, so MAILER(smtp) must come first.
#
_sw_mailer_add(`procmail')
define(`_sw_emit_mailer_procmail', `Mprocmail,	P=ifdef(`PROCMAIL_MAILER_PATH', `PROCMAIL_MAILER_PATH', `/usr/local/bin/procmail'), F=DFM`'_sw_flags(`PROCMAIL', `SPhnu9'), S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrFromSMTP`'_sw_eq(`PROCMAIL_MAILER_MAX', `M')`'_sw_eq(`PROCMAIL_MAILER_QGRP', `Q'),
		T=DNS/RFC822/X-Unix,
		A=ifdef(`PROCMAIL_MAILER_ARGS', `PROCMAIL_MAILER_ARGS', `procmail -Y -m $h $f $u')
')
divert(0)dnl
