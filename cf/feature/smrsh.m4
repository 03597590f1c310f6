divert(-1)dnl
#
# feature/smrsh.m4 -- FEATURE(smrsh):
# run programs through the restricted shell smrsh.  Argument: its path.
#
define(`_sw_f_smrsh', `1')
define(`LOCAL_SHELL_PATH', ifelse(_ARG_, `', `ifdef(`confEBINDIR', `confEBINDIR', `/usr/libexec')/smrsh', _ARG_))
define(`LOCAL_SHELL_ARGS', `smrsh -c $u')
divert(0)dnl
