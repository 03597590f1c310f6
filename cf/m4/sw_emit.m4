divert(-1)dnl
#
# sw_emit.m4 -- writes the .cf.  Run once, from m4wrap, after the whole
# .mc has been read, so every FEATURE and define is known.  Order: the
# identity and class/macro/map lines, the options, priorities, trusted
# users and headers, the address rulesets (sw_rules_addr.m4), the policy
# rulesets (sw_rules_policy.m4), the mailers, and LOCAL_RULESETS last.
#
# Rule text is full of $# (pick a mailer): with m4's default comment
# character that would hide the rest of each such line from expansion,
# so comments are switched off while the .cf is written.
changecom()
# the configuration version sendmail reports as $Z (kept in step with the
# sendmail 8.17 release whose cf library this one stands in for)
define(`_sw_version', `8.17.1.9')
# confTIME_ZONE: USE_SYSTEM means "say nothing", USE_TZ means "keep $TZ"
# (an empty TimeZoneSpec); anything else is the zone itself.
ifdef(`confTIME_ZONE', `ifelse(confTIME_ZONE, `USE_SYSTEM', `undefine(`confTIME_ZONE')',
	confTIME_ZONE, `USE_TZ', `define(`confTIME_ZONE', `')')')
# ---- small predicates used by the rule files
define(`_sw_if', `ifdef(`_sw_f_$1', `$2', `$3')')
define(`_sw_uucp', `ifdef(`_sw_f_nouucp', `$2', `$1')')
define(`_sw_smtpmailer', `ifdef(`confSMTP_MAILER', `confSMTP_MAILER', `esmtp')')
define(`_sw_relaymailer', `ifdef(`confRELAY_MAILER', `confRELAY_MAILER', `relay')')
define(`_sw_tmpf', `"451 Temporary system failure. Please try again later."')
define(`_sw_opt', `ifdef(`$1', `O $2=$1
', `ifelse(`$3', `', `', `O $2=$3
')')')
define(`_sw_full_mta', `1')
divert(0)dnl
undivert(34)dnl
#
# Built by Sendwell's cf library (sendmail-cf compatible) from the .mc
# above.  Edit the .mc and rebuild; changes made here are lost.
#
V10/Berkeley
include(SW_LIB`m4/sw_head.m4')dnl
undivert(32)dnl
ifdef(`_sw_f_virtuser_entire_domain', `CR$={VirtHost}
')dnl
undivert(33)dnl
undivert(20)dnl
include(SW_LIB`m4/sw_rules_addr.m4')dnl
ifdef(`_sw_full_mta', `include(SW_LIB`m4/sw_rules_policy.m4')')dnl
include(SW_LIB`m4/sw_mailers.m4')dnl
undivert(26)dnl
undivert(28)undivert(29)undivert(40)undivert(41)undivert(42)undivert(43)undivert(44)dnl
divert(-1)dnl
undivert(21)undivert(22)undivert(23)undivert(24)undivert(25)undivert(27)
divert(0)dnl
