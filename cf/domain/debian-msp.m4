divert(-1)dnl
#
# domain/debian-msp.m4 -- DOMAIN(debian-msp): Debian's settings for the
# mail submission program (submit.cf): client queue, pid and control
# files under /var/run/sendmail/msp, no host status directory.
#
define(`DEBIAN_MSP')
_sw_set(`confCF_VERSION', `Submit')
_sw_set(`MSP_QUEUE_DIR', `/var/spool/mqueue-client')
_sw_set(`STATUS_FILE', `/var/lib/sendmail/sm-client.st')
_sw_set(`confHOST_STATUS_DIRECTORY', `')
_sw_set(`confPID_FILE', `/var/run/sendmail/msp/sendmail.pid')
_sw_set(`confCONTROL_SOCKET_NAME', `/var/run/sendmail/msp/smcontrol')
_sw_set(`confPROCESS_TITLE_PREFIX', `MSP')
_sw_set(`confRRT_IMPLIES_DSN', `False')
_sw_set(`confSAFE_FILE_ENV', `/')
_sw_set(`confSAFE_QUEUE', `True')
_sw_set(`confQUEUE_FILE_MODE', `0660')
_sw_set(`confTEMP_FILE_MODE', `0640')
_sw_set(`confTO_ICONNECT', `2s')
_sw_set(`confTO_MAIL', `2m')
_sw_set(`confTO_DATAINIT', `2m')
_sw_set(`confTO_RSET', `1m')
_sw_set(`confTO_QUIT', `2m')
_sw_set(`confTO_COMMAND', `5m')
_sw_set(`confTO_IDENT', `5s')
_sw_set(`confTO_HOSTSTATUS', `0')
ifdef(`confTRUSTED_USER', `', `define(`confTRUSTED_USER', `smmsp')')
divert(0)dnl
