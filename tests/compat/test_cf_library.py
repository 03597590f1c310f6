"""Checks of the cf/ library that need no reference sendmail: the example
.mc files compile, unknown OSTYPE/DOMAIN/FEATURE/MAILER names stop m4 with
the .mc file and line, and conf-names.txt agrees with the option table."""
import os
import re
import shutil
import subprocess

import pytest

import btcompat as bc

CF = os.path.join(bc.SRCDIR, "cf")
pytestmark = pytest.mark.skipif(shutil.which("m4") is None, reason="GNU m4 is not installed")


def m4(text, tmp_path, name="t.mc"):
    p = tmp_path / name
    p.write_text(text.replace("/usr/share/sendmail-cf/", CF + "/").replace("/usr/share/sendmail/cf/", CF + "/"))
    return subprocess.run(["m4", str(p)], capture_output=True, text=True, cwd=str(tmp_path))


EXAMPLES = sorted(os.path.relpath(os.path.join(d, f), os.path.join(CF, "cf"))
                  for d, _, fs in os.walk(os.path.join(CF, "cf")) for f in fs if f.endswith(".mc"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_mc_compiles(tmp_path, example):
    text = open(os.path.join(CF, "cf", example)).read()
    if "include(" not in text:
        text = f"include(`{CF}/m4/cf.m4')dnl\n" + text
    r = m4(text, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\nScanonify=3\n" in r.stdout and "\nMlocal," in r.stdout


@pytest.mark.parametrize("macro,kind", [("OSTYPE", "ostype"), ("DOMAIN", "domain"),
                                        ("FEATURE", "feature"), ("MAILER", "mailer")])
def test_unknown_name_stops_with_file_and_line(tmp_path, macro, kind):
    text = f"include(`{CF}/m4/cf.m4')dnl\nOSTYPE(`linux')dnl\n{macro}(`no_such_thing')dnl\nMAILER(`smtp')dnl\n"
    r = m4(text, tmp_path, "broken.mc")
    assert r.returncode != 0
    assert re.search(r"broken\.mc:3: error: unknown " + macro + r"\(`no_such_thing'\)", r.stderr), r.stderr
    assert kind in r.stderr


def test_conf_names_match_option_table():
    table = open(os.path.join(CF, "m4", "sw_options.m4")).read()
    in_table = set(re.findall(r"^_sw_opt\(`(conf[A-Z0-9_]+)'", table, re.M))
    listed = {}
    for line in open(os.path.join(CF, "conf-names.txt")):
        if line.strip() and not line.startswith("#"):
            name, kind, _ = line.rstrip("\n").split("\t", 2)
            listed[name] = kind
    options = {n for n, k in listed.items() if k == "option"}
    assert options == in_table
    assert len(listed) >= 190
