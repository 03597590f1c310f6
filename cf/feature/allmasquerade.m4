divert(-1)dnl
#
# feature/allmasquerade.m4 -- FEATURE(allmasquerade):
# masquerade recipient headers too.
#
define(`_sw_f_allmasquerade', `1')
divert(0)dnl
