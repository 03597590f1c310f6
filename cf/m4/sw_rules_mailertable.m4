divert(-1)dnl
# sw_rules_mailertable.m4 -- walk up the domain for the mailertable feature:
# a.b.c, then .b.c, then .c, then the "." default entry.
divert(0)dnl
SMailertable=90
R$* <$- . $+ > $*	$: $1$2 < $(mailertable .$3 $@ $1$2 $@ $2 $) > $4	try .parent
R$* <$~[ : $* > $*	$>MailerToTriple < $2 : $3 > $4		matched
R$* < . $+ > $*	$@ $>Mailertable $1 . <$2> $3		climb one more level
R$* < $* > $*	$: < $(mailertable . $@ $1$2 $) > $3		top: the "." entry
R< $~[ : $* > $*	$>MailerToTriple < $1 : $2 > $3		"." matched
R< $* > $*	$@ $2				no mailertable route
