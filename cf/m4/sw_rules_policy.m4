divert(-1)dnl
#
# sw_rules_policy.m4 -- the SMTP policy rulesets of a full MTA: access
# map lookups (D, A, F, E, U, SearchList), check_relay, check_mail,
# check_rcpt with Rcpt_ok/Relay_ok, delay_checks, trust_auth, the TLS and
# AUTH helpers, rate and connection control, greet_pause.  Included by
# sw_emit.m4 unless the config is an MSP or a null client.
#
define(`_sw_a', `ifdef(`_sw_f_access_db', `$1', `$2')')
ifdef(`_sw_f_relay_mail_from', `define(`_sw_sender_relay', `1')')
ifdef(`_sw_f_relay_local_from', `define(`_sw_sender_relay', `1')')
define(`_sw_rejmsg', `ifdef(`confREJECT_MSG', `confREJECT_MSG', `"550 Access denied"')')
define(`_sw_relmsg', `ifdef(`confRELAY_MSG', `confRELAY_MSG', `ifdef(`_sw_trust_auth', `"550 Relaying denied. Proper authentication required."', `"550 Relaying denied"')')')
divert(0)dnl
_sw_a(`dnl
######################################################################
#  access map walkers.  D: host names, shortest suffix last;
#  A: IP addresses, one octet less each round.  Input and output:
#  <result> <key> <tag> <rest>; <?> means "not found yet".
######################################################################
SD
R<$*> <$+> <$- $-> <$*>		$: < $(access $4:$1 $: ? $) > <$1> <$2> <$3 $4> <$5>	Tag:host
R<?> <$+> <$+> <+ $-> <$*>	$: < $(access $1 $: ? $) > <$1> <$2> <+ $3> <$4>	bare host
ifdef(`_sw_access_skip', `R<SKIP> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>		SKIP: stop here, nothing found
')dnl
ifdef(`_sw_f_lookupdotdomain', `dnl
R<?> <$+.$+> <$+> <$- $-> <$*>	$: < $(access $5:.$2 $: ? $) > <$1.$2> <$3> <$4 $5> <$6>	Tag:.parent
R<?> <$+.$+> <$+> <+ $-> <$*>	$: < $(access .$2 $: ? $) > <$1.$2> <$3> <+ $4> <$5>	.parent
')dnl
R<?> <[$+.$-]> <$+> <$- $-> <$*>	$@ $>D <[$1]> <$3> <$4 $5> <$6>	[a.b.c.d]: drop an octet
R<?> <[$+::$-]> <$+> <$- $-> <$*>	$: $>D <[$1]> <$3> <$4 $5> <$6>	IPv6 literal, :: step
R<?> <[$+:$-]> <$+> <$- $-> <$*>	$: $>D <[$1]> <$3> <$4 $5> <$6>	IPv6 literal, : step
R<?> <$+.$+> <$+> <$- $-> <$*>	$@ $>D <$2> <$3> <$4 $5> <$6>	parent domain
R<?> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>		out of labels
R<$* <TMPF>> <$+> <$+> <$- $-> <$*>	$@ <<TMPF>> <$6>	map trouble
R<$*> <$+> <$+> <$- $-> <$*>	$@ <$1> <$6>		found it
SA
R<$+> <$+> <$- $-> <$*>		$: < $(access $4:$1 $: ? $) > <$1> <$2> <$3 $4> <$5>	Tag:addr
R<?> <$+> <$+> <+ $-> <$*>	$: < $(access $1 $: ? $) > <$1> <$2> <+ $3> <$4>	bare addr
ifdef(`_sw_access_skip', `R<SKIP> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>		SKIP: stop here, nothing found
')dnl
R<?> <$+::$-> <$+> <$- $-> <$*>		$@ $>A <$1> <$3> <$4 $5> <$6>	IPv6, drop a :: group
R<?> <$+:$-> <$+> <$- $-> <$*>		$@ $>A <$1> <$3> <$4 $5> <$6>	IPv6, drop a group
R<?> <$+.$-> <$+> <$- $-> <$*>		$@ $>A <$1> <$3> <$4 $5> <$6>	IPv4, drop an octet
R<?> <$+> <$+> <$- $-> <$*>	$@ <$2> <$5>		nothing left to drop
R<$* <TMPF>> <$+> <$+> <$- $-> <$*>	$@ <<TMPF>> <$6>	map trouble
R<$*> <$+> <$+> <$- $-> <$*>	$@ <$1> <$6>		found it
')dnl
######################################################################
#  CanonAddr, ParseRecipient: helpers of the check_* rulesets
######################################################################
SCanonAddr
R$*	$: $>Parse0 $>canonify $1	the canonical form
SParseRecipient
R$*		$: <?> $>CanonAddr $1		canonical, flagged unknown
R<?> $* < @ $* . >	<?> $1 < @ $2 >		no trailing dots
R<?> $- < @ $* >	$: <?> $(dequote $1 $) < @ $2 >	unquote the local part
R<?> $* $=O $* < @ $* >	$: <NO> $1 $2 $3 < @ $4>	routing in the local part
R<?> $*		$@ $1			no: done
ifdef(`_sw_f_relay_entire_domain', `R<NO> $* < @ $* $=m >	$: <RELAY> $1 < @ $2 $3 >	or our whole domain
')dnl
R<NO> $* < @ $* ifdef(`_sw_f_relay_hosts_only', `', `$* ')$=R >	$: <RELAY> $1 < @ $2 ifdef(`_sw_f_relay_hosts_only', `', `$3 ')>	we relay for that host
_sw_a(`ifdef(`_sw_f_relay_hosts_only', `dnl
R<NO> $* < @ $+ >	$: <$(access To:$2 $: NO $)> $1 < @ $2 >	To:host exactly
R<NO> $* < @ $+ >	$: <$(access $2 $: NO $)> $1 < @ $2 >	host exactly
', `R<NO> $* < @ $+ >	$: $>D <$2> <NO> <+ To> <$1 < @ $2 >>	the access map may relay it
R<$+> <$+>		$: <$1> $2			keep the verdict
')')dnl
ifdef(`_sw_f_relay_based_on_MX', `dnl
R<NO> $* < @ $+ >	$: <MX> < : $(mxserved $2 $) : > < $1 < @$2 > >	do we serve its MX?
R<MX> < : $* <TEMP> : > $*	$#TEMP $@ 4.4.0 $: "450 Can not check MX records for recipient host " $1	MX lookup failed
R<MX> < $* : $=w. : $* > < $+ >	$: <RELAY> $4		yes
R<MX> < : $* : > < $+ >	$: <NO> $2		no
')dnl
R<RELAY> $* < @ $* >	$@ $>ParseRecipient $1	relayable: look at what is left
R<$+> $*		$@ $2				anything else: as it is
######################################################################
#  check_relay: the connecting host
######################################################################
ifdef(`_sw_f_delay_checks', `Scheck_relay
ifdef(`_sw_rate_at_connect', `R$*		$: $>"RateControl" dummy		connection rate
')dnl
ifdef(`_sw_conn_at_connect', `R$*		$: $>"ConnControl" dummy		open connections
')dnl
')dnl
SLocal_check_relay
S`'ifdef(`_sw_f_delay_checks', `checkrelay', `check_relay')
R$*		$: $1 $| $>"Local_check_relay" $1	site hook first
R$* $| $* $| $#$*	$#$3				hook decided
R$* $| $* $| $*	$@ $>"Basic_check_relay" $1 $| $2	our checks
SBasic_check_relay
R$*		$: < $&{deliveryMode} > $1	deferred delivery mode?
R< d > $*	$@ deferred			decide later
R< $* > $*	$: $2				no: go on
_sw_a(`dnl
R$+ $| $+	$: $>D < $1 > <?> <+ Connect> < $2 >	by client name
R   $| $+	$: $>A < $1 > <?> <+ Connect> <>	no client name: by address
R<?> <$+>	$: $>A < $1 > <?> <+ Connect> <>	name unknown: by address
R<?> <$*>	$: OK				not listed
R<$={Accept}> <$*>	$@ $1			listed OK or RELAY
R<REJECT> <$*>		$#error $@ 5.7.1 $: _sw_rejmsg
R<DISCARD> <$*>	$#discard $: discard		drop quietly
R<QUARANTINE:$+> <$*>	$#error $@ quarantine $: $1	hold
R<ERROR:$-.$-.$-:$+> <$*>	$#error $@ $1.$2.$3 $: $4	error with status
R<ERROR:$+> <$*>		$#error $: $1		error text only
R<$* <TMPF>> <$*>		$#error $@ 4.3.0 $: _sw_tmpf
R<$+> <$*>		$#error $: $1		any other value is an error text
')dnl
ifdef(`_sw_f_ratecontrol', `ifdef(`_sw_rate_at_connect', `', `R$*		$: $>"RateControl" dummy		connection rate
')')dnl
ifdef(`_sw_f_conncontrol', `ifdef(`_sw_conn_at_connect', `', `R$*		$: $>"ConnControl" dummy		open connections
')')dnl
undivert(45)dnl
######################################################################
#  check_mail: the envelope sender
######################################################################
SLocal_check_mail
S`'ifdef(`_sw_f_delay_checks', `checkmail', `check_mail')
R$*		$: $1 $| $>"Local_check_mail" $1	site hook first
R$* $| $#$*		$#$2				hook decided
R$* $| $*		$@ $>"Basic_check_mail" $1	our checks
SBasic_check_mail
R$*		$: < $&{deliveryMode} > $1	deferred delivery mode?
R< d > $*	$@ deferred			decide later
R< $* > $*	$: $2				no: go on
R$*		$: $1 $| $>"tls_client" $&{verify} $| MAIL	TLS requirements
R$* $| $#$+	$#$2				not met
R$* $| $*	$: $1				met
R<>		$@ <OK>				the null sender is always welcome
ifdef(`_sw_f_accept_unqualified_senders', `', `dnl
R$+		$: <?> $1			flag
R<?><$+>	$: <@> <$1>			bracketed
R<?>$+		$: <@> <$1>			bracket it
R$*		$: $&{daemon_flags} $| $1	look at daemon flags
R$* f $* $| <@> < $* @ $- >	$: < ? $&{client_name} > < $3 @ $4 >	flag f: user@host needs a real domain
R$* u $* $| <@> < $* >	$: <?> < $3 >	flag u: unqualified is fine
R$* $| $*	$: $2				drop the flags
R<@> < $* @ localhost >	$: < ? $&{client_name} > < $1 @ localhost >	localhost only from us
R<@> < $* @ [127.0.0.1] >	$: < ? $&{client_name} > < $1 @ [127.0.0.1] >	so is 127.0.0.1
R<@> < $* @ [IPv6:0:0:0:0:0:0:0:1] >	$: < ? $&{client_name} > < $1 @ [IPv6:0:0:0:0:0:0:0:1] >	and ::1
R<@> < $* @ [IPv6:::1] >	$: < ? $&{client_name} > < $1 @ [IPv6:::1] >	and ::1 again
R<@> < $* @ localhost.$m >	$: < ? $&{client_name} > < $1 @ localhost.$m >	and localhost.our-domain
_sw_uucp(`R<@> < $* @ localhost.UUCP >	$: < ? $&{client_name} > < $1 @ localhost.UUCP >	and localhost.UUCP
')dnl
R<@> $*		$: $1				not a localhost sender
R<? $=w> $*	$: $2				client is one of us: fine
R<? $+> <$+>	$#error $@ 5.5.4 $: "553 Real domain name required for sender address"
R<?> $*		$: $1				fine
')dnl
R$*		$: <?> $>CanonAddr $1		canonical sender, flagged
R<?> $* < @ $+ . >	<?> $1 < @ $2 >		no trailing dots
R<?> $* < @ $* $=P >	$: <OKR> $1 < @ $2 $3 >	pseudo-domains resolve
R<?> $* < @ $j >	$: <OKR> $1 < @ $j >		so does our name
ifdef(`_sw_f_accept_unresolvable_domains', `R<?> $* < @ $+ >	$: <OKR> $1 < @ $2 >		no resolver check
', `R<?> $* < @ $+ >	$: <? $(resolve $2 $: $2 <PERM> $) > $1 < @ $2 >	does the domain resolve?
R<? $* <$->> $* < @ $+ >	$: <$2> $3 < @ $4 >		keep the verdict
')dnl
_sw_a(`dnl
R<$+> $+ < @ $* >	$: @<$1> <$2 < @ $3 >> $| <F:$2@$3> <U:$2@> <D:$3>	keys: full, user@, domain
R<$+> $+		$: @<$1> <$2> $| <U:$2@>		keys: user@
R@ <$+> <$*> $| <$+>	$: <@> <$1> <$2> $| $>SearchList <+ From> $| <$3> <>	look them up
R<@> <$+> <$*> $| <$*>	$: <$3> <$1> <$2>		map verdict in front
R<?> <$+> <$*>	$: <$1> $2			not listed: resolver verdict
R<$+> <$+> <$*>	$: <$1> $3			listed: map verdict
')dnl
ifdef(`_sw_f_accept_unqualified_senders', `', `dnl
R<?> $*		$: $&{daemon_flags} $| <?> $1	unqualified sender
R$* u $* $| <?> $*	$: <OKR> $3		flag u allows it
R$* $| $*	$: $2				drop the flags
R<?> $*		$: < ? $&{client_addr} > $1	from where?
R<?> $*		$@ <OKR>				local submission: fine
R<? $+> $*	$#error $@ 5.5.4 $: "553 Domain name required for sender address " $&f
')dnl
R<?> $*		$: @ $1			no verdict
R<$={ResOk}> $*	$: @ $2			resolves
R<TEMP> $*	$#error $@ 4.1.8 $: "451 Domain of sender address " $&f " does not resolve"	try again later
R<PERM> $*	$#error $@ 5.1.8 $: "553 Domain of sender address " $&f " does not exist"	no such domain
_sw_a(`dnl
R<$={Accept}> $*	$# $1				listed OK or RELAY
R<DISCARD> $*	$#discard $: discard		drop quietly
R<QUARANTINE:$+> $*	$#error $@ quarantine $: $1	hold
R<REJECT> $*	$#error $@ 5.7.1 $: _sw_rejmsg
R<ERROR:$-.$-.$-:$+> $*	$#error $@ $1.$2.$3 $: $4	error with status
R<ERROR:$+> $*		$#error $: $1		error text only
R<<TMPF>> $*	$#error $@ 4.3.0 $: _sw_tmpf
R<$+> $*		$#error $: $1		any other value is an error text
')dnl
ifdef(`_sw_f_badmx', `dnl
R@ $*<@$+>$*	$: $1<@$2>$3 $| $>BadMX $2	check the domain MX
R$* $| $#$*	$#$2				bad MX
SBadMX
R$+				$:<MX><$1><:$(mxlist $1$):><:>	collect the MX hosts
R<MX><$+><:$*<TEMP>:><$*>	$#error $@ 4.1.2 $: "450 MX lookup failure for "$1	MX lookup failed
R<MX><$*><:$+:$*><:$*>		<MX><$1><:$3><: $4 $(badmx $2 $):>	name shape
R<MX><$*><$*><$*<BADMX>:$*>	$#error $@ 5.1.2 $:"550 Illegal MX record for host "$1	MX name is an address
R<MX><$*><$*><$*>		$:<MX><$1><$3><$2>	swap
R<MX><$*><:$+:$*><:$*>		<MX><$1><:$3><:$4 $(dnsA $2 $) :>	their addresses
R<MX><$*><$*><$*>		$:<MX><$1><$3><$2>	swap
R<MX><$*><:$+:$*><:$*>		<MX><$1><:$3><:$4 $(BadMXIP $2 $) :>	address ranges
R<MX><$*><$*><$*<BADMXIP>:$*>	$#error $@ 5.1.2 $:"550 Invalid MX record for host "$1	MX in a private range
')dnl
######################################################################
#  check_rcpt: the recipient; relaying decisions
######################################################################
SLocal_check_rcpt
S`'ifdef(`_sw_f_delay_checks', `checkrcpt', `check_rcpt')
R$*		$: $1 $| $>"Local_check_rcpt" $1	site hook first
R$* $| $#$*		$#$2				hook decided
R$* $| $*		$@ $>"Basic_check_rcpt" $1	our checks
SBasic_check_rcpt
R<>		$#error $@ nouser $: "553 User address required"	no recipient
R$@		$#error $@ nouser $: "553 User address required"	no recipient
R$*		$: < $&{deliveryMode} > $1	deferred delivery mode?
R< d > $*	$@ deferred			decide later
R< $* > $*	$: $2				no: go on
R$*		$: $1 $| @ $>"Rcpt_ok" $1	deliverable or relayable?
R$* $| @ $#TEMP $+	$: $1 $| T $2		keep a temporary failure for later
R$* $| @ $#$*	$#$2				decided
R$* $| @ RELAY	$@ RELAY			yes
ifdef(`_sw_f_promiscuous_relay', `', `dnl
R$* $| @ $*	$: O $| $>"Relay_ok" $1		then the client must be trusted
R$* $| T $+	$: T $2 $| $>"Relay_ok" $1	same, remembering the failure
R$* $| $#TEMP $+	$#error $2			temporary trouble
R$* $| $#$*	$#$2				decided
R$* $| RELAY	$@ RELAY			trusted client
R T $+ $| $*	$#error $1			earlier temporary failure
R$*		$#error $@ 5.7.1 $: _sw_relmsg
')dnl
SRcpt_ok
ifdef(`_sw_f_loose_relay_check', `R$*		$: $>CanonAddr $1		canonical form
R$* < @ $* . >	$1 < @ $2 >		no trailing dots
', `R$*		$: $>ParseRecipient $1		strip hosts we relay for
')dnl
ifdef(`_sw_f_blocklist_recipients', `_sw_a(`dnl
R$*		$: <?> $1			blocked recipients
R<?> $+ < @ $=w >	$: <> <$1 < @ $2 >> $| <F:$1@$2> <U:$1@> <D:$2>	local: user@ counts too
R<?> $+ < @ $* >	$: <> <$1 < @ $2 >> $| <F:$1@$2> <D:$2>	remote
R<?> $+		$: <> <$1> $| <U:$1@>		unqualified
R<> <$*> $| <$+>	$: <@> <$1> $| $>SearchList <+ To> $| <$2> <>	look up
R<@> <$*> $| <$*>	$: <$2> <$1>		verdict in front
R<?> <$*>		$: @ $1			not listed
R<$={Accept}> <$*>	$: @ $2			OK/RELAY do not block
ifdef(`_sw_f_delay_checks', `R<$={SpamTag}> <$*>	$: @ $2			nor do spam tags
')dnl
R<REJECT> $*	$#error $@ 5.2.1 $: "550 Mailbox disabled for this recipient"
R<DISCARD> $*	$#discard $: discard		drop quietly
R<QUARANTINE:$+> $*	$#error $@ quarantine $: $1	hold
R<ERROR:$-.$-.$-:$+> $*	$#error $@ $1.$2.$3 $: $4	error with status
R<ERROR:$+> $*		$#error $: $1		error text only
R<<TMPF>> $*	$#error $@ 4.3.0 $: _sw_tmpf
R<$+> $*		$#error $: $1		any other value is an error text
R@ $*		$1				unflag
')')dnl
ifdef(`_sw_f_promiscuous_relay', `', `dnl
R$*		$: $1 $| $>RelayTLS		TLS client certificate?
R$* $| $# $+	$# $2				decided
R$* $| $*	$: $1				no
R$*		$: $1 $| $>"Local_Relay_Auth" $&{auth_type}	site AUTH hook
R$* $| $# $*	$# $2				decided
R$* $| NO	$: $1				no
R$* $| $*	$: $1 $| $&{auth_type}	authenticated?
R$* $|		$: $1				no
R$* $| $={TrustAuthMech}	$# RELAY		trusted mechanism
R$* $| $*	$: $1				other mechanism
ifelse(defn(`_sw_nouucp_arg'), `reject', `R$* ! $* < @ $* >	$: <REMOTE> $2 < @ BANG_PATH >	bang paths are remote
R$* ! $*		$: <REMOTE> $2 < @ BANG_PATH >	so are bare ones
')dnl
R$+ < @ $=w >	$@ RELAY			for one of our names
ifdef(`_sw_f_relay_entire_domain', `R$+ < @ $* $=m >	$@ RELAY			our domain
')dnl
R$+ < @ ifdef(`_sw_f_relay_hosts_only', `', `$* ')$=R >	$@ RELAY			a relay domain
_sw_a(`ifdef(`_sw_f_relay_hosts_only', `R$+ < @ $+ >	$: <$(access To:$2 $: ? $)> <$1 < @ $2 >>	To:host exactly
R<?> <$+ < @ $+ >>	$: <$(access $2 $: ? $)> <$1 < @ $2 >>	host exactly
', `R$+ < @ $+ >	$: $>D <$2> <?> <+ To> <$1 < @ $2 >>	To: in the access map
')dnl
R<RELAY> $*	$@ RELAY			RELAY entry
R<$* <TMPF>> $*	$#TEMP $@ 4.3.0 $: _sw_tmpf
R<$*> <$*>	$: $2				anything else: go on
')dnl
ifdef(`_sw_f_relay_based_on_MX', `dnl
R$+ < @ $+ >	$: < : $(mxserved $2 $) : > $1 < @ $2 >	we are its MX?
R< : $* <TEMP> : > $*	$#TEMP $@ 4.4.0 $: "450 Can not check MX records for recipient host " $1	MX lookup failed
R<$* : $=w . : $*> $*	$@ RELAY			yes
R< : $* : > $*	$: $2				no
')dnl
R$*		$: <?> $1			flag
R<?> $* < @ $+ >	$: <REMOTE> $1 < @ $2 >	has a host: remote
R<?> $+		$@ RELAY			no host: local
R<$+> $*		$: $2				unflag
SRelay_ok
R$*		$: $&{client_addr}		the client address
R$@		$@ RELAY			none: submitted here
R0		$@ RELAY			sendmail -bs
R127.0.0.1	$@ RELAY			loopback
RIPv6:0:0:0:0:0:0:0:1	$@ RELAY		loopback (IPv6)
RIPv6:::1	$@ RELAY			loopback (IPv6, short)
R$=R $*		$@ RELAY			in a relay network
_sw_a(`R$*		$: $>A <$1> <?> <+ Connect> <$1>	Connect: by address
R<RELAY> $*	$@ RELAY			RELAY entry
R<<TMPF>> $*	$#TEMP $@ 4.3.0 $: _sw_tmpf
R<$*> <$*>	$: $2				anything else: go on
')dnl
R$*		$: [ $1 ]			as an address literal
R$=w		$@ RELAY			one of ours
ifdef(`_sw_sender_relay', `dnl
R$*		$: <?> $>CanonAddr $&f		the sender
R<?> $+ < @ $+ . >	<?> $1 < @ $2 >		no trailing dot
ifdef(`_sw_f_relay_local_from', `R<?> $+ < @ $=w >	$@ RELAY			local sender may relay
')dnl
ifdef(`_sw_f_relay_mail_from', `dnl
R<?> $+ < @ $+ >	$: <@> $>SearchList <! From> $| <F:$1@$2> ifelse(defn(`_sw_rmf_arg'), `domain', `<D:$2> ', ` ')<>	From: entry
R<@> <RELAY>	$@ RELAY			sender may relay
R<@> <<TMPF>>	$#TEMP $@ 4.3.0 $: _sw_tmpf
')dnl
')dnl
R$*		$: < $&{client_resolve} >	did the name check out?
R<TEMP>		$#TEMP $@ 4.4.0 $: "450 Relaying temporarily denied. Cannot resolve PTR record for " $&{client_addr}	no reverse name yet
R<FORGED>	$#error $@ 5.7.1 $: "550 Relaying denied. IP name possibly forged " $&{client_name}	name and address disagree
R<FAIL>		$#error $@ 5.7.1 $: "550 Relaying denied. IP name lookup failed " $&{client_name}	no reverse name
R$*		$: <@> $&{client_name}		the client name
R<@> $* $=P	$:<?>  $1 $2			pseudo-domain
R<@> $+		$:<?>  $[ $1 $]			canonical
R$* .		$1				no trailing dot
ifdef(`_sw_f_relay_entire_domain', `R<?> $* $=m	$@ RELAY			in our domain
')dnl
R<?> $=w	$@ RELAY			one of ours
R<?> ifdef(`_sw_f_relay_hosts_only', `', `$* ')$=R		$@ RELAY			a relay domain
_sw_a(`ifdef(`_sw_f_relay_hosts_only', `R<?> $*		$: <$(access Connect:$1 $: ? $)> <$1>	Connect:name exactly
R<?> <$*>	$: <$(access $1 $: ? $)> <$1>	name exactly
', `R<?> $*		$: $>D <$1> <?> <+ Connect> <$1>	Connect: by name
')dnl
R<RELAY> $*	$@ RELAY			RELAY entry
R<$* <TMPF>> $*	$#TEMP $@ 4.3.0 $: _sw_tmpf
R<$*> <$*>	$: $2				not relayed
')dnl
')dnl
ifdef(`_sw_f_delay_checks', `include(SW_LIB`m4/sw_rules_delay.m4')')dnl
_sw_a(`dnl
######################################################################
#  lookups of addresses: F (full), E (exact), U (user@), SearchList
######################################################################
SF
R<$+> <$*> <$- $-> <$*>		$: <$(access $4:$1 $: ? $)> <$1> <$2> <$3 $4> <$5>	Tag:user@host
R<?> <$+> <$*> <+ $-> <$*>	$: <$(access $1 $: ? $)> <$1> <$2> <+ $3> <$4>	user@host
R<?> <$+ + $* @ $+> <$*> <$- $-> <$*>	$: <$(access $6:$1+*@$3 $: ? $)> <$1+$2@$3> <$4> <$5 $6> <$7>	Tag:user+*@host
R<?> <$+ + $* @ $+> <$*> <+ $-> <$*>	$: <$(access $1+*@$3 $: ? $)> <$1+$2@$3> <$4> <+ $5> <$6>	user+*@host
R<?> <$+ + $* @ $+> <$*> <$- $-> <$*>	$: <$(access $6:$1@$3 $: ? $)> <$1+$2@$3> <$4> <$5 $6> <$7>	Tag:user@host, detail dropped
R<?> <$+ + $* @ $+> <$*> <+ $-> <$*>	$: <$(access $1@$3 $: ? $)> <$1+$2@$3> <$4> <+ $5> <$6>	user@host, detail dropped
R<?> <$+> <$*> <$- $-> <$*>	$@ <$2> <$5>		not found
R<$+ <TMPF>> <$*> <$- $-> <$*>	$@ <<TMPF>> <$5>	map trouble
R<$+> <$*> <$- $-> <$*>		$@ <$1> <$5>		found
SE
R<$*> <$*> <$- $-> <$*>		$: <$(access $4:$1 $: ? $)> <$1> <$2> <$3 $4> <$5>	Tag:key
R<?> <$+> <$*> <+ $-> <$*>	$: <$(access $1 $: ? $)> <$1> <$2> <+ $3> <$4>	key
R<?> <$+> <$*> <$- $-> <$*>	$@ <$2> <$5>		not found
R<$+ <TMPF>> <$*> <$- $-> <$*>	$@ <<TMPF>> <$5>	map trouble
R<$+> <$*> <$- $-> <$*>		$@ <$1> <$5>		found
SU
R<$+> <$*> <$- $-> <$*>		$: <$(access $4:$1 $: ? $)> <$1> <$2> <$3 $4> <$5>	Tag:user@
R<?> <$+> <$*> <+ $-> <$*>	$: <$(access $1 $: ? $)> <$1> <$2> <+ $3> <$4>	user@
R<?> <$+ + $* @> <$*> <$- $-> <$*>	$: <$(access $5:$1+*@ $: ? $)> <$1+$2@> <$3> <$4 $5> <$6>	Tag:user+*@
R<?> <$+ + $* @> <$*> <+ $-> <$*>	$: <$(access $1+*@ $: ? $)> <$1+$2@> <$3> <+ $4> <$5>	user+*@
R<?> <$+ + $* @> <$*> <$- $-> <$*>	$: <$(access $5:$1@ $: ? $)> <$1+$2@> <$3> <$4 $5> <$6>	Tag:user@, detail dropped
R<?> <$+ + $* @> <$*> <+ $-> <$*>	$: <$(access $1@ $: ? $)> <$1+$2@> <$3> <+ $4> <$5>	user@, detail dropped
R<?> <$+> <$*> <$- $-> <$*>	$@ <$2> <$5>		not found
R<$+ <TMPF>> <$*> <$- $-> <$*>	$@ <<TMPF>> <$5>	map trouble
R<$+> <$*> <$- $-> <$*>		$@ <$1> <$5>		found
C{Src}E F D U ifdef(`_sw_need_A_src', `A')
SSearchList
R<$+> $| <$={Src}:$*> <$*>	$: <$1> $| <$4> $| $>$2 <$3> <?> <$1> <>	first key, by its kind
R<$+> $| <> $| <?> <>		$@ <?>			all keys tried
R<$+> $| <$+> $| <?> <>		$@ $>SearchList <$1> $| <$2>	next key
R<$+> $| <$*> $| <$+> <>	$@ <$3>			found
R<$+> $| <$+>			$@ <$2>			found (no more keys)
')dnl
######################################################################
#  trust_auth: may the client act as another AUTH identity?
######################################################################
SLocal_trust_auth
Strust_auth
R$*			$: $&{auth_type} $| $1		authenticated at all?
R$@ $| $*		$#error $@ 5.7.1 $: "550 not authenticated"	no AUTH at all
R$* $| $&{auth_authen}		$@ identical		same identity
R$* $| <$&{auth_authen}>	$@ identical		same, bracketed
R$* $| $*		$: $1 $| $>"Local_trust_auth" $2	site hook
R$* $| $#$*		$#$2				hook decided
R$*			$#error $@ 5.7.1 $: "550 " $&{auth_authen} " not allowed to act as " $&{auth_author}	refuse the other identity
SLocal_Relay_Auth
include(SW_LIB`m4/sw_rules_tls.m4')dnl
ifdef(`_sw_f_ratecontrol', `dnl
SRateControl
R$*		$: <A:$&{client_addr}> <E:>	key: the client address
R$+		$: $>SearchList <! ClientRate> $| $1 <>	ClientRate: entry
R<?>		$@ OK				no limit set
R<$* <TMPF>>	$#error $@ 4.3.0 $: _sw_tmpf
R<0>		$@ OK		zero means unlimited
R<$+>		$: <$1> $| $(arith l $@ $1 $@ $&{client_rate} $)	over the limit?
R<$+> $| TRUE	$#error $@ 4.3.2 $: ifelse(defn(`_sw_rate_term'), `terminate', `421', `452') Connection rate limit exceeded.
')dnl
ifdef(`_sw_f_conncontrol', `dnl
SConnControl
R$*		$: <A:$&{client_addr}> <E:>	key: the client address
R$+		$: $>SearchList <! ClientConn> $| $1 <>	ClientConn: entry
R<?>		$@ OK				no limit set
R<$* <TMPF>>	$#error $@ 4.3.0 $: _sw_tmpf
R<0>		$@ OK		zero means unlimited
R<$+>		$: <$1> $| $(arith l $@ $1 $@ $&{client_connections} $)	over the limit?
R<$+> $| TRUE	$#error $@ 4.3.2 $: ifelse(defn(`_sw_conn_term'), `terminate', `421', `452') Too many open connections.
')dnl
ifdef(`_sw_f_greet_pause', `dnl
SLocal_greet_pause
Sgreet_pause
R$*			$: <$1><?> $| $>"Local_greet_pause" $1	site hook
R<$*><?> $| $#$*	$#$2				hook decided
R<$*><?> $| $*		$: $1				no opinion
_sw_a(`R$+ $| $+		$: $>D < $1 > <?> <! GreetPause> < $2 >	by client name
R   $| $+		$: $>A < $1 > <?> <! GreetPause> <>	by address (no name)
R<?> <$+>		$: $>A < $1 > <?> <! GreetPause> <>	by address
')dnl
R<?> <$*>		ifelse(defn(`_sw_greet_ms'), `', `$@', `$# _sw_greet_ms')			the default pause
R<$* <TMPF>> <$*>	$@				map trouble: no pause
R<$+> <$*>		$# $1				the listed pause
')dnl
