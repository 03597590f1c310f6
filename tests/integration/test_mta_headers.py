"""Headers as sendmail writes them: Received, Message-Id, Date, From (when
missing) and Return-Path for the local mailer and the SMTP mailers, and
the sender rewriting of the mailers' S= rulesets (genericstable,
MASQUERADE_AS with masquerade_envelope).  Each case runs the same .mc
through Sendwell (our cf library) and through the real sendmail 8.17 (its
own cf library, shared/tools/ref-sendmail), both in a UTS namespace named
mail.hamap.local, both delivering locally with mail.local and relaying to
one SMTP sink, and compares what arrives, queue IDs and times aside.  The
real sendmail's half is skipped, loudly, where it cannot be had."""
import os
import re
import socket
import subprocess
import threading
import time

import pytest

from mta_env import SENDMAIL, MAIL_LOCAL, MAKEMAP
from swpaths import SRCDIR, free_port
import lab_refsendmail

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root", allow_module_level=True)

HOST = "mail.hamap.local"


class Sink:
    """An SMTP server that keeps each transaction: envelope and data."""

    def __init__(self):
        self.port = free_port()
        self.got = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(5)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            f = c.makefile("rb")
            c.sendall(b"220 sink ESMTP\r\n")
            env = []
            while True:
                line = f.readline()
                if not line:
                    break
                u = line.upper()
                if u.startswith(b"EHLO"):
                    c.sendall(b"250-sink\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
                elif u.startswith(b"DATA"):
                    c.sendall(b"354 go\r\n")
                    data = []
                    while True:
                        line = f.readline()
                        if line in (b".\r\n", b""):
                            break
                        data.append(line)
                    self.got.append((b"".join(env).decode(), b"".join(data).decode()))
                    env = []
                    c.sendall(b"250 ok\r\n")
                elif u.startswith(b"QUIT"):
                    c.sendall(b"221 bye\r\n")
                    break
                else:
                    if u.startswith((b"MAIL", b"RCPT")):
                        env.append(line)
                    c.sendall(b"250 ok\r\n")
            c.close()

    def close(self):
        self.sock.close()


class Mta:
    """One MTA (ours or the real one) from a shared list of .mc lines."""

    def __init__(self, base, name, cfdir, binary, sink, mc_lines, maps):
        self.dir = os.path.join(base, name)
        self.bin = binary
        self.q = os.path.join(self.dir, "q")
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.q, mode=0o700)
        os.makedirs(self.mail)
        os.chmod(self.dir, 0o755)
        os.chmod(self.mail, 0o1777)
        with open(os.path.join(self.dir, "aliases"), "w") as f:
            f.write("postmaster: root\n")
        extra = []
        for mname, text in maps.items():
            path = os.path.join(self.dir, mname)
            with open(path, "w") as f:
                f.write(text)
            subprocess.run([MAKEMAP, "hash", path], input=text, text=True, check=True)
            extra.append(f"FEATURE(`{mname}', `hash -o {path}')dnl")
        lines = [
            f"include(`{cfdir}/m4/cf.m4')dnl",
            "OSTYPE(`linux')dnl",
            f"define(`confDOMAIN_NAME', `{HOST}')dnl",
            f"define(`QUEUE_DIR', `{self.q}')dnl",
            f"define(`ALIAS_FILE', `{self.dir}/aliases')dnl",
            "define(`confDONT_PROBE_INTERFACES', `true')dnl",
            "define(`SMART_HOST', `[127.0.0.1]')dnl",
            f"define(`RELAY_MAILER_ARGS', `TCP $h {sink.port}')dnl",
            f"define(`ESMTP_MAILER_ARGS', `TCP $h {sink.port}')dnl",
            f"FEATURE(`local_lmtp', `{MAIL_LOCAL}', `mail.local -l -M maildir:{self.mail}/%u')dnl",
        ] + extra + list(mc_lines) + ["MAILER(`local')dnl", "MAILER(`smtp')dnl"]
        with open(os.path.join(self.dir, "s.mc"), "w") as f:
            f.write("\n".join(lines) + "\n")
        self.cf = os.path.join(self.dir, "s.cf")
        with open(self.cf, "w") as f:
            f.write(subprocess.run(["m4", os.path.join(self.dir, "s.mc")], capture_output=True,
                                   text=True, check=True).stdout)
        self.run("-bi")

    def run(self, *args, input=None):
        return subprocess.run(["unshare", "-u", "sh", "-c", f'hostname {HOST} && exec "$@"',
                               "sh", self.bin, "-C", self.cf, *args], input=input,
                              capture_output=True, text=True)

    def mailbox(self, user):
        d = os.path.join(self.mail, user, "new")
        files = sorted((os.path.join(d, f) for f in os.listdir(d)), key=os.path.getmtime) \
            if os.path.isdir(d) else []
        return [open(p).read() for p in files]


def normalize(text):
    """Queue IDs, dates and times made equal."""
    text = re.sub(r"\b[0-9A-Za-x]{8}\d{6}\b", "QID", text)
    text = re.sub(r"\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [-+A-Z0-9]+( \(\w+\))?", "DATE", text)
    text = re.sub(r"<\d{12}\.QID@", "<STAMP.QID@", text)
    return text


def headers(msg):
    return normalize(msg.split("\n\n", 1)[0].replace("\r\n", "\n"))


