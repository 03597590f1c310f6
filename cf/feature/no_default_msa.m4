divert(-1)dnl
#
# feature/no_default_msa.m4 -- FEATURE(no_default_msa):
# no implicit port 587 listener: DAEMON_OPTIONS says it all.
#
define(`_sw_f_no_default_msa', `1')
divert(0)dnl
