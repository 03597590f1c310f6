divert(-1)dnl
#
# feature/use_client_ptr.m4 -- FEATURE(use_client_ptr):
# no effect in this library yet; accepted and ignored.
#
define(`_sw_f_use_client_ptr', `1')
divert(0)dnl
