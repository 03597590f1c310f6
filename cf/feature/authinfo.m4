divert(-1)dnl
#
# feature/authinfo.m4 -- FEATURE(authinfo):
# keep SMTP AUTH client credentials in their own map instead
# of AuthInfo: entries of the access map.  Argument: the map spec.
#
define(`_sw_f_authinfo', `1')
define(`_sw_map_authinfo', _sw_ldapspec(_sw_mapspec(_ARG_, `authinfo'), `authinfo'))
divert(0)dnl
