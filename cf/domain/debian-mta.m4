divert(-1)dnl
#
# domain/debian-mta.m4 -- DOMAIN(debian-mta): Debian's settings for the
# MTA daemon: its pid and control files under /var/run/sendmail/mta,
# shorter SMTP timeouts, a hop limit of 100, group-readable queue files
# and the DontBlameSendmail relaxations Debian's file layout needs.
#
define(`DEBIAN_MTA')
_sw_set(`STATUS_FILE', `/var/lib/sendmail/sendmail.st')
_sw_set(`confHOST_STATUS_DIRECTORY', `/var/lib/sendmail/host_status')
_sw_set(`confPID_FILE', `/var/run/sendmail/mta/sendmail.pid')
_sw_set(`confCONTROL_SOCKET_NAME', `/var/run/sendmail/mta/smcontrol')
_sw_set(`confPROCESS_TITLE_PREFIX', `MTA')
_sw_set(`confMAX_DAEMON_CHILDREN', `0')
_sw_set(`confRRT_IMPLIES_DSN', `False')
_sw_set(`confSAFE_FILE_ENV', `/')
_sw_set(`confSAFE_QUEUE', `True')
_sw_set(`confTO_ICONNECT', `2m')
_sw_set(`confTO_MAIL', `2m')
_sw_set(`confTO_DATAINIT', `2m')
_sw_set(`confTO_RSET', `1m')
_sw_set(`confTO_QUIT', `2m')
_sw_set(`confTO_COMMAND', `5m')
_sw_set(`confTO_IDENT', `5s')
_sw_set(`confMAX_HOP', `100')
_sw_set(`confDONT_BLAME_SENDMAIL', ifdef(`confDONT_BLAME_SENDMAIL', `defn(`confDONT_BLAME_SENDMAIL')')`,AssumeSafeChown,ForwardFileInGroupWritableDirPath,GroupWritableForwardFileSafe,GroupWritableIncludeFileSafe,IncludeFileInGroupWritableDirPath,DontWarnForwardFileInUnsafeDirPath,TrustStickyBit,NonRootSafeAddr,GroupWritableIncludeFile,GroupReadableDefaultAuthInfoFile')
_sw_set(`confQUEUE_FILE_MODE', `0640')
_sw_set(`confTEMP_FILE_MODE', `0640')
_sw_set(`confPRIVACY_FLAGS', `restrictqrun,restrictexpand')
ifdef(`confTRUSTED_USER', `', `define(`confTRUSTED_USER', `smmta')')
_sw_set(`confMAX_RUNNERS_PER_QUEUE', `5')
divert(0)dnl
