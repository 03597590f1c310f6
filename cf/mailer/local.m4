divert(-1)dnl
#
# mailer/local.m4 -- MAILER(local): the local delivery agent and the prog
# mailer (programs run through a shell).  Every full config has them; when
# the .mc does not name them they are written after the other mailers.
#
_sw_mailer_add(`local')
define(`_sw_emit_mailer_local', `include(SW_LIB`mailer/local.rules')')
divert(0)dnl
