divert(-1)dnl
#
# feature/enhdnsbl.m4 -- FEATURE(enhdnsbl):
# refuse clients listed in a DNS block list, with control over
# temporary failures and the answers that count.  Arguments: zone, text,
# `t' to tempfail on lookup trouble, then the accepted answers (ending in a
# dot).
#
define(`_sw_f_enhdnsbl', `1')
define(`_sw_dnsbl_maps', ifdef(`_sw_dnsbl_maps', `defn(`_sw_dnsbl_maps')')`Kednsbl dns -R A -a. -T<TMP> -r5
')
_sw_put(45, `R$*			$: $&{client_addr}		look the client up in '_ARG_`
R$-.$-.$-.$-		$: <?> $(ednsbl $4.$3.$2.$1.'_ARG_`. $: OK $)	reversed octets
R<?>OK			$: OKSOFAR		not listed
R<?>$+<TMP>		'ifelse(_ARG3_, `t', ``$#error $@ 4.4.3 $: "451 Temporary lookup failure of " $&{client_addr} " at '_ARG_`"'', `$: TMPOK')`	lookup trouble
'ifelse(_ARG4_, `', ``R<?>$+		$#error $@ 5.7.1 $: 'ifelse(_ARG2_, `', ``"550 Rejected: " $&{client_addr} " listed at '_ARG_`"'', `_ARG2_')', ``R<?>'_ARG4_`	$#error $@ 5.7.1 $: 'ifelse(_ARG2_, `', ``"550 Rejected: " $&{client_addr} " listed at '_ARG_`"'', `_ARG2_')'))
divert(0)dnl
