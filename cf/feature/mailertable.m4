divert(-1)dnl
#
# feature/mailertable.m4 -- FEATURE(mailertable):
# route domains to mailer:host pairs.  Argument: the map
# spec (default hash /etc/mail/mailertable).
#
define(`_sw_f_mailertable', `1')
define(`_sw_map_mailertable', _sw_ldapspec(_sw_mapspec(_ARG_, `mailertable'), `mailer'))
divert(0)dnl
