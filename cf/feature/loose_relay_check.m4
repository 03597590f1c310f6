divert(-1)dnl
#
# feature/loose_relay_check.m4 -- FEATURE(loose_relay_check):
# do not strip %-routing before the relay check.
#
define(`_sw_f_loose_relay_check', `1')
divert(0)dnl
