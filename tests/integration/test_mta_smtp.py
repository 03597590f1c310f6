"""The MTA carries mail: SMTP sessions as the lab guides type them, policy
from the config (relaying, access map, LOCAL_RULESETS), local submission,
the queue, and hostile input that must not split or lose messages."""
import os
import smtplib
import socket
import subprocess
import time

import pytest

from mta_env import MtaEnv

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root (the daemon binds and drops privileges)",
                allow_module_level=True)


@pytest.fixture
def mta(sandbox):
    env = MtaEnv(sandbox, aliases="postmaster: root\nadmin: root, daemon\n")
    env.start()
    yield env
    env.stop()


def talk(port, lines, source=None):
    """A telnet-like session: send each line, collect every reply."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                 source_address=(source, 0) if source else None)
    f = s.makefile("rb")

    def reply():
        out = []
        while True:
            line = f.readline().decode()
            out.append(line.rstrip("\r\n"))
            if len(line) < 4 or line[3] != "-":
                return "\n".join(out)

    replies = [reply()]
    for line in lines:
        s.sendall(line.encode() + b"\r\n")
        if line == "." or not replies[-1].startswith("354"):
            replies.append(reply())
    s.close()
    return replies


def test_lab_telnet_transcript_is_accepted_and_delivered(mta):
    r = talk(mta.port, ["helo client.example", "mail from: roror@mail.hamap.local",
                        "rcpt to: root@mail.hamap.local", "data",
                        "Subject: Rocky Test Mail", "", "This is a Test Email", ".",
                        "quit"])
    assert r[0].startswith("220 mail.hamap.local ESMTP")
    assert r[1].startswith("250 mail.hamap.local Hello")
    assert r[2] == "250 2.1.0 roror@mail.hamap.local... Sender ok" or r[2].startswith("250 2.1.0")
    assert r[3].startswith("250 2.1.5")
    assert r[4].startswith("354")
    assert r[5].startswith("250 2.0.0 ") and r[5].endswith("Message accepted for delivery")
    assert r[6].startswith("221 2.0.0")
    msgs = mta.wait_messages("root", 1)
    assert len(msgs) == 1
    assert "This is a Test Email" in msgs[0]
    assert "Received: from client.example" in msgs[0]
    assert "stat=Sent" in mta.log()


def test_smtplib_to_alias_reaches_every_member_once(mta):
    with smtplib.SMTP("127.0.0.1", mta.port) as c:
        c.sendmail("a@mail.hamap.local", ["admin", "root"], "Subject: x\r\n\r\nbody\r\n")
    assert len(mta.wait_messages("root", 1)) == 1
    assert len(mta.wait_messages("daemon", 1)) == 1
    time.sleep(0.5)
    assert len(mta.messages("root")) == 1


def test_relaying_is_denied_for_an_outside_client(mta):
    r = talk(mta.port, ["EHLO outside.example", "MAIL FROM:<x@mail.hamap.local>",
                        "RCPT TO:<victim@elsewhere.example>", "QUIT"], source="127.0.0.2")
    # sendmail 8.17 adds the reason when the client's name is not known
    # (tests/compat session 055 compares the whole dialogue)
    assert r[3] == ("550 5.7.1 <victim@elsewhere.example>... Relaying denied. "
                    "IP name lookup failed [127.0.0.2]")


def test_unknown_local_user_gets_550(mta):
    r = talk(mta.port, ["EHLO c", "MAIL FROM:<a@mail.hamap.local>",
                        "RCPT TO:<nosuchuser@mail.hamap.local>", "QUIT"])
    assert r[3] == "550 5.1.1 <nosuchuser@mail.hamap.local>... User unknown"


def test_access_map_reject_discard_and_relay(sandbox):
    access = ("Connect:127.0.0.3\tREJECT\n"
              "From:spammer@bad.example\tREJECT\n"
              "From:quiet@bad.example\tDISCARD\n"
              "Connect:127.0.0.4\tRELAY\n")
    env = MtaEnv(sandbox, maps={"access": access})
    env.start()
    try:
        r = talk(env.port, ["EHLO c", "MAIL FROM:<spammer@bad.example>", "QUIT"])
        assert r[2].startswith("550 5.7.1 <spammer@bad.example>...")
        r = talk(env.port, ["EHLO c", "MAIL FROM:<x@mail.hamap.local>", "QUIT"], source="127.0.0.3")
        assert r[0].startswith("550") or r[1].startswith("550") or r[2].startswith("550")
        r = talk(env.port, ["EHLO c", "MAIL FROM:<x@mail.hamap.local>", "RCPT TO:<u@far.example>",
                            "QUIT"], source="127.0.0.4")
        assert r[3].startswith("250 2.1.5"), r
        r = talk(env.port, ["EHLO c", "MAIL FROM:<quiet@bad.example>", "RCPT TO:<root>",
                            "DATA", "Subject: d", "", "x", ".", "QUIT"])
        assert r[5].startswith("250 2.0.0")
        time.sleep(1)
        assert env.messages("root") == []
    finally:
        env.stop()


def test_local_rulesets_check_mail_rule_takes_effect(sandbox):
    rules = ["LOCAL_RULESETS",
             "SLocal_check_mail",
             "R$* < blocked @ $* > $*\t$#error $@ 5.7.1 $: \"550 Blocked by local rule\""]
    env = MtaEnv(sandbox, mc_lines=rules)
    env.start()
    try:
        r = talk(env.port, ["EHLO c", "MAIL FROM:<blocked@anywhere.example>",
                            "MAIL FROM:<fine@mail.hamap.local>", "QUIT"])
        assert r[2] == "550 5.7.1 <blocked@anywhere.example>... Blocked by local rule"
        assert r[3].startswith("250 2.1.0")
    finally:
        env.stop()


def test_max_message_size_gives_552(sandbox):
    env = MtaEnv(sandbox, max_message_size=2000)
    env.start()
    try:
        r = talk(env.port, ["EHLO c", "MAIL FROM:<a@mail.hamap.local> SIZE=5000", "QUIT"])
        assert r[2].startswith("552 5.2.3")
        body = ["x" * 70] * 100
        r = talk(env.port, ["EHLO c", "MAIL FROM:<a@mail.hamap.local>", "RCPT TO:<root>",
                            "DATA", "Subject: big", "", *body, ".", "QUIT"])
        assert r[5].startswith("552")
    finally:
        env.stop()


def test_smuggling_never_splits_a_message(mta):
    s = socket.create_connection(("127.0.0.1", mta.port), timeout=10)
    f = s.makefile("rb")
    f.readline()
    s.sendall(b"EHLO c\r\n")
    while not f.readline().startswith(b"250 "):
        pass
    s.sendall(b"MAIL FROM:<a@mail.hamap.local>\r\nRCPT TO:<root>\r\nDATA\r\n")
    replies = [f.readline() for _ in range(3)]
    assert replies[2].startswith(b"354")
    # every smuggling variant, then the real end
    s.sendall(b"Subject: one\r\n\r\nline\n.\nMAIL FROM:<evil@x>\r\n"
              b"x\r.\r\nRCPT TO:<daemon>\r\n\r\n.\n\r\n.\r\n")
    final = f.readline()
    s.sendall(b"QUIT\r\n")
    s.close()
    assert not final.startswith(b"250 2.0.0"), final
    time.sleep(1)
    assert mta.messages("daemon") == []
    assert mta.messages("root") == []


def test_overlong_command_and_nul_get_errors_and_daemon_goes_on(mta):
    """As sendmail 8.17 (tests/compat session 049/050): a NUL ends the
    command word, a 100,000-character line ends the session with 421, and
    the daemon serves the next client."""
    s = socket.create_connection(("127.0.0.1", mta.port), timeout=10)
    f = s.makefile("rb")
    f.readline()
    s.sendall(b"NO\x00OP\r\n")
    assert f.readline().startswith(b'500 5.5.1 Command unrecognized: "NO"')
    s.sendall(b"NOOP\r\n")
    assert f.readline().startswith(b"250")
    s.sendall(b"NOOP " + b"x" * 100000 + b"\r\n")
    assert f.readline().startswith(b"421 4.7.0 mail.hamap.local Command too long")
    assert f.readline() == b""
    s.close()
    assert "SMTP violation, input too long" in mta.log()
    r = talk(mta.port, ["NOOP", "QUIT"])
    assert r[1].startswith("250")


def test_many_recipients_are_answered(mta):
    with smtplib.SMTP("127.0.0.1", mta.port) as c:
        c.ehlo()
        c.mail("a@mail.hamap.local")
        codes = {c.rcpt(f"user{i}@mail.hamap.local")[0] for i in range(2000)}
        assert codes <= {550, 452}


def test_local_submission_with_t_and_mailq(sandbox):
    env = MtaEnv(sandbox)
    msg = "To: root\nSubject: from -t\n\nhello\n"
    r = env.sendmail("-t", "-odq", "-f", "me@mail.hamap.local", input=msg)
    assert r.returncode == 0, r.stderr
    q = env.sendmail("-bp").stdout
    assert "me@mail.hamap.local" in q and "Total requests: 1" in q
    env.sendmail("-q")
    assert len(env.wait_messages("root", 1)) == 1
    assert "is empty" in env.sendmail("-bp").stdout


def test_unknown_recipient_on_command_line_bounces_to_sender(sandbox):
    env = MtaEnv(sandbox)
    r = env.sendmail("-odi", "-f", "root", "nosuchuser", input="Subject: x\n\nbody\n")
    assert r.returncode == 67
    assert "nosuchuser... User unknown" in r.stderr
    bounces = env.wait_messages("root", 1)
    assert bounces and "Returned mail: see transcript for details" in bounces[0]
    assert "Action: failed" in bounces[0] and "Status: 5.1.1" in bounces[0]


def test_duplicate_mail_parameters_are_answered_as_sendmail_does(mta):
    # fuzz_smtpd's finds (tests/fuzz/regress/smtpd-dup-*, a leaked first
    # value): sendmail 8.17 refuses a second ENVID or RET, takes the last BODY
    r = talk(mta.port, ["EHLO c", "MAIL FROM:<a@mail.hamap.local> ENVID=a ENVID=b", "RSET",
                        "MAIL FROM:<a@mail.hamap.local> RET=HDRS RET=FULL", "RSET",
                        "MAIL FROM:<a@mail.hamap.local> BODY=8BITMIME BODY=7BIT", "QUIT"])
    assert r[2] == "501 5.5.0 Duplicate ENVID parameter"
    assert r[4] == "501 5.5.0 Duplicate RET parameter"
    assert r[6].startswith("250 2.1.0")


def test_smtp_connections_receipts_and_rejections_are_counted(sandbox):
    stats = os.path.join(sandbox, "statistics")
    env = MtaEnv(sandbox, mc_lines=[f"define(`STATUS_FILE', `{stats}')dnl"],
                 extra_features=["FEATURE(`accept_unresolvable_domains')dnl"])
    open(stats, "wb").close()
    # SMTP sessions run as RunAsUser ("mail"): the file must be theirs to
    # write, as with sendmail's RunAsUser
    import grp
    os.chown(stats, 0, grp.getgrnam("mail").gr_gid)
    os.chmod(stats, 0o660)
    env.start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            c.sendmail("someone@example.org", ["root"], "Subject: s\r\n\r\nx\r\n")
        talk(env.port, ["EHLO outside.example", "MAIL FROM:<x@example.org>",
                        "RCPT TO:<victim@elsewhere.example>", "QUIT"], source="127.0.0.2")
        time.sleep(1)
    finally:
        env.stop()
    from mta_env import SENDMAIL
    mailstats = os.path.join(os.path.dirname(os.path.dirname(SENDMAIL)), "mailstats", "mailstats")
    out = subprocess.run([mailstats, "-C", env.cf, "-f", stats], capture_output=True,
                         text=True).stdout
    rows = {l.split()[-1]: l.split() for l in out.splitlines() if l[:2].strip().isdigit()}
    assert "esmtp" in rows, out
    assert rows["esmtp"][1] == "1" and rows["esmtp"][5] == "1"   # received, rejected
    c_row = out.splitlines()[-1].split()
    # (start() itself connects once to see the daemon is up)
    assert c_row[0] == "C" and int(c_row[1]) >= 2 and c_row[3] == "1"
