divert(-1)dnl
#
# feature/dnsbl.m4 -- FEATURE(dnsbl):
# refuse clients listed in a DNS block list.  Arguments: the
# zone (required), the rejection text.
#
define(`_sw_f_dnsbl', `1')
ifelse(_ARG_, `', `_sw_warn(`FEATURE(dnsbl) without a zone')')
define(`_sw_dnsbl_maps', ifdef(`_sw_dnsbl_maps', `defn(`_sw_dnsbl_maps')')`Kdnsbl dns -R A -T<TMP>
')
_sw_put(45, `R$*			$: $&{client_addr}		look the client up in '_ARG_`
R$-.$-.$-.$-		$: <?> $(dnsbl $4.$3.$2.$1.'_ARG_`. $: OK $)	reversed octets
R<?>OK			$: OKSOFAR		not listed
R<?>$+<TMP>		$: TMPOK			lookup failed: let it in
R<?>$+		$#error $@ 5.7.1 $: 'ifelse(_ARG2_, `', ``"550 Rejected: " $&{client_addr} " listed at '_ARG_`"'', `_ARG2_'))
divert(0)dnl
