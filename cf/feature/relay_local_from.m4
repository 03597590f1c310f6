divert(-1)dnl
#
# feature/relay_local_from.m4 -- FEATURE(relay_local_from):
# relay when the envelope sender is local (easily forged).
#
define(`_sw_f_relay_local_from', `1')
_sw_warn(`FEATURE(relay_local_from) lets anyone who forges a local sender relay; prefer SMTP AUTH')
divert(0)dnl
