divert(-1)dnl
#
# feature/lookupdotdomain.m4 -- FEATURE(lookupdotdomain):
# access map lookups also try .parent.domain keys.
#
define(`_sw_f_lookupdotdomain', `1')
ifdef(`_sw_f_access_db', `', `_sw_fatal(`FEATURE(lookupdotdomain) needs FEATURE(access_db) before it')')
divert(0)dnl
