divert(-1)dnl
#
# feature/delay_checks.m4 -- FEATURE(delay_checks):
# check_rcpt runs before the sender and client checks;
# argument `friend' or `hater' consults Spam: entries per recipient.
#
define(`_sw_f_delay_checks', `1')
define(`_sw_delay_arg', _ARG_)
divert(0)dnl
