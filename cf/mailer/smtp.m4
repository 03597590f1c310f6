divert(-1)dnl
#
# mailer/smtp.m4 -- MAILER(smtp): the SMTP mailers smtp, esmtp, smtp8,
# dsmtp and relay, with their address rulesets.  The M lines and rules
# are written by _sw_emit_mailer_smtp when sw_mailers.m4 runs the list.
#
_sw_mailer_add(`smtp')
define(`_sw_emit_mailer_smtp', `include(SW_LIB`mailer/smtp.rules')')
divert(0)dnl
