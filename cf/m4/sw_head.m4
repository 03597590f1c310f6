divert(-1)dnl
#
# sw_head.m4 -- the part of the .cf before the rulesets: local names,
# relay and masquerade classes, the macros $S $H $L $M $j $Z $n, the maps
# (K lines) features asked for, options, priorities, trusted users and
# header templates.  Included by sw_emit.m4.
#
divert(0)dnl
# ---- who we are, and whom we treat as ourselves
Cwlocalhost
ifdef(`_sw_f_use_cw_file', `Fw`'ifdef(`confCW_FILE', `confCW_FILE', `/etc/mail/local-host-names')
')dnl
ifdef(`_sw_f_block_bad_helo', `C{R}127.0.0.1
C{R}IPv6:0:0:0:0:0:0:0:1 IPv6:::1
C{w}[127.0.0.1]
C{w}[IPv6:0:0:0:0:0:0:0:1] [IPv6:::1]
')dnl
ifdef(`confDOMAIN_NAME', `Dj`'confDOMAIN_NAME
')dnl
# ---- pseudo-domains that never go to the name server
CP.
ifdef(`_sw_f_redirect', `CPREDIRECT
')dnl
# ---- relay hosts: smart host ($S), mail hub ($H), unknown users ($L)
ifdef(`SMART_HOST', `DS`'SMART_HOST', `DS')
ifdef(`MAIL_HUB', `DH`'MAIL_HUB
')dnl
ifdef(`LUSER_RELAY', `Kuser user -m -a<>
DL`'LUSER_RELAY
')dnl
ifdef(`MASQUERADE_NAME', `DM`'MASQUERADE_NAME
')dnl
ifdef(`_sw_f_nocanonify', `ifdef(`_sw_canonify_class', `', `')')dnl
# ---- operators that may appear in a local part, and bracket helpers
CO @ % _sw_uucp(`!')
C..
C[[
ifdef(`_sw_f_delay_checks', `ifdef(`_sw_f_blocklist_recipients', `C{SpamTag}SPAMFRIEND SPAMHATER
')')dnl
ifdef(`_sw_f_access_db', `C{Accept}OK RELAY
')dnl
ifdef(`_sw_full_mta', `ifdef(`_sw_f_accept_unresolvable_domains', `', `Kresolve host -a<OKR> -T<TEMP>
')C{ResOk}OKR
FR`'ifdef(`confCR_FILE', `confCR_FILE', `-o /etc/mail/relay-domains')
')dnl
Karith arith
ifdef(`_sw_f_access_db', `Kmacro macro
C{Tls}VERIFY ENCR
C{TlsVerified}OK TRUSTED
')dnl
Kdequote dequote`'ifdef(`confDEQUOTE_OPTS', ` confDEQUOTE_OPTS')
DnMAILER-DAEMON
# ---- maps the features asked for
ifdef(`_sw_f_access_db', `Kaccess _sw_map_access
')dnl
ifdef(`_sw_f_virtusertable', `Kvirtuser _sw_map_virtuser
')dnl
ifdef(`_sw_f_mailertable', `Kmailertable _sw_map_mailertable
')dnl
ifdef(`_sw_f_genericstable', `Kgenerics _sw_map_generics
')dnl
ifdef(`_sw_f_domaintable', `Kdomaintable _sw_map_domaintable
')dnl
ifdef(`_sw_f_authinfo', `Kauthinfo _sw_map_authinfo
')dnl
ifdef(`_sw_f_relay_based_on_MX', `Kmxserved bestmx -z: -T<TEMP>
')dnl
ifdef(`_sw_dnsbl_maps', `_sw_dnsbl_maps`'')dnl
ifdef(`_sw_f_badmx', `Kmxlist bestmx -z: -T<TEMP>
Kbadmx regex -a<BADMX> `^(([0-9]{1,3}\.){3}[0-9]){0,1}\.$'
KdnsA dns -R A -a. -T<TEMP>
KBadMXIP regex -a<BADMXIP> ^(127\.|10\.|0\.0\.0\.0)
')dnl
# ---- configuration version
DZ`'_sw_version`'ifdef(`confCF_VERSION', `/'confCF_VERSION)
ifdef(`_sw_f_use_ct_file', `Ft`'ifdef(`confCT_FILE', `confCT_FILE', `/etc/mail/trusted-users')
')dnl
ifdef(`confLDAP_CLUSTER', `D{sendmailMTACluster}confLDAP_CLUSTER
')dnl
ifdef(`_sw_msp_macros', `_sw_msp_macros`'')dnl
# ---- options
ifdef(`_sw_f_msp', `', `O AliasFile=ifdef(`ALIAS_FILE', `ALIAS_FILE', `_sw_mapdir`'aliases')
')dnl
O HelpFile=ifdef(`HELP_FILE', `HELP_FILE', `_sw_mapdir`'helpfile')
ifdef(`_sw_have_daemon', `undivert(30)', `O DaemonPortOptions=Name=MTA
')dnl
ifdef(`_sw_f_no_default_msa', `', `O DaemonPortOptions=Port=587, Name=MSA, M=E
')dnl
undivert(31)dnl
O QueueDirectory=ifdef(`QUEUE_DIR', `QUEUE_DIR', `/var/spool/mqueue')
ifdef(`STATUS_FILE', `O StatusFile=STATUS_FILE
')dnl
_sw_option_table`'dnl
# ---- message priorities
Pfirst-class=0
Pspecial-delivery=100
Plist=-30
Pbulk=-60
Pjunk=-100
# ---- trusted users
Troot
Tdaemon
_sw_uucp(`Tuucp
')dnl
ifdef(`confTRUSTED_USERS', `Ct`'confTRUSTED_USERS
')dnl
# ---- header templates
H?P?Return-Path: <$g>
HReceived: ifdef(`confRECEIVED_HEADER', `confRECEIVED_HEADER', `$?sfrom $s $.$?_($?s$|from $.$_)
	$.$?{auth_type}(authenticated$?{auth_ssf} bits=${auth_ssf}$.)
	$.by $j ($v/$Z)$?r with $r$. id $i$?{tls_version}
	(version=${tls_version} cipher=${cipher} bits=${cipher_bits} verify=${verify})$.$?u
	for $u; $|;
	$.$b')
H?D?Resent-Date: $a
H?D?Date: $a
H?F?Resent-From: ifdef(`confFROM_HEADER', `confFROM_HEADER', `$?x$x <$g>$|$g$.')
H?F?From: ifdef(`confFROM_HEADER', `confFROM_HEADER', `$?x$x <$g>$|$g$.')
H?x?Full-Name: $x
H?M?Resent-Message-Id: ifdef(`confMESSAGEID_HEADER', `confMESSAGEID_HEADER', `<$t.$i@$j>')
H?M?Message-Id: ifdef(`confMESSAGEID_HEADER', `confMESSAGEID_HEADER', `<$t.$i@$j>')
