divert(-1)dnl
#
# feature/use_ct_file.m4 -- FEATURE(use_ct_file):
# read more trusted users from confCT_FILE (/etc/mail/trusted-users).
#
define(`_sw_f_use_ct_file', `1')
divert(0)dnl
