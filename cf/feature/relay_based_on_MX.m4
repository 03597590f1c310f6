divert(-1)dnl
#
# feature/relay_based_on_MX.m4 -- FEATURE(relay_based_on_MX):
# relay for domains whose MX record points at us.
#
define(`_sw_f_relay_based_on_MX', `1')
divert(0)dnl
