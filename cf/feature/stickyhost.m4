divert(-1)dnl
#
# feature/stickyhost.m4 -- FEATURE(stickyhost):
# user@ourhost goes to MAIL_HUB like plain user does.
#
define(`_sw_f_stickyhost', `1')
divert(0)dnl
