divert(-1)dnl
#
# feature/nullclient.m4 -- FEATURE(nullclient):
# a null client: every address is sent to one hub.
# Argument: the hub.
#
define(`_sw_f_nullclient', `1')
define(`_sw_null_hub', _ARG_)
include(SW_LIB`m4/sw_nullclient.m4')
divert(0)dnl
