divert(-1)dnl
#
# feature/relay_hosts_only.m4 -- FEATURE(relay_hosts_only):
# class R lists hosts, not domains: subdomains do not count.
#
define(`_sw_f_relay_hosts_only', `1')
divert(0)dnl
