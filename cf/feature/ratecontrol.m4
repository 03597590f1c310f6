divert(-1)dnl
#
# feature/ratecontrol.m4 -- FEATURE(ratecontrol):
# limit connection rate per client (ClientRate:
# entries of the access map).  Argument `nodelay' checks at connect time
# even with delay_checks; a second argument `terminate' answers 421.
#
define(`_sw_f_ratecontrol', `1')
define(`_sw_need_A_src', `1')define(`_sw_rate_term', _ARG2_)
ifelse(_ARG_, `nodelay', `ifdef(`_sw_f_delay_checks', `define(`_sw_rate_at_connect', `1')')')
divert(0)dnl
