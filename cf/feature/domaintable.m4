divert(-1)dnl
#
# feature/domaintable.m4 -- FEATURE(domaintable):
# rename whole domains (old.example -> new.example).
#
define(`_sw_f_domaintable', `1')
define(`_sw_map_domaintable', _sw_ldapspec(_sw_mapspec(_ARG_, `domaintable'), `domain'))
divert(0)dnl
