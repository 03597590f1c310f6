divert(-1)dnl
#
# feature/badmx.m4 -- FEATURE(badmx):
# refuse senders whose domain has an MX pointing at a bogus host or address.
#
define(`_sw_f_badmx', `1')
divert(0)dnl
