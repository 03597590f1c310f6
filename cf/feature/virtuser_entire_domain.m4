divert(-1)dnl
#
# feature/virtuser_entire_domain.m4 -- FEATURE(virtuser_entire_domain):
# virtusertable @domain entries cover subdomains too.
#
define(`_sw_f_virtuser_entire_domain', `1')
divert(0)dnl
