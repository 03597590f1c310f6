divert(-1)dnl
#
# feature/always_add_domain.m4 -- FEATURE(always_add_domain):
# qualify local addresses even for local delivery.
#
define(`_sw_f_always_add_domain', `1')
divert(0)dnl
