#!/bin/sh
# lab-up.sh: the README's first command.  On a fresh Debian 12 machine (as
# root) it installs what Sendwell needs, builds and installs it under /usr
# and /etc/mail, writes the built-in lab configuration (tools/lab/) where a
# sendmail + dovecot guide expects its files, starts sendmail (25, 587,
# 465), mailboxd (IMAP 143/993, POP3 110/995) and saslauthd on loopback,
# and proves the whole path by sending one message and reading it back
# over IMAP.
#
#   sh tools/lab-up.sh            install, configure, start, check
#   sh tools/lab-up.sh restart    rebuild sendmail.cf and the maps, restart
#   sh tools/lab-up.sh stop       stop the lab's daemons
#   sh tools/lab-up.sh status     what is listening
#
# Files an admin has edited are never overwritten: the lab writes a file
# only when it is missing or unchanged since the lab last wrote it.
# LAB_USERS (default "alice bob") and LAB_PASSWORD (default "labpass")
# name the lab's mail users.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
lab="$top/tools/lab"
users=${LAB_USERS:-alice bob}
password=${LAB_PASSWORD:-labpass}
ETC=/etc/mail

say() { printf '%s\n' "lab-up: $*"; }
die() { printf '%s\n' "lab-up: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (I install into /usr and /etc/mail)"

# --- daemons ---------------------------------------------------------------

pidof_file() {	# pidof_file FILE: the live pid recorded in FILE, or nothing
	[ -r "$1" ] || return 0
	p=$(head -n1 "$1" 2>/dev/null || true)
	case $p in ''|*[!0-9]*) return 0 ;; esac
	kill -0 "$p" 2>/dev/null && echo "$p"
	return 0
}

stop_pidfile() {	# stop_pidfile FILE NAME
	p=$(pidof_file "$1")
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null || true
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	say "stopped $2 (pid $p)"
}

stop_all() {
	stop_pidfile /run/sendmail.pid sendmail
	stop_pidfile /run/mailboxd/master.pid mailboxd
	stop_pidfile /run/saslauthd/saslauthd.pid saslauthd
}

