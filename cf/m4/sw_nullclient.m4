divert(-1)dnl
#
# sw_nullclient.m4 -- what FEATURE(nullclient, hub) changes: the hub is
# the smart host and the mail hub, every address is masqueraded as the
# hub (headers, envelope and recipients), and the local mailer keeps only
# the flags a pass-through host needs.  Included by feature/nullclient.m4.
#
define(`SMART_HOST', defn(`_sw_null_hub'))
define(`MAIL_HUB', defn(`_sw_null_hub'))
define(`MASQUERADE_NAME', defn(`_sw_null_hub'))
define(`_sw_f_allmasquerade', `1')
define(`_sw_f_masquerade_envelope', `1')
define(`_sw_local_prefix', `lsDFM5q')
MAILER(`local')
MAILER(`smtp')
divert(0)dnl
