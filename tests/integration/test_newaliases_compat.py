"""newaliases (`sendmail -bi -C cf`) against sendmail 8.17's on the same
aliases file (debian-like.mc compiled with sendmail's cf library): the
same messages with their lines, summary line and exit code, and the same
aliases.db as both praliases list it.  Skips loudly without the reference.
"""
import os
import shutil

import pytest

import sendmail_ref as sr

ALIASES = {
    "usual": """# the usual entries
postmaster: root
MAILER-DAEMON: postmaster
Root: admin@example.com
admin:	alice,
	bob,
  carol
list: :include:/etc/mail/list.txt
prog: "|/usr/bin/vacation alice"
file: /var/log/mail.archive
dup: one
dup: two
UPPER: Lower
a.b: c
with space: y
"quoted name": x
user@localhost: lh
last: final
""",
    "bad": """# syntax problems, each reported with its line
  swallowed: by the comment above
nocolon here
: novalue
noval:
ok: y

   
afterblank: w
	cont-after-blank
remote@example.com: local
x@mail.hamap.local: ours
Root: again
""",
    "empty": "# nothing but a comment\n",
}


@pytest.fixture
def setup(sandbox):
    ref = sr.reference()
    sr.check_safe(sandbox)
    ours = sr.ours("sendmail", "sendmail")
    ours_pa = sr.ours("makemap", "praliases")
    with open(os.path.join(sandbox, "service.switch"), "w") as f:
        f.write("hosts\tfiles\naliases\tfiles\n")
    with open(os.path.join(sandbox, "local-host-names"), "w") as f:
        f.write("")
    cf = sr.compile_mc(sandbox, "debian-like.mc", ref["REF_CF_DIR"], sandbox)
    q = os.path.join(sandbox, "queue")
    os.makedirs(q, mode=0o755, exist_ok=True)
    return {"dir": sandbox, "cf": cf, "q": q, "ref": ref, "ours": ours, "ours_pa": ours_pa}


def newaliases(s, binp):
    return sr.ns_run(s["dir"], [binp, "-bi", "-C", s["cf"], "-O", "QueueDirectory=" + s["q"]])


def listings(s, keys=()):
    """praliases output (real, ours) for the current aliases.db"""
    out = []
    for pa in (s["ref"]["REF_PRALIASES"], s["ours_pa"]):
        r = sr.ns_run(s["dir"], [pa, "-C", s["cf"]] + list(keys))
        out.append((r.returncode, r.stdout, r.stderr))
    return out


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_newaliases_like_sendmail(setup, name):
    s = setup
    with open(os.path.join(s["dir"], "aliases"), "w") as f:
        f.write(ALIASES[name])
    real = newaliases(s, s["ref"]["REF_SENDMAIL"])
    real_lists = listings(s)
    real_keys = listings(s, ["root", "postmaster", "with.space", "nobody"])
    os.unlink(os.path.join(s["dir"], "aliases.db"))
    ours = newaliases(s, s["ours"])
    assert os.path.exists(os.path.join(s["dir"], "aliases.db"))
    assert ours.stdout == real.stdout
    assert ours.stderr == real.stderr
    assert ours.returncode == real.returncode
    # the summary line closes the output
    assert ours.stdout.rstrip("\n").split("\n")[-1].startswith(os.path.join(s["dir"], "aliases") + ": ")
    assert " aliases, longest " in ours.stdout
    our_lists = listings(s)
    assert real_lists[1] == real_lists[0], "our praliases on the real aliases.db"
    assert our_lists[0] == real_lists[0], "sendmail's praliases on our aliases.db"
    assert our_lists[1] == real_lists[0], "our praliases on our aliases.db"
    assert listings(s, ["root", "postmaster", "with.space", "nobody"]) == real_keys


def test_messages_name_lines(setup):
    """Each problem names the file and the line it is on (the last line
    of an entry that continues)."""
    s = setup
    path = os.path.join(s["dir"], "aliases")
    with open(path, "w") as f:
        f.write(ALIASES["bad"])
    out = newaliases(s, s["ours"]).stdout
    assert f"{path}: line 3: missing colon\n" in out
    assert f"{path}: line 4: : novalue... illegal alias name\n" in out
    assert f"{path}: line 5: noval:... missing value for alias\n" in out
    assert f"{path}: line 8: Non-continuation line starts with space\n" in out
    assert f"{path}: line 11: remote@example.com... cannot alias non-local names\n" in out
    with open(path, "w") as f:
        f.write(ALIASES["usual"])
    out = newaliases(s, s["ours"]).stdout
    assert f"{path}: line 12: dup... Warning: duplicate alias name dup\n" in out


def test_missing_aliases_file(setup):
    s = setup
    real = newaliases(s, s["ref"]["REF_SENDMAIL"])
    ours = newaliases(s, s["ours"])
    assert (ours.returncode, ours.stdout, ours.stderr) == (real.returncode, real.stdout, real.stderr)


def test_not_aliasable(sandbox):
    """A local mailer without F=A: nothing can be aliased."""
    ref = sr.reference()
    sr.check_safe(sandbox)
    ours = sr.ours("sendmail", "sendmail")
    with open(os.path.join(sandbox, "aliases"), "w") as f:
        f.write("root: admin\nPostmaster: root\n")
    cf = sr.mini_cf(sandbox, "al.cf", f"O AliasFile={sandbox}/aliases\n"
                    "Scanonify=3\nR$*\t$@ $1\nSparse=0\nR$+\t$#local $: $1\n")
    real = sr.ns_run(sandbox, [ref["REF_SENDMAIL"], "-bi", "-C", cf])
    got = sr.ns_run(sandbox, [ours, "-bi", "-C", cf])
    assert (got.returncode, got.stdout) == (real.returncode, real.stdout)
    assert "root... cannot alias non-local names" in got.stdout
    shutil.rmtree(os.path.join(sandbox, "queue"), ignore_errors=True)
