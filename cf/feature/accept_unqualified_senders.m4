divert(-1)dnl
#
# feature/accept_unqualified_senders.m4 -- FEATURE(accept_unqualified_senders):
# accept MAIL FROM addresses without a domain.
#
define(`_sw_f_accept_unqualified_senders', `1')
divert(0)dnl
