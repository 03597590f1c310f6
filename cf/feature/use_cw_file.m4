divert(-1)dnl
#
# feature/use_cw_file.m4 -- FEATURE(use_cw_file):
# read more local host names from confCW_FILE (/etc/mail/local-host-names).
#
define(`_sw_f_use_cw_file', `1')
divert(0)dnl
