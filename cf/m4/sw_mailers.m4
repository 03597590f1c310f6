divert(-1)dnl
#
# sw_mailers.m4 -- the mailers: local and prog always, then every
# mailer the .mc asked for, in the order the .mc named them, each with the rulesets its
# S= and R= equates name.  Included by sw_emit.m4.  Values come from the
# usual NAME_MAILER_PATH / _FLAGS / _ARGS / _MAX ... defines.
#
define(`_sw_eq', `ifdef(`$1', `, $2=$1')')
divert(0)dnl
_sw_mailer_list`'dnl
ifdef(`_sw_mailer_in_local', `', `include(SW_LIB`mailer/local.rules')')dnl
undivert(27)dnl
