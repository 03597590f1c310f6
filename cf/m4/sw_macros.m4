divert(-1)dnl
#
# sw_macros.m4 -- the macros a sendmail.mc calls (OSTYPE, DOMAIN, FEATURE,
# MAILER, DAEMON_OPTIONS, LOCAL_CONFIG, ...).  They only record choices:
# flags named _sw_f_<feature>, lines collected in numbered diversions, and
# a few defines.  Nothing is written to the .cf here; sw_emit.m4 does that
# at the end of input.  Included once, from cf.m4.
#
# Diversions used for collected text (all undiverted by sw_emit.m4):
#   20 LOCAL_CONFIG        21 LOCAL_RULE_3        22 LOCAL_RULE_0
#   23 LOCAL_RULE_1        24 LOCAL_RULE_2        25 LOCAL_NET_CONFIG
#   26 LOCAL_RULESETS      27 MAILER_DEFINITIONS  28 LOCAL_SRV_FEATURES
#   29 LOCAL_CLT_FEATURES  40 LOCAL_TRY_TLS       41 LOCAL_TLS_RCPT
#   42 LOCAL_TLS_CLIENT    43 LOCAL_TLS_SERVER    44 LOCAL_STARTTLS
#   30 daemon listeners    31 client options      32 class and macro lines
#   33 mail filters (X)    34 VERSIONID notes
#
# ---- stopping with a message that names the .mc file and line

define(`_sw_fatal', `errprint(__file__:__line__: `error: $1
')m4exit(`1')')
define(`_sw_warn', `errprint(__file__:__line__: `warning: $1
')')

# ---- appending a line to a collecting diversion, whatever divert is active
define(`_sw_put', `pushdef(`_sw_was', divnum)divert(`$1')$2
divert(_sw_was)popdef(`_sw_was')')

# ---- loading ostype/, domain/, feature/, mailer/, hack/ files by name.
# An unknown name stops m4 (exit 1) with the .mc file and line.
define(`_sw_file_ok', `syscmd(`test -r "$1"')ifelse(sysval, `0', `yes', `no')')
define(`_sw_load',
`ifelse(index(`$2', `/'), `-1', `', `_sw_fatal(`$3(`$2'): a name, not a path, please')')dnl
ifelse(_sw_file_ok(SW_LIB`$1/$2.m4'), `yes',
	`include(SW_LIB`$1/$2.m4')',
	`_sw_fatal(`unknown $3(`$2'): no such $1 in 'SW_LIB`$1/ (see doc/cf-library.md for the list)')')')

define(`OSTYPE', `ifelse(`$1', `', `_sw_fatal(`OSTYPE() needs a name')',
	`define(`__OSTYPE__', `$1')_sw_load(`ostype', `$1', `OSTYPE')')')
define(`DOMAIN', `ifelse(`$1', `', `_sw_fatal(`DOMAIN() needs a name')',
	`_sw_load(`domain', `$1', `DOMAIN')')')
define(`_sw_setargs', `define(`_ARG_', `$1')define(`_ARG2_', `$2')define(`_ARG3_', `$3')dnl
define(`_ARG4_', `$4')define(`_ARG5_', `$5')define(`_ARG6_', `$6')dnl
define(`_ARG7_', `$7')define(`_ARG8_', `$8')define(`_ARG9_', `$9')')
define(`FEATURE', `ifelse(`$1', `', `_sw_fatal(`FEATURE() needs a feature name')',
	`ifdef(`_sw_mailers_started', `_sw_warn(`FEATURE(`$1') after MAILER(): sendmail-cf expects features first')')dnl
_sw_setargs(shift($@))_sw_load(`feature', `$1', `FEATURE')')')
define(`HACK', `ifelse(`$1', `', `_sw_fatal(`HACK() needs a name')',
	`_sw_setargs(shift($@))_sw_load(`hack', `$1', `HACK')')')
define(`SITECONFIG', `_sw_warn(`SITECONFIG(`$1') is not supported by this library; ignored')')
define(`MAILER', `ifelse(`$1', `', `_sw_fatal(`MAILER() needs a mailer name')',
	`define(`_sw_mailers_started', `1')ifdef(`_sw_mailer_loaded_$1', `',
	`define(`_sw_mailer_loaded_$1', `1')_sw_load(`mailer', `$1', `MAILER')')')')
