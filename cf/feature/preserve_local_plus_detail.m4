divert(-1)dnl
#
# feature/preserve_local_plus_detail.m4 -- FEATURE(preserve_local_plus_detail):
# keep +detail for local delivery; no user+* aliases.
#
define(`_sw_f_preserve_local_plus_detail', `1')
divert(0)dnl
