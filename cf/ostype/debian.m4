divert(-1)dnl
#
# ostype/debian.m4 -- OSTYPE(debian): the file layout and local delivery
# of Debian's sendmail packages (sensible-mda as the local mailer, state
# under /var/lib/sendmail, files under MAIL_SETTINGS_DIR = /etc/mail/).
# The autoconf values (sm_version ...) come from ../debian/autoconf.m4.
#
ifdef(`sm_version', `', `sinclude(SW_LIB`debian/autoconf.m4')')
_sw_set(`confCF_VERSION', `Debian-2+deb12u2')
ifdef(`MAIL_SETTINGS_DIR', `', `define(`MAIL_SETTINGS_DIR', `/etc/mail/')')
ifdef(`_USE_ETC_MAIL_', `', `define(`_USE_ETC_MAIL_')')
_sw_set(`confSMTP_LOGIN_MSG', `$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.')
_sw_set(`confDEAD_LETTER_DROP', `/var/lib/sendmail/dead.letter')
_sw_set(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')
_sw_set(`confHOST_STATUS_DIRECTORY', `/var/lib/sendmail/host_status')
_sw_set(`confCR_FILE', `-o 'MAIL_SETTINGS_DIR`relay-domains %[^\#]')
_sw_set(`confCT_FILE', MAIL_SETTINGS_DIR`trusted-users %[^\#]')
_sw_set(`confCW_FILE', MAIL_SETTINGS_DIR`local-host-names %[^\#]')
_sw_set(`confEBINDIR', `/usr/libexec/sendmail')
changequote([, ])
define([confMUST_QUOTE_CHARS], [.'])
changequote(`, ')
_sw_set(`confME_TOO', `True')
_sw_set(`confDEF_USER_ID', `mail:mail')
_sw_set(`confREJECT_NUL', `true')
_sw_set(`LOCAL_MAILER_PATH', `/usr/sbin/sensible-mda')
_sw_set(`LOCAL_MAILER_ARGS', `sensible-mda $g $u $h ${client_addr}')
MODIFY_MAILER_FLAGS(`LOCAL', `+S')
MODIFY_MAILER_FLAGS(`LOCAL', `-r')
MODIFY_MAILER_FLAGS(`LOCAL', `-m')
_sw_set(`PROCMAIL_MAILER_PATH', `/usr/bin/procmail')
_sw_set(`PROCMAIL_MAILER_ARGS', `procmail -m $h $f $u')
_sw_set(`USENET_MAILER_PATH', `/usr/bin/inews')
_sw_set(`UUCP_MAILER_ARGS', `uux - -r -z -a$g -gC $h!rmail ($u)')
_sw_set(`confBIND_OPTS', `+WorkAroundBrokenAAAA')
define(`_FFR_MILTER')
define(`_FFR_MAIL_MACRO')
divert(0)dnl
