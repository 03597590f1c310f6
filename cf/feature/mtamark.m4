divert(-1)dnl
#
# feature/mtamark.m4 -- FEATURE(mtamark):
# no effect in this library (a DNS experiment of 2007); accepted and ignored.
#
define(`_sw_f_mtamark', `1')
divert(0)dnl
