divert(-1)dnl
#
# feature/require_rdns.m4 -- FEATURE(require_rdns):
# refuse clients whose address has no working reverse DNS.
#
define(`_sw_f_require_rdns', `1')
_sw_put(45, `R$*			$: $&{client_addr} $| $&{client_resolve}	does the client resolve?
R$=R $*			$@ RELAY		our relay networks are exempt
R$* $| OK		$@ OK			yes
R$* $| FAIL		$#error $@ 5.7.1 $: 550 Fix reverse DNS for $1	no reverse name
R$* $| TEMP		$#error $@ 4.1.8 $: 451 Client IP address $1 does not resolve	lookup failed for now
R$* $| FORGED		$#error $@ 4.1.8 $: 451 Possibly forged hostname for $1	name and address disagree')
divert(0)dnl
