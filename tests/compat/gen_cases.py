#!/usr/bin/env python3
"""gen_cases: write the -bt input files under cases/ from the address shapes
and the entries of maps/ (run it after changing either; the output is
checked in so a failing line can be found by its file and line number).

    addr.txt        rulesets 3,0 3,1,4 3,2,4 3,4 and the mailers' S=/R= rulesets
    parse.txt       /parse, /tryflags + /try for several mailers
    checks.txt      check_relay, check_mail, check_rcpt under several client
                    set-ups (.D{client_addr} .D{client_name} .D{auth_type} ...)
    misc.txt        =M, =S, $ macros, $= classes, /map lookups
    msp.txt         what matters for a submission config
    nullclient.txt  what matters for a null client
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

LOCAL = ["root", "a", "b", "postmaster", "MAILER-DAEMON", "catchall", "nobody",
         "user+detail", "a+list", "\"quoted local\"", "list+foo", "carol", "Root",
         "sink", "operator", "abuse"]

QUALIFIED_LOCAL = [
    "a@hamap.local", "a@mail.hamap.local", "a@HAMAP.LOCAL", "a@localhost",
    "a@localhost.localdomain", "a@[127.0.0.1]", "a@mail", "a@mail.hamap.local.",
    "user+det@hamap.local", "test@bann.com", "info@bann.com", "someone@bann.com",
    "sales@hamap.local", "old@hamap.local", "help@roror.co.kr", "x@roror.co.kr",
    "jobs@virtual.example", "zz@virtual.example", "b@gw.roror.co.kr",
    "carol@hamap.local", "list+a@hamap.local", "team@hamap.local",
    "gone@hamap.local", "nobody@hamap.local", "root@mail.bann.com",
    "postmaster@hamap.local", "a@mx1.hamap.local", "a@rocky9-3",
    "friend@hamap.local", "hater@hamap.local", "tmp@hamap.local",
    "root@localhost", "user@lmtp.example",
]

REMOTE = [
    "user@example.com", "user@rocky.co.kr", "u@host.dept.roror.co.kr",
    "x@local.example", "y@bad.example", "p@partner.example",
    "p@gw.partner.example", "z@lmtp.example", "d@dsmtp.example",
    "u@uucp.example", "user@[10.0.0.13]", "user@[192.0.2.5]",
    "user@[IPv6:2001:db8::1]", "user@old.example", "u@x.hamap.lan",
    "u@spam.example.net", "someone@relay.example.com", "a@sub.partner.example",
    "u@friends.example", "u@closed.example", "u@open.example", "sink@elsewhere.example",
    "u@10.9.8.7", "b@bann.com.example", "Mixed.Case@Example.COM",
    "user@sink.hamap.local", "long.name.with.dots@deep.sub.domain.example.org",
    "u@gw.relay.example", "u@hub.hamap.local",
]

ODD = [
    "host!user", "a!b!c", "host.domain!user", "mail!a", "user%remote.example@hamap.local",
    "user%example.com", "user%a%b@hamap.local", "<@relay.example:user@example.com>",
    "@a,@b:u@c.example", "<@hamap.local:a@example.com>", "user@", "@host.example",
    "list:;", "group: a@b.example, c@d.example;", "<>", "<user@example.com>",
    "Full Name <b@hamap.local>", "b@hamap.local (Full Name)", "\"Full\" <x@y.example>",
    "user@@host.example", "user@host..example", "user@.host.example",
    "user@host@other.example", "user:name@host.example", "node::user", "dnode::u@hamap.local",
    ":include:/etc/mail/list", "|/usr/bin/prog", "/var/tmp/file", "a@[IPv6:::1]",
    "u@[10.0.0.1]x", "u@[1.2.3.4]:x", "<<a@b.example>>", "a@b.example;", "@", "\\user",
    "user@host.UUCP", "uuhost!user@hamap.local", "a@b@c@d.example", "\"@\"@hamap.local",
]

ALL = LOCAL + QUALIFIED_LOCAL + REMOTE + ODD

ADDR_RULESETS = ["3,0", "3,1,4", "3,2,4", "3,4"]
MAILER_RULESETS = ["3,EnvFromSMTP,4", "3,HdrFromSMTP,4", "3,EnvToSMTP,4",
                   "3,EnvFromL,4", "3,HdrFromL,4", "3,EnvToL,4", "3,MasqRelay,4"]

SENDERS = ["<>", "<root>", "<a@hamap.local>", "<spammer@example.net>", "<friend@example.org>",
           "<ok@example.com>", "<x@blocked.example>", "<y@tempfail.example>",
           "<z@friendly.example>", "<abuser@anywhere.example>", "<news+daily@lists.example>",
           "<u@relay.example.com>", "<u@skipme.example>", "<u@[192.0.2.1]>", "<user>",
           "<a@nonexistent.invalid>", "<u@bad.sender.example>", "<postmaster@hamap.local>",
           "<u@localhost>", "<a@bann.com>", "<u@[127.0.0.1]>", "<u@sub.example.org>",
           "<@relay.example:u@example.com>", "<u@x.hamap.lan>"]

RCPTS = ["<x@example.com>", "<a@hamap.local>", "<nobody@hamap.local>", "<u@rocky.co.kr>",
         "<test@bann.com>", "<gone@hamap.local>", "<tmp@hamap.local>", "<p@partner.example>",
         "<p@sub.partner.example>", "<u@closed.example>", "<sink@elsewhere.example>",
         "<list+x@hamap.local>", "<postmaster@hamap.local>", "<friend@hamap.local>",
         "<hater@hamap.local>", "<root>", "<>", "<u@friends.example>", "<u@open.example>",
         "<someone@relay.example.com>", "<u%example.com@hamap.local>", "<a@[127.0.0.1]>",
         "<u@10.9.8.7>", "<host!user>", "<sales@hamap.local>", "<old@hamap.local>",
         "<u@gw.relay.example>", "<user@[192.0.2.5]>"]

CLIENTS = [
    # (label, client_addr, client_name, extra macro lines)
    ("local submission", "", "", []),
    ("localhost", "127.0.0.1", "localhost", []),
    ("internal network", "10.0.0.5", "pc5.hamap.local", []),
    ("unknown outside host", "192.0.2.7", "outside.example", []),
    ("relay by IP in access", "192.168.100.3", "ws3.lan.example", []),
    ("blocked network", "211.0.0.9", "host9.bad.example", []),
    ("blocked by name", "203.0.113.5", "spam.example.net", []),
    ("error by address", "192.0.2.66", "e66.example", []),
    ("tempfail network", "198.51.100.20", "t20.example", []),
    ("unresolved client", "192.0.2.99", "[192.0.2.99]", ["{client_resolve}FAIL"]),
    ("forged client", "192.0.2.98", "forged.example", ["{client_resolve}FORGED"]),
    ("authenticated outsider", "192.0.2.50", "roaming.example", ["{auth_type}PLAIN", "{auth_authen}a"]),
    ("relay-domains network", "10.9.8.1", "gw.relay.example", []),
    ("quarantined client", "192.0.2.77", "quarantine.example", []),
    ("trusted name", "192.0.2.88", "trusted.example.com", []),
    ("IPv6 client", "IPv6:2001:db8::5", "v6.example", []),
]


def write(name, lines):
    with open(os.path.join(HERE, "cases", name), "w") as f:
        f.write(f"# generated by gen_cases.py: {name}\n")
        for l in lines:
            f.write(l + "\n")


def addr_lines():
    out = []
    for a in ALL:
        for rs in ADDR_RULESETS:
            out.append(f"{rs} {a}")
    for a in LOCAL[:6] + QUALIFIED_LOCAL[:8] + REMOTE[:8] + ODD[:6]:
        for rs in MAILER_RULESETS:
            out.append(f"{rs} {a}")
    return out


def parse_lines():
    out = []
    for a in ALL:
        out.append(f"/parse {a}")
    for flags in ("HS", "ES", "HR", "ER"):
        out.append(f"/tryflags {flags}")
        for mailer in ("esmtp", "smtp", "relay", "local"):
            for a in ("a", "a@hamap.local", "user@example.com", "Full Name <b@bann.com>",
                      "host!user", "user%x.example@hamap.local", "<>"):
                out.append(f"/try {mailer} {a}")
    return out


def client_setup(addr, name, extra):
    out = [f".D{{client_addr}}{addr}", f".D{{client_name}}{name}",
           ".D{client_resolve}OK" if addr else ".D{client_resolve}",
           ".D{auth_type}", ".D{auth_authen}", ".D{daemon_flags}"]
    out += [f".D{e}" for e in extra]
    return out


def check_lines():
    out = []
    for label, addr, name, extra in CLIENTS:
        out.append(f"# client: {label}")
        out += client_setup(addr, name, extra)
        out.append(f"check_relay {name} $| {addr}")
        out.append(f"Basic_check_relay {name} $| {addr}")
        for s in SENDERS:
            out.append(f"check_mail {s}")
        out.append(".Df<ok@example.com>")
        for r in RCPTS:
            out.append(f"check_rcpt {r}")
        out.append(".Df<friend@example.org>")
        for r in RCPTS[:6]:
            out.append(f"check_rcpt {r}")
    out.append("# daemon flags: the MSA (M=Ea) and the u/f flags")
    out += client_setup("192.0.2.7", "outside.example", [])
    for flags in ("u", "f", "CC", "Ea"):
        out.append(f".D{{daemon_flags}}{flags}")
        for s in ("<user>", "<u@localhost>", "<a@hamap.local>", "<x@example.com>"):
            out.append(f"check_mail {s}")
        for r in ("<user>", "<x@example.com>", "<a@hamap.local>"):
            out.append(f"check_rcpt {r}")
        out.append(f"3,0 user@example")
    out.append(".D{daemon_flags}")
    out.append("# other policy rulesets")
    for name in ("localhost", "outside.example", "slow.example", "pc5.hamap.local"):
        for addr in ("127.0.0.1", "192.0.2.7", "10.0.0.5"):
            out.append(f"greet_pause {name} $| {addr}")
    out += client_setup("192.0.2.50", "roaming.example", ["{auth_type}PLAIN", "{auth_authen}a"])
    for a in ("a", "b", "a@hamap.local"):
        out.append(f".D{{auth_author}}{a}")
        out.append(f"trust_auth {a}")
    out += [".D{auth_type}", ".D{auth_authen}", ".D{auth_author}"]
    out.append("trust_auth x")
    for a in ("127.0.0.1", "192.0.2.7", "10.0.0.5"):
        out.append(f".D{{client_addr}}{a}")
        out += ["RateControl x", "ConnControl x", "srv_features x", "clt_features x"]
    out += [".D{client_rate}30", "RateControl x", ".D{client_connections}50", "ConnControl x"]
    for sn, sa in (("smart.example.com", "10.1.1.1"), ("broken.example", "10.2.2.2"),
                   ("secure.example", "10.3.3.3"), ("other.example", "10.0.0.13")):
        out += [f".D{{server_name}}{sn}", f".D{{server_addr}}{sa}", "authinfo x", "try_tls x",
                "tls_server SOFTWARE", "tls_server OK", "tls_server NONE"]
    for v in ("OK", "NONE", "FAIL", "SOFTWARE", "TEMP"):
        out += [f".D{{verify}}{v}", f"tls_client {v} $| MAIL", f"tls_rcpt <u@secure.example>",
                f"tls_rcpt <u@example.com>", f"RelayTLS x"]
    out += [".D{verify}", ".D{client_addr}", ".D{client_name}"]
    out += ["check_compat <a@hamap.local> $| <b@example.com>",
            "check_eoh 3 $| 100", "check_data x", "check_vrfy a", "check_expn a",
            "check_etrn hamap.local", "Local_check_mail <u@bad.sender.example>"]
    for rcpt in RCPTS[:12]:
        out.append(f"ParseRecipient {rcpt}")
    for h in ("localhost", "mail.hamap.local", "[10.0.0.5]", "bogus", "sub.partner.example"):
        out.append(f"check_helo {h}")
    return out


def misc_lines():
    out = ["=M"]
    for m in "jwmkZvnoqlSHMRYCEDe":
        out.append(f"${m}")
    for m in ("{daemon_flags}", "{client_addr}", "{TLS_Name}", "{SwTest}", "{MTAHost}",
              "{MailerToTriple}", "{Accept}", "{ResOk}"):
        out.append(f"${m}")
    for c in "wRMNGEDPOLtVXUmKc":
        out.append(f"$={c}")
    for c in ("{Accept}", "{ResOk}", "{Tls}", "{TlsVerified}", "{Src}", "{TrustAuthMech}",
              "{VirtHost}", "{persistentMacros}", "{SwLocal}", "{LocalProgInterp}",
              "{BlockedHelo}"):
        out.append(f"$={c}")
    for key in ("Connect:10.0.0", "Connect:127.0.0.1", "From:spammer@example.net",
                "To:rocky.co.kr", "Spam:postmaster@", "nosuchkey", "GreetPause:localhost",
                "bann.com", "ClientRate:"):
        out.append(f"/map access {key}")
    for key in ("test@bann.com", "@bann.com", "nobody@nowhere", "old@hamap.local"):
        out.append(f"/map virtuser {key}")
    for key in ("rocky.co.kr", ".dept.roror.co.kr", "bad.example", "none.example"):
        out.append(f"/map mailertable {key}")
    for key in ("a", "b@gw.roror.co.kr", "root", "zz"):
        out.append(f"/map generics {key}")
    for key in ("old.example", "unknown.example"):
        out.append(f"/map domaintable {key}")
    out += ["/map dequote \"abc\"", "/map dequote a\"b", "/map macro x", "/map arith + 1 2",
            "/map nosuchmap x", "/map authinfo AuthInfo:smart.example.com"]
    for rs in ("canonify", "Canonify2", "final", "parse", "Parse0", "Parse1", "ParseLocal",
               "MailerToTriple", "check_rcpt", "Basic_check_rcpt", "check_mail", "check_relay",
               "Rcpt_ok", "Relay_ok", "SearchList", "EnvFromSMTP", "MasqHdr", "MasqEnv", "3", "0",
               "1", "2", "4", "5", "98", "LocalRule0"):
        out.append(f"=S {rs}")
    out += ["/canon mail", "/canon localhost", "/mx hamap.local"]
    for a in ("a", "b@hamap.local", "x@example.com", "root"):
        out.append(f"localaddr {a}")
        out.append(f"5 {a}")
    return out


def msp_lines():
    out = []
    for a in LOCAL + QUALIFIED_LOCAL[:12] + REMOTE[:12] + ODD[:12]:
        out.append(f"3,0 {a}")
        out.append(f"/parse {a}")
    for flags in ("HS", "ES", "HR", "ER"):
        out.append(f"/tryflags {flags}")
        for a in ("a", "a@hamap.local", "user@example.com", "Full Name <b@bann.com>", "<>"):
            out.append(f"/try relay {a}")
    for s in SENDERS[:10]:
        out.append(f"check_mail {s}")
    for r in RCPTS[:10]:
        out.append(f"check_rcpt {r}")
    return out


def main():
    os.makedirs(os.path.join(HERE, "cases"), exist_ok=True)
    write("addr.txt", addr_lines())
    write("parse.txt", parse_lines())
    write("checks.txt", check_lines())
    write("misc.txt", misc_lines())
    write("msp.txt", msp_lines())
    nc = []
    for a in ALL:
        nc.append(f"3,0 {a}")
        nc.append(f"3,EnvFromSMTP,4 {a}")
    write("nullclient.txt", nc)


if __name__ == "__main__":
    main()
