divert(-1)dnl
#
# feature/bestmx_is_local.m4 -- FEATURE(bestmx_is_local):
# no effect in this library yet; accepted and ignored.
#
define(`_sw_f_bestmx_is_local', `1')
divert(0)dnl
