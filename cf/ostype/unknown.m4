divert(-1)dnl
#
# ostype/unknown.m4 -- OSTYPE(unknown): no operating-system specifics;
# the local mailer is /bin/mail.
#
divert(0)dnl
