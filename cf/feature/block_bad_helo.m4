divert(-1)dnl
#
# feature/block_bad_helo.m4 -- FEATURE(block_bad_helo):
# refuse HELO names that claim to be us or are not qualified.
#
define(`_sw_f_block_bad_helo', `1')
divert(0)dnl
