"""mailboxd authentication stores and privileges: Cyrus SASL with a
sasldb2 made by saslpasswd2 (PLAIN, LOGIN and CRAM-MD5, the store
sendmail's SMTP AUTH uses), virtual users under one uid through a
static userdb, and - when the tests run as root - the real privilege
separation: the pre-login process runs as default_login_user and the
mail process as the user's uid."""
import imaplib
import os
import poplib
import socket
import subprocess
import time

import pytest

from mailboxd_env import MailboxdEnv, message


def sasl_extra(sandbox):
    db = os.path.join(sandbox, "sasldb2")
    r = subprocess.run(["saslpasswd2", "-f", db, "-p", "-c", "-a", "mailboxd", "-u", "example.org",
                        "carol"], input=b"sasl-pass", capture_output=True)
    if r.returncode != 0:
        pytest.skip("saslpasswd2 failed: " + r.stderr.decode(errors="replace"))
    home = os.path.join(sandbox, "home")
    return f"""
passdb {{
  driver = sasl
}}
userdb {{
  driver = static
  args = uid={os.getuid()} gid={os.getgid()} home={home}/%n
}}
auth_mechanisms = plain login cram-md5
auth_default_realm = example.org
sasl_app_name = mailboxd
sasl_option_pwcheck_method = auxprop
sasl_option_auxprop_plugin = sasldb
sasl_option_sasldb_path = {db}
sasl_option_mech_list = PLAIN LOGIN CRAM-MD5
"""


def test_sasldb_users_plain_login_cram_md5(sandbox):
    env = MailboxdEnv(sandbox, extra=sasl_extra(sandbox))
    with env:
        m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
        assert "AUTH=CRAM-MD5" in m.capabilities
        assert m.login_cram_md5("carol", "sasl-pass")[0] == "OK"
        m.select("INBOX")
        m.append("INBOX", None, None, message("sasl"))
        m.logout()
        m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
        assert m.login("carol", "sasl-pass")[0] == "OK"
        m.logout()
        m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
        with pytest.raises(imaplib.IMAP4.error):
            m.login_cram_md5("carol", "wrong")
        # passwd-file users still work next to the SASL store
        assert m.login("alice", "secret")[0] == "OK"
        m.logout()
        p = poplib.POP3("127.0.0.1", env.ports["pop3"])
        p.user("carol")
        assert p.pass_("sasl-pass").startswith(b"+OK")
        assert p.stat()[0] == 1
        p.quit()
        assert os.path.isdir(os.path.join(sandbox, "home", "carol", "Maildir", "cur"))


def test_many_failed_logins_slow_down_but_service_goes_on(sandbox):
    env = MailboxdEnv(sandbox, extra="auth_failure_delay = 0.05\n")
    with env:
        s = socket.create_connection(("127.0.0.1", env.ports["imap"]), timeout=10)
        f = s.makefile("rwb")
        f.readline()
        for i in range(6):
            f.write(b"a%d LOGIN alice wrong\r\n" % i)
            f.flush()
            assert b"NO [AUTHENTICATIONFAILED]" in f.readline()
        f.write(b"b AUTHENTICATE PLAIN\r\n!!!\r\n")
        f.flush()
        assert f.readline().startswith(b"+")
        assert f.readline().startswith(b"b BAD")
        f.close()
        s.close()
        m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
        assert m.login("alice", "secret")[0] == "OK"
        m.logout()
        assert env.wait_log("Disconnected (auth failed, 6 attempts)")


def proc_uid(pid):
    """pid's real uid, None once it has exited (the port probe's
    connection process may still be going away)"""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return None


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


@pytest.mark.skipif(os.geteuid() != 0, reason="privilege separation needs root")
def test_login_process_unprivileged_mail_process_is_user(sandbox):
    uid = gid = 4242
    env = MailboxdEnv(sandbox, uid=uid, gid=gid, drop_privileges=True,
                      extra="default_login_user = nobody\nfirst_valid_uid = 1000\n")
    for u in env.users:
        os.chown(env.home(u), uid, gid)
    nobody = 65534
    with env:
        pre = socket.create_connection(("127.0.0.1", env.ports["imap"]), timeout=5)
        assert pre.recv(100).startswith(b"* OK")
        uids = {proc_uid(p) for p in descendants(env.proc.pid)}
        assert nobody in uids, uids
        m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
        assert m.login("alice", "secret")[0] == "OK"
        m.select("INBOX")
        m.append("INBOX", None, None, message("privsep"))
        assert env.wait_log("mpid=")
        mpid = int(env.read_log().rsplit("mpid=", 1)[1].split(",")[0].split()[0])
        assert proc_uid(mpid) == uid
        m.logout()
        pre.close()
        st = os.stat(os.path.join(env.maildir("alice"), "cur"))
        assert st.st_uid == uid
