"""cfcompiler --explain: says in plain words, in English or Korean, what
an .mc (or a .cf) does: listeners and ports, local names, who may relay
(loopback, TRUST_AUTH_MECH, class R, access map RELAY entries, relay_*
features), the maps and whether their .db is fresh, SMTP AUTH, TLS
files, local delivery, smart host and masquerading; a submit.cf is
described as the submission program it is."""
import os

from cfcompiler_env import CF_DIR, run_cfc, write_mc


def lab_mc(sandbox, extra=""):
    acc = os.path.join(sandbox, "access")
    with open(acc, "w") as f:
        f.write("# who may relay\nConnect:192.168.10\tRELAY\nTo:partner.example\tRELAY\n"
                "From:spam@example.com\tREJECT\nlab.example\tRELAY\n")
    cert = os.path.join(sandbox, "server.crt")
    open(cert, "w").close()
    return write_mc(sandbox, "lab.mc", """OSTYPE(`linux')dnl
define(`confAUTH_OPTIONS', `A p')dnl
define(`confAUTH_MECHANISMS', `LOGIN PLAIN')dnl
TRUST_AUTH_MECH(`LOGIN PLAIN')dnl
define(`confSERVER_CERT', `%(cert)s')dnl
define(`confSERVER_KEY', `%(sandbox)s/server.key')dnl
define(`SMART_HOST', `[smtp.provider.example]')dnl
DAEMON_OPTIONS(`Port=smtp, Addr=127.0.0.1, Name=MTA')dnl
DAEMON_OPTIONS(`Port=submission, Name=MSA, M=Ea')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`access_db', `hash -o %(acc)s')dnl
FEATURE(`relay_entire_domain')dnl
RELAY_DOMAIN(`friends.example')dnl
MASQUERADE_AS(`example.com')dnl
FEATURE(`masquerade_envelope')dnl
EXPOSED_USER(`root')dnl
FEATURE(`local_procmail')dnl
%(extra)sMAILER(`local')dnl
MAILER(`smtp')dnl
""" % {"cert": cert, "sandbox": sandbox, "acc": acc, "extra": extra})


def test_explain_in_english(sandbox):
    r = run_cfc(["--explain", "--lang", "en", lab_mc(sandbox)])
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "port 25 (smtp), only on 127.0.0.1, name MTA" in out
    assert "only programs on this machine can connect" in out
    assert "port 587 (submission), on every IPv4 address, name MSA" in out
    assert "clients must log in (SMTP AUTH) before sending (M=a)" in out
    # who may relay
    assert "clients that logged in with LOGIN PLAIN (TRUST_AUTH_MECH)" in out
    assert "hosts and domains in class R: friends.example (RELAY_DOMAIN)" in out
    assert "Connect:192.168.10: clients connecting from 192.168.10" in out
    assert "To:partner.example: mail to partner.example" in out
    assert "lab.example: clients from lab.example, and mail to lab.example" in out
    assert "spam@example.com" not in out	# a REJECT, not a relay
    assert "every host of our own domain" in out
    # maps, auth, tls, local, outgoing, masquerading
    assert "access.db does not exist: makemap hash %s/access" % sandbox in out
    assert "mechanisms offered: LOGIN PLAIN" in out
    assert "only after STARTTLS (p)" in out
    assert "server certificate: %s/server.crt\n" % sandbox in out
    assert "server private key: %s/server.key (missing!)" % sandbox in out
    assert "local mailer: /usr/bin/procmail" in out
    assert "smart host [smtp.provider.example]" in out
    assert "rewritten to come from example.com (MASQUERADE_AS)" in out
    assert "except these users: root" in out
    assert "the envelope sender too" in out


def test_explain_in_korean(sandbox):
    r = run_cfc(["--explain", "--lang", "ko", lab_mc(sandbox)])
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "설정 요약" in out
    assert "포트 25 (smtp), 127.0.0.1 에서만, 이름 MTA" in out
    assert "릴레이 허용 대상" in out
    assert "LOGIN PLAIN 방식으로 로그인(인증)한 클라이언트" in out
    assert "Connect:192.168.10: 192.168.10 에서 접속한 클라이언트" in out
    assert "스마트 호스트 [smtp.provider.example]" in out
    assert "발신 주소를 example.com 에서 보낸 것처럼 바꿈" in out
    assert "Listening" not in out


def test_language_from_the_environment(sandbox):
    mc = lab_mc(sandbox)
    assert "수신 대기 포트" in run_cfc(["--explain", mc], lang="ko_KR.UTF-8").stdout
    assert "Listening" in run_cfc(["--explain", mc], lang="C").stdout


def test_open_relay_is_called_out(sandbox):
    mc = write_mc(sandbox, "open.mc", "OSTYPE(`linux')dnl\nFEATURE(`promiscuous_relay')dnl\n"
                  "MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
    r = run_cfc(["--explain", "--lang", "en", mc])
    assert "EVERYONE" in r.stdout and "open relay" in r.stdout


def test_explain_a_cf_file(sandbox):
    mc = lab_mc(sandbox)
    cf = os.path.join(sandbox, "lab.cf")
    assert run_cfc([mc, "-o", cf]).returncode == 0
    r = run_cfc(["--explain", "--lang", "en", cf])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("What %s does" % cf)
    assert "port 587 (submission)" in r.stdout
    assert "FEATUREs used" not in r.stdout	# only an .mc shows them


def test_explain_submit_mc(sandbox):
    r = run_cfc(["--explain", "--lang", "en", os.path.join(CF_DIR, "cf", "submit.mc")])
    assert r.returncode == 0, r.stderr
    assert "Mail submission program (MSP)" in r.stdout
    assert "handed to the mail server at [127.0.0.1]" in r.stdout
    assert "Who may relay" not in r.stdout


def test_explain_still_reports_errors(sandbox):
    mc = write_mc(sandbox, "bad.mc", "OSTYPE(`linux')dnl\nFEATURE(`acess_db')dnl\nMAILER(`local')dnl\n")
    r = run_cfc(["--explain", mc])
    assert r.returncode == 1
    assert "did you mean `access_db'" in r.stderr