@pytest.fixture
def pair(sandbox):
    """make(mc_lines, maps) -> (ours, real, sink); real is None when the
    reference is not available."""
    sinks = []

    def make(mc_lines=(), maps=None):
        sink = Sink()
        sinks.append(sink)
        ours = Mta(sandbox, f"ours{len(sinks)}", os.path.join(SRCDIR, "cf"), SENDMAIL, sink,
                   mc_lines, maps or {})
        try:
            ref = lab_refsendmail.ref_paths()
            real = Mta(sandbox, f"real{len(sinks)}", ref["REF_CF_DIR"], ref["REF_SENDMAIL"], sink,
                       mc_lines, maps or {})
        except lab_refsendmail.Unavailable as e:
            print(f"REFERENCE SENDMAIL UNAVAILABLE, comparison skipped: {e}")
            real = None
        return ours, real, sink
    yield make
    for s in sinks:
        s.close()


def wait_sink(sink, n, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline and len(sink.got) < n:
        time.sleep(0.05)
    return sink.got


def test_local_submission_headers_match_sendmail(pair):
    ours, real, _ = pair()
    for m in (ours, real):
        if m is None:
            continue
        r = m.run("-odi", "-f", "root", "root", input="Subject: test one\n\nbody one\n")
        assert r.returncode == 0, r.stderr
    got = headers(ours.mailbox("root")[0])
    assert got.startswith("Return-Path: <root@mail.hamap.local>\nReceived: (from root@localhost)")
    assert "Message-Id: <STAMP.QID@mail.hamap.local>" in got
    if real is None:
        pytest.skip("REFERENCE SENDMAIL UNAVAILABLE: only our side was checked")
    assert got == headers(real.mailbox("root")[0])


def test_t_submission_to_a_remote_address_matches_sendmail(pair):
    ours, real, sink = pair()
    n = 0
    outs = []
    for m in (ours, real):
        if m is None:
            continue
        r = m.run("-odi", "-t", input="Subject: test two\nTo: someone@remote.example\n\nbody\n")
        assert r.returncode == 0, r.stderr
        n += 1
        env, data = wait_sink(sink, n)[-1]
        outs.append((normalize(env), headers(data)))
    assert "MAIL From:<root@mail.hamap.local>" in outs[0][0]
    assert "From: root <root@mail.hamap.local>" in outs[0][1]
    if real is None:
        pytest.skip("REFERENCE SENDMAIL UNAVAILABLE: only our side was checked")
    assert outs[0][1] == outs[1][1]
    assert outs[0][0].split("\n")[0] == outs[1][0].split("\n")[0]


def test_smtp_received_and_null_sender_headers_match_sendmail(pair):
    ours, real, _ = pair()
    script = ("EHLO client.example\r\nMAIL FROM:<>\r\nRCPT TO:<root>\r\nDATA\r\n"
              "Subject: null sender\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    res = []
    for m in (ours, real):
        if m is None:
            continue
        p = subprocess.Popen(["unshare", "-u", "sh", "-c", f'hostname {HOST} && exec "$@"', "sh",
                              m.bin, "-C", m.cf, "-bs", "-odi"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        # one command at a time, as a client waiting for each reply would
        out = [p.stdout.readline()]
        for line in script.split("\r\n")[:-1]:
            p.stdin.write(line + "\r\n")
            p.stdin.flush()
            if line.startswith(("EHLO", "MAIL", "RCPT", "DATA", "QUIT")) or line == ".":
                while True:
                    r = p.stdout.readline()
                    out.append(r)
                    if len(r) < 4 or r[3] != "-":
                        break
        p.wait(timeout=20)
        deadline = time.time() + 10
        while not m.mailbox("root") and time.time() < deadline:
            time.sleep(0.05)
        res.append(headers(m.mailbox("root")[0]))
    assert res[0].startswith("Return-Path: <>\n")
    assert "\nFrom:" not in res[0]
    if real is None:
        pytest.skip("REFERENCE SENDMAIL UNAVAILABLE: only our side was checked")
    # known difference: under -bs the real sendmail adds an empty "From: "
    # for the null sender (its daemon does not); we add none either way
    assert res[0] == res[1].replace("\nFrom: \n", "\n")


GENERICS = ["GENERICS_DOMAIN(`mail.hamap.local')dnl"]


def test_genericstable_rewrites_the_sender_as_sendmail_does(pair):
    ours, real, sink = pair(GENERICS, {"genericstable": "root\tThe.Admin@example.com\n"})
    outs = []
    for m in (ours, real):
        if m is None:
            continue
        r = m.run("-odi", "-t", input="Subject: generic\nTo: someone@remote.example\n\nbody\n")
        assert r.returncode == 0, r.stderr
        env, data = wait_sink(sink, len(outs) + 1)[-1]
        outs.append((normalize(env), headers(data)))
    assert "From: root <The.Admin@example.com>" in outs[0][1]
    if real is None:
        pytest.skip("REFERENCE SENDMAIL UNAVAILABLE: only our side was checked")
    assert outs[0] == outs[1] or (outs[0][1] == outs[1][1] and
                                  outs[0][0].split("\n")[0] == outs[1][0].split("\n")[0])


MASQ = ["MASQUERADE_AS(`example.com')dnl", "FEATURE(`masquerade_envelope')dnl"]


def test_masquerade_as_with_masquerade_envelope_matches_sendmail(pair):
    ours, real, sink = pair(MASQ)
    outs = []
    for m in (ours, real):
        if m is None:
            continue
        r = m.run("-odi", "-t", input="Subject: masq\nTo: someone@remote.example\n\nbody\n")
        assert r.returncode == 0, r.stderr
        env, data = wait_sink(sink, len(outs) + 1)[-1]
        outs.append((normalize(env), headers(data)))
    assert "MAIL From:<root@example.com>" in outs[0][0]
    assert "From: root <root@example.com>" in outs[0][1]
    if real is None:
        pytest.skip("REFERENCE SENDMAIL UNAVAILABLE: only our side was checked")
    assert outs[0][1] == outs[1][1]
    assert outs[0][0].split("\n")[0] == outs[1][0].split("\n")[0]
