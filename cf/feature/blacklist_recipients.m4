divert(-1)dnl
#
# feature/blacklist_recipients.m4 -- FEATURE(blacklist_recipients):
# the old name of blocklist_recipients.
#
define(`_sw_f_blacklist_recipients', `1')
define(`_sw_f_blocklist_recipients', `1')
divert(0)dnl
