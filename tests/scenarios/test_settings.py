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
    quiet = user.ok("add", "--no-resolve", "2402.15567")
    assert quiet.err == ""
    verbose = user.ok("--verbose", "list")
    assert re.match(r"\s*1 \[ \] arxiv240215567 ", verbose.lines[0])
    assert f"library: {user.library}" in verbose.err_lines and "network: online" in verbose.err_lines
    record = next(p for p in corpus() if p.get("kind") == "seed" and p.get("arxiv_id"))
    said = user.ok("-v", "add", record["arxiv_id"]).err_lines  # the requests it sends, each with its status
    sent = [line for line in said if line.startswith("http: ") and re.search(r'"(GET|POST) ', line)]
    assert sent and all(re.search(r'" (200|404) ', line) for line in sent), said
    assert any("/api/query" in line for line in sent)  # arXiv was asked
    again = user.ok("-v", "add", record["arxiv_id"]).err_lines  # answered from the cache: nothing is sent
    assert not [line for line in again if line.startswith("http: ") and re.search(r'"(GET|POST) ', line)], again
    bad = user("list", "--state", "sideways")
    assert bad.code == 2 and "sideways" in bad.err
