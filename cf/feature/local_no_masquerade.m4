divert(-1)dnl
#
# feature/local_no_masquerade.m4 -- FEATURE(local_no_masquerade):
# mail to local users is not masqueraded.
#
define(`_sw_f_local_no_masquerade', `1')
divert(0)dnl
