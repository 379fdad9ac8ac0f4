"""Story: a researcher keeps a second library, chooses the key style, asks readlist to say more, and puts settings
in the config file."""

from __future__ import annotations

import json
import re

from tests.fakeserver import FakeServer
from tests.scenarios.harness import User, corpus


def test_another_library_file_the_key_style_and_the_config_file(user: User, fake_server: FakeServer) -> None:
    record = next(p for p in corpus() if p.get("kind") == "seed" and p.get("arxiv_id") and p.get("authors"))
    other = user.home / "papers" / "other.sqlite"
    run = user.ok("--library", str(other), "add", "--key-style", "bbt", record["arxiv_id"])
    assert run.lines[0] == "added: 1 new, 0 already in the library, 0 repeats in this input"
    assert other.exists() and not user.library.exists()
    (paper,) = json.loads(user.ok("--library", str(other), "list", "--json").out)
    assert re.fullmatch(rf"[a-z]+[A-Z]\w*{paper['year']}", paper["key"]), paper["key"]

    user.file("config.toml", f'library = "{user.home / "from-config.sqlite"}"\nkey_style = "bbt"\n')
    user.extra_env["READLIST_LIBRARY"] = ""  # no environment variable: the config file says where the library is
    user.ok("add", "--no-resolve", record["arxiv_id"])
    assert (user.home / "from-config.sqlite").exists()
    refs = user.file("refs.bib", "@article{, title = {A Paper Without a Key}, author = {Doe, Jane}, year = 2020}\n")
    user.ok("import", "--key-style", "default", str(refs))
    assert "doe2020paper" in [p["key"] for p in user.papers()]
    broken = user.file("config.toml", "library = [\n")
    bad = user("list")
    assert bad.code == 1 and len(bad.err_lines) == 1 and str(broken) in bad.err


def test_version_help_and_verbose(user: User) -> None:
    version = user.ok("--version")
    assert re.fullmatch(r"\S+, version \d+\.\d+\.\d+\n", version.out)
    assert "Example:" in user.ok("--help").out and "Example:" in user.ok("add", "-h").out
    user.ok("-v", "add", "--no-resolve", "2402.15567")
    assert re.match(r"\s*1 \[ \] arxiv240215567 ", user.ok("--verbose", "list").lines[0])
    bad = user("list", "--state", "sideways")
    assert bad.code == 2 and "sideways" in bad.err
