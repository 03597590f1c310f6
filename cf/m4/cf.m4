divert(-1)dnl
#
# cf.m4 -- entry point of Sendwell's m4 configuration library.
#
# A sendmail.mc starts with  include(`/usr/share/sendmail-cf/m4/cf.m4')
# (or the Debian path /usr/share/sendmail/cf/m4/cf.m4).  This file only
# records where the library lives and loads the pieces: the macros an .mc
# calls (sw_macros.m4), the table of confXXX names (sw_options.m4), and
# the generator that writes the finished .cf once the whole .mc has been
# read (sw_emit.m4, run from m4wrap).
#
# Where am I?  _CF_DIR_ wins when the caller set it; otherwise the folder
# is worked out from the path this file was included by ("x/m4/cf.m4").
ifdef(`_CF_DIR_', `',
	`define(`_CF_DIR_', substr(__file__, 0, eval(len(__file__) - 8)))')
ifelse(_CF_DIR_, `', `define(`_CF_DIR_', `./')')
define(`SW_LIB', defn(`_CF_DIR_'))
include(SW_LIB`m4/sw_macros.m4')
include(SW_LIB`m4/sw_options.m4')
m4wrap(`include(SW_LIB`m4/sw_emit.m4')')
divert(0)dnl
