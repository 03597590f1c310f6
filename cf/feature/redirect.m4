divert(-1)dnl
#
# feature/redirect.m4 -- FEATURE(redirect):
# the .REDIRECT pseudo-domain: alias an address to
# new@place.REDIRECT and senders learn the new address (551).
#
define(`_sw_f_redirect', `1')
divert(0)dnl
