divert(-1)dnl
#
# sw_msp.m4 -- what FEATURE(msp) changes: a submit.cf for the set-group-ID
# submission program.  Every recipient is relayed to ${MTAHost} (the MTA
# on this machine by default), nothing is delivered locally, the client
# queue is used and no interface is probed.  Included by feature/msp.m4.
#
define(`_sw_msp_macros', `D{MTAHost}'defn(`_sw_msp_host')`
')
_sw_set(`LOCAL_MAILER_PATH', `[IPC]')
define(`_sw_local_prefix', `')
_sw_set(`LOCAL_MAILER_FLAGS', `lmDFMuXkw5')
_sw_set(`LOCAL_MAILER_ARGS', `TCP $h')
define(`_sw_local_T', `SMTP')
define(`LOCAL_SHELL_PATH', `[IPC]')
define(`_sw_prog_prefix', `')
define(`LOCAL_SHELL_FLAGS', `lmDFMuXk5')
define(`LOCAL_SHELL_ARGS', `TCP $h')
define(`SMTP_MAILER_FLAGS', `k5')
define(`RELAY_MAILER_FLAGS', `8k')
ifelse(defn(`_sw_msp_port'), `MSA', `define(`RELAY_MAILER_ARGS', `TCP $h 587')')
_sw_set(`confDELIVERY_MODE', `i')
_sw_set(`confQUEUE_FILE_MODE', `0660')
_sw_set(`confFORWARD_PATH', `')
_sw_set(`confPRIVACY_FLAGS', `goaway,noetrn,restrictqrun')
ifdef(`confRUN_AS_USER', `', `define(`confRUN_AS_USER', `smmsp')')
ifdef(`confTRUSTED_USER', `', `define(`confTRUSTED_USER', `smmsp')')
_sw_set(`confDONT_PROBE_INTERFACES', `True')
_sw_set(`confUSE_MSP', `True')
define(`QUEUE_DIR', ifdef(`MSP_QUEUE_DIR', `MSP_QUEUE_DIR', `/var/spool/clientmqueue'))
ifdef(`STATUS_FILE', `', `define(`STATUS_FILE', QUEUE_DIR`/sm-client.st')')
ifdef(`confPID_FILE', `', `define(`confPID_FILE', QUEUE_DIR`/sm-client.pid')')
ifdef(`_sw_have_daemon', `', `define(`_sw_have_daemon', `1')_sw_put(30, `O DaemonPortOptions=Name=NoMTA, Addr=127.0.0.1, M=E')')
define(`_sw_f_no_default_msa', `1')
# the relaying rules, appended to Local_localaddr after the mailers
_sw_put(26, `SLocal_localaddr
R$+			$: $>ParseRecipient $1		strip what we may relay
R$* < @ $+ > $*		$#relay $@ ${MTAHost} $: $1 < @ $2 > $3	qualified: to the MTA
R$+ :: $+		$#relay $@ ${MTAHost} $: $1 :: $2	DECnet style: to the MTA
R$*			$#relay $@ ${MTAHost} $: $1 < @ $j >	unqualified: ours, to the MTA')
MAILER(`local')
MAILER(`smtp')
divert(0)dnl
