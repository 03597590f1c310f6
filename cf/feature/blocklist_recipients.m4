divert(-1)dnl
#
# feature/blocklist_recipients.m4 -- FEATURE(blocklist_recipients):
# refuse recipients listed in the access map (To: entries).
#
define(`_sw_f_blocklist_recipients', `1')
divert(0)dnl
