divert(-1)dnl
# sw_rules_generics.m4 -- rewrite local senders through the genericstable
# (the genericstable feature); runs at the top of MasqHdr.
divert(0)dnl
ifdef(`_sw_f_generics_entire_domain', `dnl
R$+ < @ $* $=G . >	$: < $1@$2$3 > $1 < @ $2$3 . > @	look up user@(sub)domain
', `dnl
R$+ < @ $=G . >	$: < $1@$2 > $1 < @ $2 . > @	look up user@domain
')dnl
R$+ < @ *LOCAL* >	$: < $1@$j > $1 < @ *LOCAL* > @	unqualified: user@our-name
R< $+ > $+ < $* > @	$: < $(generics $1 $: @ $1 $) > $2 < $3 >	full address first
R<@$+ + $* @ $+> $+ < @ $+ >
		$: < $(generics $1+*@$3 $@ $2 $:@$1 + $2@$3 $) >  $4 < @ $5 >	user+*@dom
R<@$+ + $* @ $+> $+ < @ $+ >
		$: < $(generics $1@$3 $: $) > $4 < @ $5 >	user@dom without detail
R<@$+ > $+ < @ $+ >	$: < > $2 < @ $3 >	not found: try shorter keys
R< > $+ < @ $+ . >	$: < $(generics @$2 $@ $1 $: $) > $1 < @ $2 . >	@domain entry
R< > $+ < @ $+ >	$: < $(generics $1 $: $) > $1 < @ $2 >	bare user
R< > $+ + $* < @ $+ >	$: < $(generics $1+* $@ $2 $: $) > $1 + $2 < @ $3 >	user+*
R< > $+ + $* < @ $+ >	$: < $(generics $1 $: $) > $1 + $2 < @ $3 >	user without detail
R< $* @ $* > $* < $* >	$@ $>canonify $1 @ $2		qualified result
R< $+ > $* < $* >	$: $>canonify $1 @ *LOCAL*	unqualified result
R< > $*	$: $1				no entry
