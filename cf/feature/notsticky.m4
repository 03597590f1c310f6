divert(-1)dnl
#
# feature/notsticky.m4 -- FEATURE(notsticky):
# the default behaviour: user@ourhost stays local.
#
define(`_sw_f_notsticky', `1')
divert(0)dnl
