divert(-1)dnl
#
# feature/check_other.m4 -- FEATURE(check_other):
# no effect in this library yet; accepted and ignored.
#
define(`_sw_f_check_other', `1')
divert(0)dnl
