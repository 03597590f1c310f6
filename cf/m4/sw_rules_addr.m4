divert(-1)dnl
#
# sw_rules_addr.m4 -- the address rulesets: canonify (3) and its helper
# Canonify2, final (4), parse (0) with Parse0/Parse1/ParseLocal, local
# address handling (localaddr, 5), mailer-triple helpers, masquerading
# and the generics table.  Included by sw_emit.m4.  Rules are separated by
# tabs: pattern, replacement, note.
#
divert(0)dnl
######################################################################
#  canonify (3): put the address into  user < @ host >  form
######################################################################
Scanonify=3
R$@	$@ <@>		empty address stays empty
# Tag the whole input, then drop the tag where the address is already in
# a shape we must keep (bracketed, @route, IPv6 literal, DECnet, include).
R$*	$: $1 <@>		tag it
R$* < $* > $* <@>	$: $1 < $2 > $3		bracketed: untag
R@ $* <@>	$: @ $1		route address: untag
R$* [ IPv6 : $+ ] <@>	$: $1 [ IPv6 : $2 ]		IPv6 literal: untag
R$* :: $* <@>	$: $1 :: $2		DECnet node: untag
R:include: $* <@>	$: :include: $1		include file: untag
R$* : $* [ $* ]	$: $1 : $2 [ $3 ] <@>		retag a colon before a literal
R$* : $* <@>	$: $2		tagged group phrase: keep what follows the colon
R$* <@>	$: $1		untag the rest
R$* ;	$1		a trailing semicolon goes
R$* < $+ :; > $*	$@ $2 :; <@>		<list:;> is an empty group
R$* < $* ; >	$1 < $2 >		semicolon inside brackets goes too
R$@	$@ :; <@>		nothing left: empty group
R$*	$: < $1 >		wrap in angle brackets
R$+ < $* >	< $2 >		drop comment text left of <..>
R< $* > $+	< $1 >		drop comment text right of <..>
R<>	$@ < @ >		the null sender
R< $+ >	$: $1		unwrap
# Source routes: keep only the final address.
R@ $+ , $+	$2		@a,@b:u@c -> @b:u@c
R@ [ $* ] : $+	$2		@[literal]:rest -> rest
R@ $+ : $+	$2		@host:rest -> rest
R $+ : $* ; @ $+	$@ $>Canonify2 $1 : $2 ; < @ $3 >	group with a domain
R $+ : $* ;	$@ $1 : $2;		group without one
R$+ @ $+	$: $1 < @ $2 >		mark the domain part
R$+ < $+ @ $+ >	$1 $2 < @ $3 >		the last @ wins
R$+ < @ $+ >	$@ $>Canonify2 $1 < @ $2 >	marked: finish the domain
ifdef(`_USE_DECNET_SYNTAX_', `R$- :: $+	$@ $>Canonify2 $2 < @ $1 .DECNET >	node::user
R$- . $- :: $+	$@ $>Canonify2 $3 < @ $1.$2 .DECNET >	numeric node::user
')dnl
_sw_uucp(`R$- ! $+	$@ $>Canonify2 $2 < @ $1 .UUCP >	host!user
R$+ . $- ! $+	$@ $>Canonify2 $3 < @ $1 . $2 >		host.dom!user is a domain
R$+ ! $+	$@ $>Canonify2 $2 < @ $1 .UUCP >	longer bang paths
')dnl
R$* % $*	$1 @ $2		turn every % into @ ...
R$* @ $* @ $*	$1 % $2 @ $3		... then all but the last back to %
R$* @ $*	$@ $>Canonify2 $1 < @ $2 >	mark that domain
R$*	$@ $>Canonify2 $1		no domain: leave as is
undivert(21)dnl
######################################################################
#  Canonify2: make the marked domain canonical
######################################################################
SCanonify2=96
R$* < @ localhost > $*	$: $1 < @ $j . > $2		localhost is us
R$* < @ localhost . $m > $*	$: $1 < @ $j . > $2		so is localhost.our-domain
_sw_uucp(`R$* < @ localhost . UUCP > $*	$: $1 < @ $j . > $2		and localhost.UUCP
')dnl
R$* < @ [ $+ ] > $*	$: $1 < @@ [ $2 ] > $3		flag address literals
R$* < @@ $=w > $*	$: $1 < @ $j . > $3		a literal of ours: our name
R$* < @@ $+ > $*	$@ $1 < @ $2 > $3		other literals stay as they are
ifdef(`_sw_f_domaintable', `R$* < @ $+ > $*	$: $1 < @ $(domaintable $2 $) > $3	rename domains
')dnl
ifdef(`_sw_f_nocanonify', `', `_sw_uucp(`R$* < @ $+ . UUCP > $*	$: $1 < @ $[ $2 $] . UUCP . > $3	resolve x.UUCP
R$* < @ $+ . . UUCP . > $*	$@ $1 < @ $2 . > $3		x.UUCP was a real domain
')')dnl
R$* < @ $* $=P > $*	$: $1 < @ $2 $3 . > $4		pseudo-domain: just add the dot
R$* < @ $* $~P > $*	$: $&{daemon_flags} $| $1 < @ $2 $3 > $4	look at daemon flags
ifdef(`_sw_f_nocanonify', `dnl
R$* $| $* < @ $* $={Canonify} > $*	$: $2 < @ $[ $3 $4 $] > $5	listed for canonification: ask DNS
R$* c $* $| $* < @ $* > $*	$: $3 < @ $[ $4 $] > $5		daemon flag c: ask DNS
R$* $| $* < @ $+ . > $*	$: $2 < @ $3 . > $4		ends in a dot: already canonical
R$* $| $* < @ $+.$+ > $*	$: $2 < @ $3.$4 . > $5		dotted: trust it
ifelse(defn(`_sw_nocanon_arg'), `canonify_hosts', `R$* $| $* < @ $* > $*	$: $2 < @ $[ $3 $] > $4		bare host: canonify it
')', `dnl
R$* CC $* $| $* < @ $+.$+ > $*	$: $3 < @ $4.$5 . > $6	flag CC: no lookup for dotted names
R$* CC $* $| $*	$: $3			flag CC: nothing else either
R$* $| $* < @ $* > $*	$: $2 < @ $[ $3 $] > $4		ask the resolver
')dnl
R$* $| $*	$: $2			drop the daemon flags
ifdef(`_sw_f_virtusertable', `R$* < @ ifdef(`_sw_f_virtuser_entire_domain', `$* ')$={VirtHost} > $*	$: $1 < @ $2 ifdef(`_sw_f_virtuser_entire_domain', `$3 '). > ifdef(`_sw_f_virtuser_entire_domain', `$4', `$3')	virtual domains are ours
')dnl
ifdef(`_sw_f_genericstable', `R$* < @ ifdef(`_sw_f_generics_entire_domain', `$* ')$=G > $*	$: $1 < @ $2 ifdef(`_sw_f_generics_entire_domain', `$3 '). > ifdef(`_sw_f_generics_entire_domain', `$4', `$3')	generics domains too
')dnl
R$* < @ $=w > $*	$: $1 < @ $2 . > $3		our names get the trailing dot
R$* < @ ifdef(`_sw_f_masquerade_entire_domain', `$* ')$=M > $*	$: $1 < @ $2 ifdef(`_sw_f_masquerade_entire_domain', `$3 '). > ifdef(`_sw_f_masquerade_entire_domain', `$4', `$3')	so do masqueraded ones
R$* < @ $* . . > $*	$1 < @ $2 . > $3		one trailing dot is enough
######################################################################
#  final (4): back to external form
######################################################################
Sfinal=4
R$+ :; <@>	$@ $1 :			empty group
R$* <@>	$@				null address
R$* < @ $+ . > $*	$1 < @ $2 > $3		no trailing dot outside
R$* < @ *LOCAL* > $*	$1 < @ $j > $2		our name for *LOCAL*
R$* < $+ > $*	$1 $2 $3			remove the focus brackets
R@ $+ : @ $+ : $+	@ $1 , @ $2 : $3		route: commas between hops
R@ $*	$@ @ $1				routes are done
_sw_uucp(`R$+ @ $- . UUCP	$2!$1			user@host.UUCP -> host!user
')dnl
ifdef(`_USE_DECNET_SYNTAX_', `R$+ @ $+ . DECNET	$2 :: $1			back to node::user
')dnl
R$+ % $=w @ $=w	$1 @ $2			user%us@us -> user@us
######################################################################
#  Recurse: start over on a rewritten address
######################################################################
SRecurse=97
R$*	$: $>canonify $1
R$*	$@ $>parse $1
######################################################################
#  parse (0): pick the mailer triple
######################################################################
Sparse=0
R$*	$: $>Parse0 $1		syntax checks first
R<@>	$#local $: <@>		the null address goes to local for errors
R$*	$: $>ParseLocal $1		site rules from the .mc
R$*	$: $>Parse1 $1		then routing
SParse0
R<@>	$@ <@>			null address: leave it
R$* : $* ; <@>	$#error $@ 5.1.3 $: "553 List:; syntax illegal for recipient addresses"
R@ <@ $* >	< @ $1 >			@@host is @host
R<@ $+>	$#error $@ 5.1.3 $: "553 User address required"
R$+ <@>	$#error $@ 5.1.3 $: "553 Hostname required"
R$*	$: <> $1			check address literals
R<> $* < @ [ $* ] : $+ > $*	$1 < @ [ $2 ] : $3 > $4	literal then colon: fine
R<> $* < @ [ $* ] , $+ > $*	$1 < @ [ $2 ] , $3 > $4	literal then comma: fine
R<> $* < @ [ $* ] $+ > $*	$#error $@ 5.1.2 $: "553 Invalid address"
R<> $* < @ [ $+ ] > $*		$1 < @ [ $2 ] > $3		a clean literal
R<> $* <$* : $* > $*	$#error $@ 5.1.3 $: "553 Colon illegal in host name part"
R<> $*	$1				no literal
R$* < @ . $* > $*	$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ $* .. $* > $*	$#error $@ 5.1.2 $: "553 Invalid host name"
R$* < @ $* @ > $*	$#error $@ 5.1.2 $: "553 Invalid route address"
R$* @ $* < @ $* > $*	$#error $@ 5.1.3 $: "553 Invalid route address"
R$* , $~O $*	$#error $@ 5.1.3 $: "553 Invalid route address"
R$* < @ > $*	$@ $>Parse0 $>canonify $1	user@ is just user
R< @ $=w . > : $*	$@ $>Parse0 $>canonify $2	@us:rest is rest
R$- < @ $=w . >	$: $(dequote $1 $) < @ $2 . >	unquote "user"@us
R< @ $+ >	$#error $@ 5.1.3 $: "553 User address required"
R$* $=O $* < @ $=w . >	$@ $>Parse0 $>canonify $1 $2 $3	local part with routing: again
R$-	$: $(dequote $1 $) < @ *LOCAL* >	unquote a bare "user"
R< @ *LOCAL* >	$#error $@ 5.1.3 $: "553 User address required"
R$* $=O $* < @ *LOCAL* >	$@ $>Parse0 $>canonify $1 $2 $3	same for unqualified
R$* < @ *LOCAL* >	$: $1			plain local name
dnl
SParse1
R$* < @ [ $+ ] > $*	$: $>ParseLocal $1 < @ [ $2 ] > $3	site rules see literals too
R$* < @ [ $+ ] > $*	$: $1 < @ [ $2 ] : $S > $3	note the smart host
R$* < @ [ $+ ] : > $*	$#_sw_smtpmailer $@ [$2] $: $1 < @ [$2] > $3	no smart host: straight there
R$* < @ [ $+ ] : $- : $*> $*	$#$3 $@ $4 $: $1 < @ [$2] > $5	smart host with its mailer
R$* < @ [ $+ ] : $+ > $*	$#_sw_smtpmailer $@ $3 $: $1 < @ [$2] > $4	smart host, default mailer
ifdef(`_sw_f_virtusertable', `include(SW_LIB`m4/sw_rules_virtuser.m4')')dnl
ifdef(`_sw_f_stickyhost', `dnl
R$+ < @ $=w . >	$: < $H > $1 < @ $2 . >		sticky: user@us goes to the hub
R< $+ > $+ < $+ >	$>MailerToTriple < $1 > $2 < $3 >	hub known: use it
R< > $+ + $* < $+ >	$#local $: $1 + $2		no hub, +detail kept
R< > $+ < $+ >	$#local $: @ $1			no hub, plain user
', `dnl
R$=L < @ $=w . >	$#local $: @ $1		users that must stay local, at our names
R$+ < @ $=w . >	$#local $: $1			anyone else at our names
')dnl
ifdef(`_sw_f_mailertable', `dnl
R$* <@ $+ > $*	$: < $2 > $1 < @ $2 > $3	mailertable: take the domain
R< $+ . > $*	$: < $1 > $2			without its dot
R< $+ > $*	$: < $(mailertable $1 $) > $2		exact entry?
R< $~[ : $* > $*	$>MailerToTriple < $1 : $2 > $3	found one
R< $+ > $*	$: $>Mailertable <$1> $2		else try parent domains
')dnl
undivert(25)dnl
R$* < @ $* > $*	$: $>MailerToTriple < $S > $1 < @ $2 > $3	remote: via the smart host if any
R$* < @$* > $*	$#_sw_smtpmailer $@ $2 $: $1 < @ $2 > $3	or directly
R$=L	$#local $: @ $1		users that must stay local
R$+	$#local $: $1		everyone else is local
######################################################################
#  localaddr (5): aliases did not take a local name; hub and luser relay
######################################################################
SLocal_localaddr
Slocaladdr=5
R$+	$: $1 $| $>"Local_localaddr" $1	site hook first
R$+ $| $#ok	$@ $1			hook says: leave it
R$+ $| $#$*	$#$2			hook chose a mailer
R$+ $| $*	$: $1			hook had no opinion
ifdef(`_sw_f_preserve_local_plus_detail', `dnl
R$+	$: <> $1
ifdef(`LUSER_RELAY', `dnl
R< > $+	$: < $L > $(user $1 $)		is there such a user?
R< $* > $+ <>	$: < > $2			yes: no relay needed
')dnl
ifdef(`MAIL_HUB', `R< > $+	$: < $H > $1			not local: the hub
')dnl
R< > $+	$@ $1				keep +detail, stay local
', `dnl
R$+ + *	$#local $@ $&h $: $1		user+* alias form
R$+ + $*	$#local $@ + $2 $: $1 + *	user+detail: try user+*
R$+	$: <> $1
ifdef(`LUSER_RELAY', `dnl
R< > $+	$: < $L > $(user $1 $)		is there such a user?
R< $* > $+ <>	$: < > $2			yes: no relay needed
')dnl
ifdef(`MAIL_HUB', `R< > $+	$: < $H > $1			not local: the hub
')dnl
R< > $+	$: < > < $1 <> $&h >		bring back the +detail
R< > < $+ <> + $* >	$: < > < $1 + $2 >		it had one
R< > < $+ <> $* >	$: < > < $1 >			it had none
R< > < $+ + $* > $*	< > < $1 > + $2 $3	split user from detail
R< > < $+ > + $*	$#local $@ $2 $: @ $1	deliver to user, detail as host
R< > < $+ >	$@ $1				plain user: done
')dnl
R$+	$: $1 <> $&h			add the +detail back
R$+ <> + $*	$: $1 + $2			if there was one
R$+ <> $*	$: $1				else nothing
R< local : $* > $*	$: $>MailerToTriple < local : $1 > $2	local: no host part
R< error : $* > $*	$: $>MailerToTriple < error : $1 > $2	error: no host part
R< $~[ : $+ > $+	$: $>MailerToTriple < $1 : $2 > $3 < @ $2 >	mailer:host
R< $+ > $+	$@ $>MailerToTriple < $1 > $2 < @ $1 >	plain host
######################################################################
#  MailerToTriple: turn <mailer:host> user into a $# triple
######################################################################
SMailerToTriple=95
R< > $*	$@ $1				no relay given
R< error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4	error with status code
R< error : $- : $+ > $*	$#error $@ $(dequote $1 $) $: $2	error with a status word
R< error : $+ > $*	$#error $: $1		bare error text
R< local : $* > $*	$>CanonLocal < $1 > $2	local delivery
R< $~[ : $+ @ $+ > $*<$*>$*	$# $1 $@ $3 $: $2<@$3>	mailer:user@host
R< $~[ : $+ > $*	$# $1 $@ $2 $: $3		mailer:host
R< $=w > $*	$@ $2				relay is us: nothing to do
R< $+ > $*	$#_sw_relaymailer $@ $1 $: $2		host only: relay mailer
SCanonLocal
R< $* > < @ $+ > : $+	$@ $>Recurse $3		route through us: start again
R< $* > $+ $=O $+ < @ $+ >	$@ $>Recurse $2 $3 $4	local part routes further
R< $* > $* < @ $* . >	$: < $1 > $2 < @ $3 >	drop the dot
R< > $* < @ $* > $*	$#local $@ $1@$2 $: $1	user@host, no forced user
R< > $+	$#local $@ $1    $: $1		bare user
R< $+ @ $+ > $* < @ $* >	$: < $1 > $3 < @ $4 >	forced user@host: keep user
R< $+ > $* <@ $* > $*	$#local $@ $2@$3 $: $1	forced user
R< $+ > $*	$#local $@ $2    $: $1		forced user, no host
ifdef(`_sw_f_mailertable', `include(SW_LIB`m4/sw_rules_mailertable.m4')')dnl
######################################################################
#  masquerading: MasqHdr (headers) and MasqEnv (envelope)
######################################################################
SMasqHdr=93
ifdef(`_sw_f_genericstable', `include(SW_LIB`m4/sw_rules_generics.m4')')dnl
R$* < @ $* $=N . >	$@ $1 < @ $2 $3 . >	exception to masquerading: keep
ifdef(`MASQUERADE_NAME', `dnl
R$=E < @ *LOCAL* >	$@ $1 < @ $j . >		exposed users keep our name
R$=E < @ ifdef(`_sw_f_masquerade_entire_domain', `$* ')$=M . >	$@ $1 < @ $2 ifdef(`_sw_f_masquerade_entire_domain', `$3 '). >	... and their domain
ifdef(`_sw_f_limited_masquerade', `', `R$=E < @ $=w . >	$@ $1 < @ $2 . >		... also for our names
')dnl
R$* < @ ifdef(`_sw_f_masquerade_entire_domain', `$* ')$=M . > $*	$: $1 < @ $2 ifdef(`_sw_f_masquerade_entire_domain', `$3 '). @ $M > ifdef(`_sw_f_masquerade_entire_domain', `$4', `$3')	hide hosts of masqueraded domains
ifdef(`_sw_f_limited_masquerade', `', `R$* < @ $=w . > $*	$: $1 < @ $2 . @ $M > $3	hide our own names
')dnl
R$* < @ *LOCAL* > $*	$: $1 < @ $j . @ $M > $2	unqualified: masquerade too
R$* < @ $+ @ > $*	$: $1 < @ $2 > $3		no masquerade name: keep host
R$* < @ $+ @ $+ > $*	$: $1 < @ $3 . > $4	use the masquerade name
', `R$* < @ *LOCAL* >	$@ $1 < @ $j . >		unqualified: our name
')dnl
SMasqEnv=94
ifdef(`_sw_f_masquerade_envelope', `R$+	$@ $>MasqHdr $1			envelope masquerades like headers
', `R$* < @ *LOCAL* > $*	$: $1 < @ $j . > $2	just qualify
')dnl
######################################################################
#  ParseLocal (98): the .mc own ruleset-0 rules and the redirect feature
######################################################################
SParseLocal=98
undivert(22)dnl
ifdef(`_sw_f_redirect', `dnl
R$* < @ $+ .REDIRECT. >	$: $1 < @ $2 . REDIRECT . > < ${opMode} >	note the mode
R$* < @ $+ .REDIRECT. > <i>	$: $1 < @ $2 . REDIRECT. >	initial aliasing: keep
R$* < @ $+ .REDIRECT. > < $- >	$#error $@ 5.1.1 $: "551 User has moved; please try " <$1@$2>	tell the sender the new address
')dnl
ifdef(`_sw_lr1', `S1
undivert(23)')dnl
ifdef(`_sw_lr2', `S2
undivert(24)')dnl