define(`MAILER_DEFINITIONS', `divert(27)')
define(`VERSIONID', `_sw_put(34, `##### $1 #####')')

# ---- mailer registry: a mailer file calls _sw_mailer_add(name) and defines
# _sw_emit_mailer_<name>; sw_emit.m4 emits them in MAILER() order.
define(`_sw_mailer_list', `')
define(`_sw_mailer_add', `ifdef(`_sw_mailer_in_$1', `',
	`define(`_sw_mailer_in_$1', `1')define(`_sw_mailer_list', defn(`_sw_mailer_list')`_sw_emit_mailer_$1`'')')')

# ---- MODIFY_MAILER_FLAGS(`NAME', `change'): `+xy' adds, `-xy' removes,
# anything else replaces NAME_MAILER_FLAGS.  Calls add up in order.
define(`MODIFY_MAILER_FLAGS', `define(`_sw_mmod_$1', ifdef(`_sw_mmod_$1', `defn(`_sw_mmod_$1')')`_sw_mod(`$2')')')
define(`_sw_mod', `ifelse(substr(`$1', 0, 1), `+', `define(`_sw_fl', defn(`_sw_fl')substr(`$1', 1))',
	substr(`$1', 0, 1), `-', `define(`_sw_fl', translit(defn(`_sw_fl'), substr(`$1', 1)))',
	`define(`_sw_fl', `$1')')')
# _sw_flags(NAME, default) -> NAME_MAILER_FLAGS (or the default) with the
# MODIFY_MAILER_FLAGS changes applied
define(`_sw_flags', `define(`_sw_fl', ifdef(`$1_MAILER_FLAGS', `defn(`$1_MAILER_FLAGS')', `$2'))dnl
ifdef(`_sw_mmod_$1', `_sw_mmod_$1`'')defn(`_sw_fl')')

# ---- listeners and client options
define(`DAEMON_OPTIONS', `define(`_sw_have_daemon', `1')_sw_put(30, `O DaemonPortOptions=$1')')
define(`CLIENT_OPTIONS', `_sw_put(31, `O ClientPortOptions=$1')')

# ---- classes and macros the .mc fills
define(`_sw_class', `_sw_put(32, `C{$1}$2')')
define(`_sw_cfile', `_sw_put(32, `F{$1}$2')')
define(`LOCAL_DOMAIN', `_sw_class(`w', `$1')')
define(`LOCAL_USER', `_sw_class(`L', `$1')')
define(`LOCAL_USER_FILE', `_sw_cfile(`L', `$1')')
define(`MASQUERADE_AS', `define(`MASQUERADE_NAME', `$1')')
define(`MASQUERADE_DOMAIN', `_sw_class(`M', `$1')')
define(`MASQUERADE_DOMAIN_FILE', `_sw_cfile(`M', `$1')')
define(`MASQUERADE_EXCEPTION', `_sw_class(`{MasqueradeExceptions}', `$1')')
define(`MASQUERADE_EXCEPTION_FILE', `_sw_cfile(`{MasqueradeExceptions}', `$1')')
define(`EXPOSED_USER', `_sw_class(`E', `$1')')
define(`EXPOSED_USER_FILE', `_sw_cfile(`E', `$1')')
define(`GENERICS_DOMAIN', `_sw_class(`G', `$1')')
define(`GENERICS_DOMAIN_FILE', `_sw_cfile(`G', `$1')')
define(`VIRTUSER_DOMAIN', `_sw_class(`VirtHost', `$1')')
define(`VIRTUSER_DOMAIN_FILE', `_sw_cfile(`VirtHost', `$1')')
define(`RELAY_DOMAIN', `_sw_class(`R', `$1')')
define(`RELAY_DOMAIN_FILE', `_sw_cfile(`R', `$1')')
define(`CANONIFY_DOMAIN', `_sw_class(`Canonify', `$1')')
define(`CANONIFY_DOMAIN_FILE', `_sw_cfile(`Canonify', `$1')')
define(`TRUST_AUTH_MECH', `_sw_class(`TrustAuthMech', `$1')define(`_sw_trust_auth', `1')')
define(`QUEUE_GROUP', `_sw_put(32, `Q$1, $2')')

# ---- mail filters
define(`MAIL_FILTER', `_sw_put(33, `X$1, $2')')
define(`INPUT_MAIL_FILTER', `MAIL_FILTER(`$1', `$2')define(`confINPUT_MAIL_FILTERS',
	ifdef(`confINPUT_MAIL_FILTERS', `defn(`confINPUT_MAIL_FILTERS')`,'')`$1')')

# ---- sections of raw .cf text the user writes
define(`LOCAL_CONFIG', `divert(20)')
define(`LOCAL_RULE_3', `divert(21)')
define(`LOCAL_RULE_0', `divert(22)')
define(`LOCAL_RULE_1', `divert(23)')
define(`LOCAL_RULE_2', `divert(24)')
define(`LOCAL_NET_CONFIG', `divert(25)')
define(`LOCAL_RULESETS', `divert(26)')
define(`LOCAL_SRV_FEATURES', `define(`_sw_local_srv_features', `1')divert(28)')
define(`LOCAL_CLT_FEATURES', `define(`_sw_local_clt_features', `1')divert(29)')
define(`LOCAL_TRY_TLS', `define(`_sw_local_try_tls', `1')divert(40)')
define(`LOCAL_TLS_RCPT', `define(`_sw_local_tls_rcpt', `1')divert(41)')
define(`LOCAL_TLS_CLIENT', `define(`_sw_local_tls_client', `1')divert(42)')
define(`LOCAL_TLS_SERVER', `define(`_sw_local_tls_server', `1')divert(43)')
define(`LOCAL_STARTTLS', `divert(44)')

# ---- helpers for UUCP-style rules users write in LOCAL_RULE_3
define(`UUCPSMTP', `R DOL(*) < @ $1 .UUCP > DOL(*)	DOL(@) DOL(1) < @ $2 > DOL(2)
R $1 ! DOL(*)	DOL(@) DOL(1) < @ $2 >')
define(`DOL', ``$'$1')

# ---- _sw_set(`name', `value'): a setting a DOMAIN/OSTYPE/feature file
# makes on the user's behalf (plain define; one place to change that).
define(`_sw_set', `define(`$1', `$2')')

# ---- feature helpers: the map spec a feature was given, or its default.
# _sw_mapspec(`arg', `name') -> arg, or "hash /etc/mail/name" (the folder
# is MAIL_SETTINGS_DIR when set; the type is DATABASE_MAP_TYPE, else hash)
define(`_sw_mapdir', `ifdef(`MAIL_SETTINGS_DIR', `MAIL_SETTINGS_DIR', `/etc/mail/')')
define(`_sw_maptype', `ifdef(`DATABASE_MAP_TYPE', `DATABASE_MAP_TYPE', `hash')')
define(`_sw_mapspec', `ifelse(`$1', `', `_sw_maptype _sw_mapdir`'$2', `$1')')
# a map spec given as `LDAP' means an LDAP map with default settings
define(`_sw_ldapspec', `ifelse(`$1', `LDAP', `ldap -1 -T<TMPF> -v sendmailMTAMapValue,sendmailMTAMapSearch:FILTER:sendmailMTAMapObject,sendmailMTAMapURL:URL:sendmailMTAMapObject,sendmailMTAMapHost:HOST:sendmailMTAMapObject -k (&(objectClass=sendmailMTAMapObject)(|(sendmailMTACluster=${sendmailMTACluster})(sendmailMTAHost=$j))(sendmailMTAMapName=$2)(sendmailMTAKey=%0))', `$1')')

divert(0)dnl
