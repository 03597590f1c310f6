divert(-1)dnl
#
# sw_rules_delay.m4 -- the delay_checks feature: check_rcpt runs first and
# then the sender and client checks, so spam friends (or only spam
# haters) can be exempted per recipient.  Included by sw_rules_policy.m4.
#
divert(0)dnl
SFullAddr
R$* <@ $+ . >		$1 <@ $2 >		no trailing dot
R$* <@ $* >		$@ $1 <@ $2 >		qualified already
R$+			$@ $1 <@ $j >		add our name
SDelay_TLS_Clt
R$*			$: $1 $| $>"tls_client" $&{verify} $| MAIL	TLS requirements
R$* $| $#$+		$#$2			not met
R$* $| $*		$# $1			met: pass the verdict on
R$*			$# $1			(unreached)
SDelay_TLS_Clt2
R$*			$: $1 $| $>"tls_client" $&{verify} $| MAIL	TLS requirements
R$* $| $#$+		$#$2			not met
R$* $| $*		$@ $1			met
R$*			$@ $1			(unreached)
Scheck_rcpt
R$+			$: $1 $| $>checkrcpt $1		recipient checks first
R$+ $| $#error $*	$#error $2			rejected
R$+ $| $#discard $*	$#discard $2			discarded
R$+ $| $#$*		$@ $>"Delay_TLS_Clt" $2	accepted by a map: still TLS
R$+ $| $*		$: <?> $>FullAddr $>CanonAddr $1	the full recipient
ifelse(defn(`_sw_delay_arg'), `friend', `dnl
R<?> $+ < @ $=w >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 > <U: $1@>	local recipient keys
R<?> $+ < @ $* >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 >	remote recipient keys
R<> $* $| <$+>		$: <@> $1 $| $>SearchList <! Spam> $| <$2> <>	Spam: entry
R<@> $* $| $*		$: $2 $1			verdict in front
R<FRIEND> $+		$@ $>"Delay_TLS_Clt2" SPAMFRIEND	a spam friend: no more checks
R<$*> $+		$: $2				everyone else: go on
', defn(`_sw_delay_arg'), `hater', `dnl
R<?> $+ < @ $=w >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 > <U: $1@>	local recipient keys
R<?> $+ < @ $* >	$: <> $1 < @ $2 > $| <F: $1@$2 > <D: $2 >	remote recipient keys
R<> $* $| <$+>		$: <@> $1 $| $>SearchList <! Spam> $| <$2> <>	Spam: entry
R<@> $* $| $*		$: $2 $1			verdict in front
R<HATER> $+		$: $1			a spam hater: check on
R<$*> $+		$@ $>"Delay_TLS_Clt2" NOSPAMHATER	everyone else: stop here
')dnl
R$*			$: $1 $| $>checkmail ifdef(`_FFR_MAIL_MACRO', `$&{mail_from}', `<$&f>')	then the sender
R$* $| $#$*		$#$2				rejected
R$* $| $*		$: $1 $| $>checkrelay $&{client_name} $| $&{client_addr}	then the client
R$* $| $#$*		$#$2				rejected
R$* $| $*		$: $1				all passed
