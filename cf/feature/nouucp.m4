divert(-1)dnl
#
# feature/nouucp.m4 -- FEATURE(nouucp):
# no UUCP (bang path) handling.  Argument `reject' treats
# bang paths as remote in the relay check; `nospecial' leaves ! alone.
#
define(`_sw_f_nouucp', `1')
define(`_sw_nouucp_arg', _ARG_)
divert(0)dnl
