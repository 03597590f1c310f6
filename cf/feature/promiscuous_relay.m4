divert(-1)dnl
#
# feature/promiscuous_relay.m4 -- FEATURE(promiscuous_relay):
# relay for everyone (an open relay: never on the Internet).
#
define(`_sw_f_promiscuous_relay', `1')
_sw_warn(`FEATURE(promiscuous_relay) makes an open relay')
divert(0)dnl
