"""bench/tls/testssl.py: run testssl.sh (Debian's testssl.sh package) against
a sandbox MTA's SMTPS listener (M=s), its STARTTLS on the 25-like port,
and mailboxd's IMAPS, all with the default TLS settings and a certificate
from sendwell-certs, and print one summary: protocols offered, cipher
categories, forward secrecy and every finding rated MEDIUM or worse.
Not a test (it takes minutes); run as root: sh bench/tls/run.sh BUILDDIR."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
SEVERE = ("MEDIUM", "HIGH", "CRITICAL")


def run_testssl(target, jsonfile, starttls=None):
    cmd = ["testssl", "--quiet", "--color", "0", "--warnings", "off",
           "--openssl-timeout", "10", "-p", "-s", "-f", "-U", "-S",
           "--jsonfile", jsonfile]
    if starttls:
        cmd += ["-t", starttls]
    cmd.append(target)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    with open(jsonfile) as f:
        return r, json.load(f)


VULNS = ("heartbleed", "CCS", "ticketbleed", "ROBOT", "secure_renego", "secure_client_renego",
         "CRIME_TLS", "BREACH", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN",
         "LOGJAM", "BEAST", "LUCKY13", "RC4")


def summarize(name, findings):
    out = [f"== {name}"]
    by_id = {f.get("id", ""): f for f in findings}
    protos = [f"{p}: {by_id[p]['finding']}" for p in
              ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3") if p in by_id]
    out.append("  protocols: " + "; ".join(protos))
    cats = [f"{k[len('cipherlist_'):]}={v['finding']}" for k, v in by_id.items()
            if k.startswith("cipherlist_")]
    out.append("  cipher categories: " + ", ".join(cats))
    for k in ("PFS", "FS", "PFS_ciphers", "FS_ciphers", "PFS_ECDHE_curves", "DH_groups"):
        if k in by_id:
            out.append(f"  {k}: {by_id[k]['finding']}")
    vulns = [by_id[v] for v in VULNS if v in by_id]
    weak = [v for v in vulns if v.get("severity") not in ("OK", "INFO")]
    out.append(f"  vulnerabilities (-U): {len(vulns) - len(weak)} of {len(vulns)} OK"
               + ("" if not weak else "; " + ", ".join(f"{v['id']}: {v['finding']}"
                                                       for v in weak)))
    bad = [f for f in findings if f.get("severity") in SEVERE]
    certs = [f for f in bad if f["id"].startswith("cert")]
    other = [f for f in bad if not f["id"].startswith("cert")]
    out.append("  TLS findings MEDIUM or worse: " +
               ("none" if not other else
                "; ".join(f"{f['id']}: {f.get('finding', '')} [{f['severity']}]" for f in other)))
    if certs:
        out.append("  certificate (a lab CA, not publicly trusted; no CRL/OCSP): " +
                   "; ".join(f"{f['id']} [{f['severity']}]" for f in certs))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", default=os.path.join(SRC, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the sandbox")
    ap.add_argument("--only", help="run only the targets whose name has this word")
    a = ap.parse_args()
    if shutil.which("testssl") is None:
        sys.exit("testssl is not installed (apt-get install testssl.sh)")
    os.environ["SW_BUILDDIR"] = os.path.abspath(a.builddir)
    os.environ["SW_SRCDIR"] = SRC
    sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
    from mailboxd_env import MailboxdEnv          # noqa: E402
    from test_tls_smtp import SecureMta            # noqa: E402

    base = os.path.join(os.path.abspath(a.builddir), "tests", "sandbox")
    os.makedirs(base, exist_ok=True)
    sb = tempfile.mkdtemp(prefix="testssl.", dir=base)
    os.chmod(sb, 0o755)
    mta_dir, mbx_dir = os.path.join(sb, "mta"), os.path.join(sb, "mailboxd")
    os.makedirs(mta_dir)
    os.makedirs(mbx_dir)
    os.chmod(mta_dir, 0o755)
    mta = SecureMta(mta_dir).start()
    mbx = MailboxdEnv(mbx_dir, tls=True)
    mbx.start()
    report = []
    try:
        for name, target, starttls in (
                (f"sendmail SMTPS (M=s) 127.0.0.1:{mta.p465}", f"127.0.0.1:{mta.p465}", None),
                (f"sendmail STARTTLS 127.0.0.1:{mta.port}", f"127.0.0.1:{mta.port}", "smtp"),
                (f"mailboxd IMAPS 127.0.0.1:{mbx.ports['imaps']}",
                 f"127.0.0.1:{mbx.ports['imaps']}", None)):
            if a.only and a.only not in name:
                continue
            jf = os.path.join(sb, f"testssl-{len(report)}.json")
            r, findings = run_testssl(target, jf, starttls)
            report.append(summarize(name, findings))
            print(report[-1], flush=True)
    finally:
        mbx.stop()
        mta.stop()
        if not a.keep:
            shutil.rmtree(sb, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
