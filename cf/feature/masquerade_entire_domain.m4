divert(-1)dnl
#
# feature/masquerade_entire_domain.m4 -- FEATURE(masquerade_entire_domain):
# MASQUERADE_DOMAIN covers subdomains too.
#
define(`_sw_f_masquerade_entire_domain', `1')
divert(0)dnl
