"""lab_postfix: Debian's Postfix as a peer of the lab, never installed.

postfix_root() unpacks the postfix package (apt-get download + dpkg -x)
into a cache folder, as shared/tools/ref-sendmail does for sendmail, and
returns that root; smtp_sink() is its smtp-sink.  PostfixPeer runs a
private Postfix (its own main.cf, master.cf, queue and maildirs in the
sandbox, smtpd on port 25 of one lab address, virtual(8) delivery to
Maildirs, no chroot) inside the lab's name service, so it finds Sendwell
through the lab's MX records.  Used by test_interop_*.py and
bench/outbound.
"""
import glob
import os
import pwd
import grp
import shutil
import subprocess
import tempfile
import time

from peers import maildir_messages, stop_process, wait_messages

CACHE = os.environ.get("SW_POSTFIX_CACHE",
                       os.path.join(os.environ.get("XDG_CACHE_HOME",
                                                   os.path.expanduser("~/.cache")),
                                    "sendwell-postfix"))


class Unavailable(Exception):
    pass


def postfix_root():
    root = os.path.join(CACHE, "root")
    if os.path.exists(os.path.join(root, "usr/lib/postfix/sbin/master")):
        return root
    if os.geteuid() != 0:
        raise Unavailable("unpacking postfix needs root")
    os.makedirs(CACHE, exist_ok=True)
    dl = tempfile.mkdtemp(dir=CACHE)
    try:
        r = subprocess.run(["apt-get", "download", "postfix"], cwd=dl, capture_output=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
            r = subprocess.run(["apt-get", "download", "postfix"], cwd=dl, capture_output=True)
        debs = glob.glob(os.path.join(dl, "postfix_*.deb"))
        if r.returncode != 0 or not debs:
            raise Unavailable("cannot download the postfix package: " + r.stderr.decode()[-300:])
        tmp = root + ".new"
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["dpkg", "-x", debs[0], tmp], check=True)
        shutil.rmtree(root, ignore_errors=True)
        os.rename(tmp, root)
    finally:
        shutil.rmtree(dl, ignore_errors=True)
    return root


def postfix_env(root):
    return dict(os.environ, LD_LIBRARY_PATH=os.path.join(root, "usr/lib/postfix"))


def smtp_sink():
    root = postfix_root()
    return os.path.join(root, "usr/sbin/smtp-sink"), postfix_env(root)


def ensure_accounts():
    """Postfix wants its own user and a setgid group, as its package makes."""
    try:
        grp.getgrnam("postdrop")
    except KeyError:
        subprocess.run(["groupadd", "--system", "postdrop"], check=True)
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                        "/nonexistent", "--shell", "/usr/sbin/nologin", "postfix"], check=True)


