divert(-1)dnl
#
# debian/autoconf.m4 -- the build facts Debian's sendmail-cf files read
# (sm_version, sm_version_math, sm_enable_ipv6, sm_ffr ...), so that .mc
# files and m4 snippets written for Debian keep working with Sendwell.
#
define(`sm_version', `8.17.1.9')
define(`sm_version_v', `8')
define(`sm_version_r', `17')
define(`sm_version_major', `8.17')
define(`sm_version_minor', `1')
define(`sm_version_beta', `9')
define(`sm_version_math', `528641')
define(`sm_enable_ipv6', `yes')
define(`sm_enable_milter', `yes')
define(`sm_enable_ldap', `yes')
define(`sm_enable_sasl', `yes')
define(`sm_enable_tls', `yes')
define(`sm_ffr', `-D_FFR_REJECT_NUL_BYTE')
divert(0)dnl
