divert(-1)dnl
#
# feature/msp.m4 -- FEATURE(msp):
# this is a mail submission program config (submit.cf): send
# everything to the local MTA.  Arguments: the MTA host (default
# [localhost]), `MSA' to use port 587.
#
define(`_sw_f_msp', `1')
define(`_sw_msp_host', ifelse(_ARG_, `', `[localhost]', _ARG_))
define(`_sw_msp_port', _ARG2_)
include(SW_LIB`m4/sw_msp.m4')
divert(0)dnl