MASTER_CF = """\
{listen} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class PostfixPeer:
    def __init__(self, lab, ip, domain, users=("alice",), tls_cert=None, tls_key=None):
        self.lab = lab
        self.ip = ip
        self.domain = domain
        self.root = postfix_root()
        ensure_accounts()
        self.dir = os.path.join(lab.dir, "postfix")
        self.etc = os.path.join(self.dir, "etc")
        self.spool = os.path.join(self.dir, "spool")
        self.vmail = os.path.join(self.dir, "vmail")
        self.logfile = os.path.join(self.dir, "maillog")
        for d in (self.etc, self.spool, self.vmail, os.path.join(self.dir, "data")):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.dir, 0o755)
        pf = pwd.getpwnam("postfix")
        mail = pwd.getpwnam("mail")
        os.chown(os.path.join(self.dir, "data"), pf.pw_uid, pf.pw_gid)
        os.chown(self.vmail, mail.pw_uid, mail.pw_gid)
        self.env = dict(postfix_env(self.root), MAIL_CONFIG=self.etc)
        with open(os.path.join(self.etc, "vmailbox"), "w") as f:
            for u in users:
                f.write(f"{u}@{domain} {domain}/{u}/\n")
        main = {
            "compatibility_level": "3.6",
            "queue_directory": self.spool,
            "data_directory": os.path.join(self.dir, "data"),
            "command_directory": os.path.join(self.root, "usr/sbin"),
            "daemon_directory": os.path.join(self.root, "usr/lib/postfix/sbin"),
            "shlib_directory": os.path.join(self.root, "usr/lib/postfix"),
            "meta_directory": self.etc,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": f"mail.{domain}",
            "mydomain": domain,
            "myorigin": domain,
            "mydestination": "",
            "inet_interfaces": "all",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "smtp_bind_address": ip,
            "maillog_file": self.logfile,
            "maillog_file_prefixes": self.dir,
            "import_environment": f"MAIL_CONFIG LD_LIBRARY_PATH={self.env['LD_LIBRARY_PATH']} TZ",
            "alias_maps": "", "alias_database": "",
            "virtual_mailbox_domains": domain,
            "virtual_mailbox_base": self.vmail,
            "virtual_mailbox_maps": f"texthash:{self.etc}/vmailbox",
            "virtual_uid_maps": f"static:{mail.pw_uid}",
            "virtual_gid_maps": f"static:{mail.pw_gid}",
            "virtual_minimum_uid": "1",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "smtp_host_lookup": "dns",
            "biff": "no",
            "queue_run_delay": "5s", "minimal_backoff_time": "5s",
            "maximal_backoff_time": "10s",
        }
        if tls_cert:
            main.update({"smtpd_tls_cert_file": tls_cert, "smtpd_tls_key_file": tls_key,
                         "smtpd_tls_security_level": "may", "smtpd_tls_loglevel": "1",
                         "smtpd_tls_received_header": "yes"})
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            for k, v in main.items():
                f.write(f"{k} = {v}\n")
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(listen=f"{ip}:25"))
        self.proc = None
        lab.procs.append(self)

    def start(self):
        master = os.path.join(self.root, "usr/lib/postfix/sbin/master")
        post = os.path.join(self.root, "usr/sbin/postfix")
        # the queue's folders and their owners, as `postfix start` makes them
        subprocess.run(self.lab.wrap([post, "-c", self.etc, "set-permissions"]),
                       env=self.env, capture_output=True)
        for d in ("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold",
                  "incoming", "private", "saved", "trace", "maildrop", "public", "pid"):
            p = os.path.join(self.spool, d)
            os.makedirs(p, exist_ok=True)
            if d == "pid":
                continue
            os.chown(p, pwd.getpwnam("postfix").pw_uid,
                     grp.getgrnam("postdrop").gr_gid if d in ("maildrop", "public") else -1)
            os.chmod(p, 0o730 if d == "maildrop" else 0o710 if d == "public" else 0o700)
        self.proc = subprocess.Popen(self.lab.wrap([master, "-c", self.etc, "-d"]),
                                     env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        from lab_net import port_open
        deadline = time.time() + 15
        while time.time() < deadline:
            if port_open(self.ip, 25):
                return self
            if self.proc.poll() is not None:
                raise AssertionError("postfix master exited: " + self.proc.stdout.read().decode()
                                     + self.log())
            time.sleep(0.1)
        raise AssertionError("postfix does not listen: " + self.log())

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def log(self):
        try:
            with open(self.logfile) as f:
                return f.read()
        except OSError:
            return ""

    def flush(self):
        subprocess.run(self.lab.wrap([os.path.join(self.root, "usr/sbin/postqueue"),
                                      "-c", self.etc, "-f"]), env=self.env, capture_output=True)

    def messages(self, user):
        """Delivered messages of user, oldest first."""
        return maildir_messages(os.path.join(self.vmail, self.domain, user))

    def wait_messages(self, user, n, timeout=20):
        """Wait (bounded) until user has n messages; return them."""
        return wait_messages(lambda: self.messages(user), n, timeout)

