divert(-1)dnl
#
# feature/virtusertable.m4 -- FEATURE(virtusertable):
# map virtual addresses (user@domain, @domain) to real
# ones.  Argument: the map spec (default hash /etc/mail/virtusertable).
#
define(`_sw_f_virtusertable', `1')
define(`_sw_map_virtuser', _sw_ldapspec(_sw_mapspec(_ARG_, `virtusertable'), `virtuser'))
divert(0)dnl
