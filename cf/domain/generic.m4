divert(-1)dnl
#
# domain/generic.m4 -- DOMAIN(generic): a sensible default site policy:
# the names in /etc/mail/local-host-names are local, addresses are
# qualified with our domain, and external senders see a plain banner.
#
_sw_set(`confFORWARD_PATH', `$z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward')dnl
_sw_set(`confMAX_HEADERS_LENGTH', `32768')dnl
FEATURE(`redirect')dnl
FEATURE(`use_cw_file')dnl
EXPOSED_USER(`root')dnl
divert(0)dnl
