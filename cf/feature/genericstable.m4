divert(-1)dnl
#
# feature/genericstable.m4 -- FEATURE(genericstable):
# rewrite local sender addresses through a table (the
# outbound twin of virtusertable).  Argument: the map spec.
#
define(`_sw_f_genericstable', `1')
define(`_sw_map_generics', _sw_ldapspec(_sw_mapspec(_ARG_, `genericstable'), `generics'))
divert(0)dnl
