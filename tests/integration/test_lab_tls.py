"""STARTTLS between the lab's Sendwell servers: rocky.co.kr's client
starts TLS when roror.co.kr offers it (certificates made with openssl by
the test), presents its client certificate, and falls back to plain
text only when TLSFallbacktoClear says so."""
import os

import pytest

from lab_net import LabMta, make_cert
from test_lab_mx import ALIASES, build_lab

if os.geteuid() != 0:
    pytest.skip("the lab needs root (port 25, mount namespaces)", allow_module_level=True)


def tls_lines(cert, key, ca=None):
    lines = [f"define(`confSERVER_CERT', `{cert}')dnl",
             f"define(`confSERVER_KEY', `{key}')dnl",
             f"define(`confCLIENT_CERT', `{cert}')dnl",
             f"define(`confCLIENT_KEY', `{key}')dnl"]
    if ca:
        lines += [f"define(`confCACERT', `{ca}')dnl",
                  f"define(`confCACERT_PATH', `{os.path.dirname(ca)}')dnl"]
    return lines


def build_tls_lab(sandbox, rocky_mc, roror_mc, access):
    """build_lab with rocky using an access map (TLS_Srv:, Try_TLS:)."""
    lab, _, roror = build_lab(sandbox, roror_mc=roror_mc)
    rocky = LabMta(lab, "rocky-acc", lab.ip(7), "rocky.co.kr", aliases=ALIASES,
                   mc_lines=rocky_mc, maps={"access": access})
    return lab, rocky, roror


def test_starttls_between_the_two_servers(sandbox):
    certs = os.path.join(sandbox, "certs")
    rc, rk = make_cert(certs, "mail.rocky.co.kr")
    oc, ok = make_cert(certs, "mail.roror.co.kr")
    lab, rocky, roror = build_lab(sandbox, rocky_mc=tls_lines(rc, rk, oc),
                                  roror_mc=tls_lines(oc, ok, rc))
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="secret")
        rocky.runq()
        got = roror.wait_messages("root", 1)
        assert len(got) == 1 and "Subject: secret" in got[0]
        log = rocky.log()
        # rocky trusts roror's certificate (confCACERT): verify=OK
        assert "STARTTLS=client, relay=mail.roror.co.kr, version=TLSv1.3, verify=OK" in log
        # roror's Received: line notes the TLS session
        assert "TLSv1.3" in got[0]
    finally:
        lab.stop()


def test_untrusted_certificate_still_encrypts(sandbox):
    certs = os.path.join(sandbox, "certs")
    oc, ok = make_cert(certs, "mail.roror.co.kr")
    lab, rocky, roror = build_lab(sandbox, roror_mc=tls_lines(oc, ok))
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="opportunistic")
        rocky.runq()
        assert len(roror.wait_messages("root", 1)) == 1
        assert "STARTTLS=client, relay=mail.roror.co.kr, version=TLSv1.3, verify=FAIL" \
            in rocky.log()
    finally:
        lab.stop()


def test_tls_srv_verify_requirement_defers_an_untrusted_server(sandbox):
    certs = os.path.join(sandbox, "certs")
    oc, ok = make_cert(certs, "mail.roror.co.kr")
    lab, rocky, roror = build_tls_lab(sandbox, [], tls_lines(oc, ok),
                                      "TLS_Srv:mail.roror.co.kr VERIFY\n")
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="must verify")
        rocky.runq()
        assert roror.messages("root") == []
        assert len(rocky.queue_files()) == 1
        log = rocky.log()
        assert "verify=FAIL" in log and "tls_server" in log and "stat=Deferred" in log
    finally:
        lab.stop()


def test_tls_srv_verify_requirement_is_met_by_a_trusted_server(sandbox):
    certs = os.path.join(sandbox, "certs")
    oc, ok = make_cert(certs, "mail.roror.co.kr")
    lab, rocky, roror = build_tls_lab(sandbox, [f"define(`confCACERT', `{oc}')dnl",
                                                f"define(`confCACERT_PATH', `{certs}')dnl"],
                                      tls_lines(oc, ok), "TLS_Srv:mail.roror.co.kr VERIFY\n")
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="verified")
        rocky.runq()
        assert len(roror.wait_messages("root", 1)) == 1
        assert "verify=OK" in rocky.log()
    finally:
        lab.stop()


def test_try_tls_no_skips_starttls(sandbox):
    certs = os.path.join(sandbox, "certs")
    oc, ok = make_cert(certs, "mail.roror.co.kr")
    lab, rocky, roror = build_tls_lab(sandbox, [], tls_lines(oc, ok),
                                      "Try_TLS:mail.roror.co.kr NO\n")
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="plain")
        rocky.runq()
        got = roror.wait_messages("root", 1)
        assert len(got) == 1
        assert "STARTTLS=client" not in rocky.log()
    finally:
        lab.stop()