listening() {	# listening PORT: is something listening on 127.0.0.1:PORT?
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

start_syslog() {
	# sendmail and mailboxd log to syslog "mail", as the guides expect
	# (/var/log/mail.log here, /var/log/maillog on Rocky).
	[ -S /dev/log ] && return 0
	if command -v rsyslogd >/dev/null 2>&1; then
		rsyslogd && say "started rsyslogd (mail log: /var/log/mail.log)"
	fi
}

start_all() {
	start_syslog
	for port in 25 587 465 143 110 993 995; do
		if listening $port; then
			die "port $port is already in use (another MTA or IMAP server?): stop it first, e.g. 'service exim4 stop', 'service postfix stop' or 'service dovecot stop'"
		fi
	done
	mkdir -p /run/saslauthd
	/usr/sbin/saslauthd -a pam -m /run/saslauthd -n 2 ||
	    die "saslauthd did not start"
	/usr/sbin/mailboxd -c $ETC/mailboxd.conf || die "mailboxd did not start"
	/usr/sbin/sendmail -bd -q15m || die "sendmail did not start"
	i=0
	while ! { listening 25 && listening 143; } && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	listening 25 || die "sendmail is not listening on port 25 (see /var/log/mail.log)"
	listening 143 || die "mailboxd is not listening on port 143 (see /var/log/mail.log)"
	say "sendmail: 127.0.0.1 ports 25, 587 (AUTH), 465 (TLS)"
	say "mailboxd: 127.0.0.1 IMAP 143, IMAPS 993, POP3 110, POP3S 995"
}

status() {
	for n in sendmail:/run/sendmail.pid mailboxd:/run/mailboxd/master.pid \
	    saslauthd:/run/saslauthd/saslauthd.pid; do
		p=$(pidof_file "${n#*:}")
		printf '%-10s %s\n' "${n%%:*}" "${p:+running, pid $p}${p:-stopped}"
	done
	ss -ltn 2>/dev/null | grep -E ':(25|587|465|143|993|110|995) ' || true
}

# --- configuration ---------------------------------------------------------

# what the guides say after an edit: make -C /etc/mail (stale maps,
# sendmail.cf and submit.cf from their .mc files, the aliases)
rebuild_config() {
	make -s -C $ETC ||
	    die "make -C $ETC failed (see above); the old sendmail.cf stays in place"
}

configure_lab() {
	mkdir -p $ETC /var/log/mail
	for f in sendmail.mc local-host-names access virtusertable mailertable mailboxd.conf; do
		lab_file "$lab/$f" "$ETC/$f"
	done
	[ -e $ETC/trusted-users ] || : > $ETC/trusted-users
	mkdir -p /etc/sasl2
	lab_file "$lab/Sendmail.conf" /etc/sasl2/Sendmail.conf
	grep -q '^postmaster:' /etc/aliases 2>/dev/null ||
	    printf 'postmaster:\troot\n' >> /etc/aliases
	grep -q '^abuse:' /etc/aliases || printf 'abuse:\tpostmaster\n' >> /etc/aliases
	grep -q '^webmaster:' /etc/aliases || printf 'webmaster:\talice\n' >> /etc/aliases

	# the lab's names resolve from /etc/hosts, as the guides set them up:
	# sendmail canonifies every domain it is given ($[ $]), and lab.test
	# is in no DNS (nor is DNS reachable from every classroom)
	grep -q '[[:space:]]mail\.lab\.test' /etc/hosts 2>/dev/null ||
	    printf '127.0.0.1\tmail.lab.test lab.test\n' >> /etc/hosts

	# the statistics file mailstats reads; sendmail only counts into it
	# when it exists (RHEL's package makes it too)
	[ -e /var/log/mail/statistics ] || { : > /var/log/mail/statistics; chmod 640 /var/log/mail/statistics; }

	# a self-signed certificate for STARTTLS, SMTPS, IMAPS and POP3S
	if [ ! -s $ETC/tls/sendmail.crt ]; then
		mkdir -p $ETC/tls
		openssl req -x509 -newkey rsa:2048 -nodes -days 825 \
		    -subj "/CN=mail.lab.test" \
		    -addext "subjectAltName=DNS:mail.lab.test,DNS:localhost,IP:127.0.0.1" \
		    -keyout $ETC/tls/sendmail.key -out $ETC/tls/sendmail.crt 2>/dev/null ||
		    die "openssl could not make the lab certificate"
		cp $ETC/tls/sendmail.crt $ETC/tls/lab-ca.crt
		chmod 600 $ETC/tls/sendmail.key
		say "made a self-signed certificate in $ETC/tls"
	fi

	# the lab's mail users (system users, as in the guides)
	for u in $users; do
		if ! id "$u" >/dev/null 2>&1; then
			useradd -m -s /bin/bash "$u"
			say "created user $u"
		fi
		echo "$u:$password" | chpasswd
		touch /var/mail/"$u"
		chown "$u":mail /var/mail/"$u"
		chmod 660 /var/mail/"$u"
	done
	rebuild_config
}

# lab_file SRC DEST: install the lab's SRC as DEST unless DEST was changed
# since the lab wrote it (the lab keeps a checksum of what it wrote).
lab_file() {
	sums=/var/lib/sendwell-lab
	sum=$sums/$(echo "$2" | tr / _)
	# the untouched default that `make install' put there may be replaced
	if [ -e "$2" ] && ! cmp -s "$1" "$2" &&
	    ! cmp -s "$2" "/usr/share/sendwell/mail/${2##*/}"; then
		if [ ! -r "$sum" ] || [ "$(sha256sum < "$2")" != "$(cat "$sum")" ]; then
			say "keeping your $2 (the lab's version is $1)"
			return 0
		fi
	fi
	install -m 644 "$1" "$2"
	mkdir -p $sums
	sha256sum < "$2" > "$sum"
}

# --- build and install -----------------------------------------------------

build_install() {
	sh "$top/tools/deps.sh"
	# the lab's extras: a syslog daemon and mail(1) (mailutils needs no
	# other MTA, where bsd-mailx would pull in exim4)
	missing=""
	for p in rsyslog mailutils; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $missing
	fi
	cd "$top"
	mkdir -p build-lab
	log=$top/build-lab/build.log
	say "building (log: $log)"
	{ ./bootstrap && cd build-lab &&
	  ../configure -q --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	    --libexecdir=/usr/libexec &&
	  make -s -j"$(nproc)"; } >"$log" 2>&1 ||
	    { tail -n 25 "$log"; die "the build failed (whole log: $log)"; }
	cd "$top/build-lab"
	# another MTA's /usr/sbin/sendmail (exim4, postfix) is diverted, not
	# overwritten, so removing Sendwell can give it back
	for f in /usr/sbin/sendmail /usr/bin/mailq /usr/bin/newaliases \
	    /usr/sbin/makemap /usr/bin/praliases /usr/sbin/mailstats; do
		owner=$(dpkg -S "$f" 2>/dev/null | cut -d: -f1 || true)
		if [ -n "$owner" ] && [ "$owner" != "diversion by dpkg-divert" ]; then
			dpkg-divert --local --rename --add "$f" >/dev/null
			say "moved $owner's $f aside ($f.distrib)"
		fi
	done
	make -s install >>"$log" 2>&1 ||
	    { tail -n 25 "$log"; die "make install failed (whole log: $log)"; }
	cd "$top"
	say "installed Sendwell under /usr (sendmail, makemap, mailboxd, ...)"
}

# --- the proof -------------------------------------------------------------

smoke_test() {
	set -- $users
	from=$1; to=${2:-$1}
	subject="Sendwell lab check $(date +%s)"
	printf 'Subject: %s\n\nThis is a Test Email\n' "$subject" |
	    /usr/sbin/sendmail -f "$from@lab.test" "$to@lab.test" ||
	    die "sendmail refused the test message"
	LAB_USER="$to" LAB_PASSWORD="$password" LAB_SUBJECT="$subject" \
	    python3 - <<'EOF' || die "the test message did not arrive (see /var/log/mail.log)"
import imaplib, os, time
user, pw, subj = os.environ["LAB_USER"], os.environ["LAB_PASSWORD"], os.environ["LAB_SUBJECT"]
for _ in range(100):
    m = imaplib.IMAP4("127.0.0.1", 143)
    m.login(user, pw)
    m.select("INBOX")
    typ, data = m.search(None, "SUBJECT", '"%s"' % subj)
    m.logout()
    if data and data[0]:
        print("lab-up: %s read the test message over IMAP" % user)
        raise SystemExit(0)
    time.sleep(0.1)
raise SystemExit(1)
EOF
}

case ${1:-up} in
up)
	build_install
	stop_all
	configure_lab
	start_all
	smoke_test
	say "done.  Users: $users (password: $password).  Try:"
	say "  telnet 127.0.0.1 25      mailq      mail -s Hi alice@lab.test"
	say "  mutt -f imap://alice@127.0.0.1/   (config: $ETC/sendmail.mc, $ETC/mailboxd.conf)"
	;;
restart)
	stop_all
	rebuild_config
	start_all
	;;
stop)
	stop_all
	;;
status)
	status
	;;
*)
	die "usage: lab-up.sh [up|restart|stop|status]"
	;;
esac
