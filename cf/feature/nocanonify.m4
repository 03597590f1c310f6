divert(-1)dnl
#
# feature/nocanonify.m4 -- FEATURE(nocanonify):
# do not canonify host names through the resolver;
# argument `canonify_hosts' still canonifies bare host names.
#
define(`_sw_f_nocanonify', `1')
define(`_sw_nocanon_arg', _ARG_)
divert(0)dnl
