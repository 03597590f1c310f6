divert(-1)dnl
#
# feature/generics_entire_domain.m4 -- FEATURE(generics_entire_domain):
# genericstable applies to subdomains of GENERICS_DOMAIN.
#
define(`_sw_f_generics_entire_domain', `1')
divert(0)dnl
