divert(-1)dnl
#
# sw_rules_tls.m4 -- per-host TLS and AUTH policy: srv_features,
# clt_features, try_tls, tls_rcpt, tls_client, tls_server and their
# shared TLS_connection / TLS_req, RelayTLS and authinfo.  Without the
# access map most of them have nothing to consult and stay (nearly) empty.
# Included by sw_rules_policy.m4.
#
divert(0)dnl
Ssrv_features
_sw_a(`R$*		$: $>D <$&{client_name}> <?> <! "Srv_Features"> <>	by client name
R<?>$*		$: $>A <$&{client_addr}> <?> <! "Srv_Features"> <>	by address
R<?>$*		$: <$(access "Srv_Features": $: ? $)>	the default entry
R<?>$*		$@ OK			nothing listed
R<$* <TMPF>>$*	$#temp			map trouble
R<$+>$*		$# $1			the listed features
')dnl
undivert(28)dnl
Sclt_features
_sw_a(`R$*		$: $>D <$&{client_name}> <?> <! "Clt_Features"> <>	by server name
R<?>$*		$: $>A <$&{client_addr}> <?> <! "Clt_Features"> <>	by address
R<?>$*		$: <$(access "Clt_Features": $: ? $)>	the default entry
R<?>$*		$@ OK			nothing listed
R<$* <TMPF>>$*	$#temp			map trouble
R<$+>$*		$# $1			the listed features
')dnl
undivert(29)dnl
Stry_tls
_sw_a(`R$*		$: $>D <$&{server_name}> <?> <! "Try_TLS"> <>	by server name
R<?>$*		$: $>A <$&{server_addr}> <?> <! "Try_TLS"> <>	by address
R<?>$*		$: <$(access "Try_TLS": $: ? $)>	the default entry
R<?>$*		$@ OK			nothing listed: try it
R<$* <TMPF>>$*	$#error $@ 4.3.0 $: _sw_tmpf
R<NO>$*		$#error $@ 5.7.1 $: "550 do not try TLS with " $&{server_name} " ["$&{server_addr}"]"
')dnl
undivert(40)dnl
Stls_rcpt
_sw_a(`R$*			$: $(macro {TLS_Name} $@ $&{server_name} $) $1	remember the server
R$+			$: <?> $>CanonAddr $1		canonical recipient
R<?> $+ < @ $+ . >	<?> $1 <@ $2 >		no trailing dot
R<?> $+ < @ $+ >	$: $1 <@ $2 > $| <F:$1@$2> <U:$1@> <D:$2> <E:>	keys
R<?> $+			$: $1 $| <U:$1@> <E:>	keys, unqualified
R$* $| $+	$: $1 $| $>SearchList <! "TLS_Rcpt"> $| $2 <>	TLS_Rcpt: entry
R$* $| <?>	$@ OK			none
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _sw_tmpf
R$* $| <$+>	$@ $>"TLS_connection" $&{verify} $| <$2>	check the requirement
')dnl
undivert(41)dnl
Stls_client
_sw_a(`R$*		$: $(macro {TLS_Name} $@ $&{client_name} $) $1	remember the client
R$* $| $*	$: $1 $| $>D <$&{client_name}> <?> <! "TLS_Clt"> <>	by name
R$* $| <?>$*	$: $1 $| $>A <$&{client_addr}> <?> <! "TLS_Clt"> <>	by address
R$* $| <?>$*	$: $1 $| <$(access "TLS_Clt": $: ? $)>	the default entry
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _sw_tmpf
R$*		$@ $>"TLS_connection" $1	check the requirement
', `R$* $| $*	$@ $>"TLS_connection" $1	check the requirement
')dnl
undivert(42)dnl
Stls_server
_sw_a(`R$*		$: $(macro {TLS_Name} $@ $&{server_name} $) $1	remember the server
R$*		$: $1 $| $>D <$&{server_name}> <?> <! "TLS_Srv"> <>	by name
R$* $| <?>$*	$: $1 $| $>A <$&{server_addr}> <?> <! "TLS_Srv"> <>	by address
R$* $| <?>$*	$: $1 $| <$(access "TLS_Srv": $: ? $)>	the default entry
R$* $| <$* <TMPF>>	$#error $@ 4.3.0 $: _sw_tmpf
')dnl
undivert(43)dnl
R$*		$@ $>"TLS_connection" $1	check the requirement
STLS_connection
_sw_a(`dnl
R$* $| <$*>$*			$: $1 $| <$2>	keep the first entry only
R$* $| <PERM + $={Tls} $*>	$: $1 $| <503:5.7.0> <$2 $3>	PERM+: permanent failure
R$* $| <TEMP + $={Tls} $*>	$: $1 $| <403:4.7.0> <$2 $3>	TEMP+: temporary failure
R$* $| <$={Tls} $*>		$: $1 $| <454:4.7.0> <$2 $3>	default: temporary
RSOFTWARE $| <$-:$+> $*		$#error $@ $2 $: $1 " TLS handshake failed."
RSOFTWARE $| $*		$#error $@ 4.7.0 $: "454 TLS handshake failed."
RPROTOCOL $| <$-:$+> $*		$#error $@ $2 $: $1 " STARTTLS failed."
RPROTOCOL $| $*		$#error $@ 4.7.0 $: "454 STARTTLS failed."
RDANE_FAIL $| <$-:$+> $*		$#error $@ $2 $: $1 " DANE check failed."
RDANE_FAIL $| $*		$#error $@ 4.7.0 $: "454 DANE check failed."
RCONFIG $| <$-:$+> $*		$#error $@ $2 $: $1 " STARTTLS temporarily not possible."
RCONFIG $| $*		$#error $@ 4.7.0 $: "454 STARTTLS temporarily not possible."
R$* $| <$*> <VERIFY>		$: <$2> <VERIFY> <> $1	VERIFY
R$* $| <$*> <VERIFY + $+>	$: <$2> <VERIFY> <$3> $1	VERIFY with extras
R$* $| <$*> <$={Tls}:$->$*	$: <$2> <$3:$4> <> $1	ENCR:bits or VERIFY:bits
R$* $| <$*> <$={Tls}:$- + $+>$*	$: <$2> <$3:$4> <$5> $1	the same with extras
R$* $| $*			$@ OK		no requirement
R<$*><VERIFY> <> $={TlsVerified}	$@ OK		verified
R<$*><VERIFY> <$+> $={TlsVerified}	$: <$1> <REQ:0> <$2>	verified, more to check
R<$*><VERIFY:$-> <$*> $={TlsVerified}	$: <$1> <REQ:$2> <$3>	verified, bits to check
R<$*><ENCR:$-> <$*> $*		$: <$1> <REQ:$2> <$3>	bits to check
R<$-:$+><VERIFY $*> <$*>	$#error $@ $2 $: $1 " authentication required"	no certificate checked
R<$-:$+><VERIFY $*> <$*> FAIL	$#error $@ $2 $: $1 " authentication failed"	certificate did not verify
R<$-:$+><VERIFY $*> <$*> NO	$#error $@ $2 $: $1 " not authenticated"	no certificate
R<$-:$+><VERIFY $*> <$*> NOT	$#error $@ $2 $: $1 " no authentication requested"	we did not ask for one
R<$-:$+><VERIFY $*> <$*> NONE	$#error $@ $2 $: $1 " other side does not support STARTTLS"	no STARTTLS there
R<$-:$+><VERIFY $*> <$*> CLEAR	$#error $@ $2 $: $1 " STARTTLS disabled locally"	STARTTLS off here
R<$-:$+><VERIFY $*> <$*> $+	$#error $@ $2 $: $1 " authentication failure " $4	other verification result
R<$*><REQ:$-> <$*>		$: <$1> <REQ:$2> <$3> $>max $&{cipher_bits} : $&{auth_ssf}	strength we have
R<$*><REQ:$-> <$*> $-		$: <$1> <$2:$4> <$3> $(arith l $@ $4 $@ $2 $)	enough?
R<$-:$+><$-:$-> <$*> TRUE	$#error $@ $2 $: $1 " encryption too weak " $4 " less than " $3	too few bits
R<$-:$+><$-:$-> <$*> $*		$: <$1:$2 ++ $5>	strong enough; extras left?
R<$-:$+ ++ >			$@ OK		no extras
R<$-:$+ ++ $+ >			$: <$1:$2> <$3>	extras to check
R<$-:$+> < $+ ++ $+ >		<$1:$2> <$3> <$4>	split them
R<$-:$+> $+			$@ $>"TLS_req" $3 $| <$1:$2>	check each
STLS_req
R $| $+		$@ OK			all extras passed
R<CN> $* $| <$+>		$: <CN:$&{TLS_Name}> $1 $| <$2>	CN: the peer name
R<CN:$&{cn_subject}> $* $| <$+>		$@ $>"TLS_req" $1 $| <$2>	CN matches
R<CN:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " CN " $&{cn_subject} " does not match " $1	issuer differs
R<CS:$&{cert_subject}> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>	subject matches
R<CS:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " Cert Subject " $&{cert_subject} " does not match " $1	issuer differs
R<CI:$&{cert_issuer}> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>	issuer matches
R<CI:$+> $* $| <$-:$+>	$#error $@ $4 $: $3 " Cert Issuer " $&{cert_issuer} " does not match " $1	issuer differs
R<CITag:$-> $* $| <$+>	$: <$(access $1:$&{cert_issuer} $: ? $)> $2 $| <$3>	issuer listed under a tag?
R<?> $* $| <$-:$+>	$#error $@ $3 $: $2 " Cert Issuer " $&{cert_issuer} " not acceptable"	issuer not listed
R<OK> $* $| <$+>	$@ $>"TLS_req" $1 $| <$2>	listed
ROK			$@ OK			done
Smax
R:		$: 0		neither
R:$-		$: $1		only the second
R$-:		$: $1		only the first
R$-:$-		$: $(arith l $@ $1 $@ $2 $) : $1 : $2	compare
RTRUE:$-:$-	$: $2		the second is larger
R$-:$-:$-	$: $2		the first is
', `dnl
RSOFTWARE	$#error $@ 4.7.0 $: "454 TLS handshake failed."
RDANE_FAIL	$#error $@ 4.7.0 $: "454 DANE check failed."
RPROTOCOL	$#error $@ 4.7.0 $: "454 STARTTLS failed."
RCONFIG		$#error $@ 4.7.0 $: "454 STARTTLS temporarily not possible."
')dnl
SRelayTLS
_sw_a(`R$*			$: <?> $&{verify}		verified certificate?
R<?> $={TlsVerified}	$: OK		yes: look at it
R<?> $*			$@ NO		no
R$*			$: $&{cert_issuer}		who issued it
R$+			$: $(access CERTISSUER:$1 $)	issuer listed?
RRELAY			$# RELAY		issuer may relay
RSUBJECT		$: <@> $&{cert_subject}	look at the subject
R<@> $+			$: <@> $(access CERTSUBJECT:$1 $)	subject listed?
R<@> RELAY		$# RELAY		subject may relay
R$*			$: NO		not trusted
')dnl
Sauthinfo
ifdef(`_sw_f_authinfo', `dnl
R$*		$: <$(authinfo AuthInfo:$&{server_name} $: ? $)>	by server name
R<?>		$: <$(authinfo AuthInfo:$&{server_addr} $: ? $)>	by address
R<?>		$: <$(authinfo AuthInfo: $: ? $)>	the default entry
R<?>		$@ no				nothing to offer
R<$*>		$# $1				the credentials
', `_sw_a(`dnl
R$*		$: $1 $| $>D <$&{server_name}> <?> <! AuthInfo> <>	by server name
R$* $| <?>$*	$: $1 $| $>A <$&{server_addr}> <?> <! AuthInfo> <>	by address
R$* $| <?>$*	$: $1 $| <$(access AuthInfo: $: ? $)> <>	the default entry
R$* $| <?>$*	$@ no				nothing to offer
R$* $| <$*> <>	$# $2				the credentials
')')dnl
