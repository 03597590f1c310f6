divert(-1)dnl
#
# feature/relay_entire_domain.m4 -- FEATURE(relay_entire_domain):
# relay for every host of our domain (class m).
#
define(`_sw_f_relay_entire_domain', `1')
divert(0)dnl
