divert(-1)dnl
#
# feature/relay_mail_from.m4 -- FEATURE(relay_mail_from):
# relay for senders with RELAY in From: entries of the
# access map; argument `domain' also looks up the sender's domain.
#
define(`_sw_f_relay_mail_from', `1')
ifdef(`_sw_f_access_db', `', `_sw_fatal(`FEATURE(relay_mail_from) needs FEATURE(access_db) before it')')
define(`_sw_rmf_arg', _ARG_)
_sw_warn(`FEATURE(relay_mail_from) trusts a sender address anyone can forge; prefer SMTP AUTH')
divert(0)dnl
