divert(-1)dnl
#
# ostype/redhat.m4 -- OSTYPE(redhat): Red Hat, CentOS, Rocky and Alma use
# the Linux settings (procmail as the local mailer).
#
_sw_load(`ostype', `linux', `OSTYPE')
divert(0)dnl
