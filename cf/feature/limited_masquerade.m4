divert(-1)dnl
#
# feature/limited_masquerade.m4 -- FEATURE(limited_masquerade):
# masquerade only MASQUERADE_DOMAIN names, not all of class w.
#
define(`_sw_f_limited_masquerade', `1')
divert(0)dnl
