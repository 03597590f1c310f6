divert(-1)dnl
#
# feature/masquerade_envelope.m4 -- FEATURE(masquerade_envelope):
# masquerade envelope senders as well as headers.
#
define(`_sw_f_masquerade_envelope', `1')
divert(0)dnl
