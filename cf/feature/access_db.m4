divert(-1)dnl
#
# feature/access_db.m4 -- FEATURE(access_db):
# check clients, senders and recipients against the access map
# (Connect:, From:, To:, Spam: ... keys).  Argument: the map spec (default
# hash -T<TMPF> /etc/mail/access); a second argument `skip' makes SKIP
# entries end a lookup.
#
define(`_sw_f_access_db', `1')
define(`_sw_map_access', ifelse(_ARG_, `', `_sw_maptype -T<TMPF> _sw_mapdir`'access', `_sw_ldapspec(_ARG_, `access')'))
ifelse(_ARG2_, `skip', `define(`_sw_access_skip', `1')')
ifelse(_ARG3_, `skip', `define(`_sw_access_skip', `1')')
divert(0)dnl
