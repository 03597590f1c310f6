divert(-1)dnl
#
# feature/accept_unresolvable_domains.m4 -- FEATURE(accept_unresolvable_domains):
# accept senders whose domain does not resolve.
#
define(`_sw_f_accept_unresolvable_domains', `1')
divert(0)dnl
