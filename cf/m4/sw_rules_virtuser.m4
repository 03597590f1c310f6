divert(-1)dnl
# sw_rules_virtuser.m4 -- the virtusertable lookups inside Parse1, for
# the virtusertable feature.  Lookup order for user+detail@domain: exact
# user++@dom / user+*@dom / user@dom, then ++@dom / +*@dom / @dom.
divert(0)dnl
R$+	$: <!> $1		flag for a virtusertable lookup
ifdef(`_sw_f_virtuser_entire_domain', `dnl
R<!> $+ < @ $* $={VirtHost} . >	$: < $(virtuser $1 @ $2 $3 $@ $1 $: @ $) > $1 < @ $2 $3 . >	virtual (sub)domain
', `dnl
R<!> $+ < @ $={VirtHost} . >	$: < $(virtuser $1 @ $2 $@ $1 $: @ $) > $1 < @ $2 . >	virtual domain
')dnl
R<!> $+ < @ $=w . >	$: < $(virtuser $1 @ $2 $@ $1 $: @ $) > $1 < @ $2 . >	one of our names
R<@> $+ + $+ < @ $* . >
	$: < $(virtuser $1 + + @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >	user++@dom
R<@> $+ + $* < @ $* . >
	$: < $(virtuser $1 + * @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >	user+*@dom
R<@> $+ + $* < @ $* . >
	$: < $(virtuser $1 @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >	user@dom, detail dropped
R<@> $+ + $+ < @ $+ . >	$: < $(virtuser + + @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >	++@dom
R<@> $+ + $* < @ $+ . >	$: < $(virtuser + * @ $3 $@ $1 $@ $2 $@ +$2 $: @ $) > $1 + $2 < @ $3 . >	+*@dom
R<@> $+ + $* < @ $+ . >	$: < $(virtuser @ $3 $@ $1 $@ $2 $@ +$2 $: ! $) > $1 + $2 < @ $3 . >	@dom, with detail
R<@> $+ < @ $+ . >	$: < $(virtuser @ $2 $@ $1 $: @ $) > $1 < @ $2 . >	catch-all @dom
R<@> $+	$: $1		nothing matched
R<!> $+	$: $1		not a virtual address
R< error : $-.$-.$- : $+ > $*	$#error $@ $1.$2.$3 $: $4	error:code:text
R< error : $- $+ > $*	$#error $@ $(dequote $1 $) $: $2	error:word text
R< $+ > $+ < @ $+ >	$: $>Recurse $1		a new address: parse it again
