divert(-1)dnl
#
# feature/greet_pause.m4 -- FEATURE(greet_pause):
# pause before the SMTP greeting (milliseconds; GreetPause:
# entries of the access map override it).
#
define(`_sw_f_greet_pause', `1')
define(`_sw_greet_ms', _ARG_)
divert(0)dnl
