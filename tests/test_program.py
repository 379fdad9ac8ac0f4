"""The `readlist` program answers plain `readlist list` without click: the same lines and exit status as the CLI."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import program
from readlist.store.query import FILTER_CHOICES
from tests.cli import Cli

TAGS = ("rl", "to-cite")
WORDS = ("bert", "Café", 'quo"te', "")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """Papers in every read state, with tags, a note, accents and a key longer than the key column."""
    cli = Cli(tmp_path_factory.mktemp("program"))
    bib = cli.tmp / "refs.bib"
    bib.write_text(
        "@article{zeta2021, title = {Last by Key}, year = 2021, readlist-state = {read}}\n"
        "@misc{alpha, title = {Caf{\\'e} Models and {BERT}}}\n"
        "@article{mid2019, title = {Middle {BERT} Paper}, year = 2019, readlist-state = {reading}}\n"
        "@article{averyveryverylongcitationkey2020, title = {Wide Keys}, year = 2020}\n",
        encoding="utf-8",
    )
    assert cli("import", str(bib)).exit_code == 0
    assert cli("tag", "alpha", *TAGS).exit_code == 0
    assert cli("tag", "zeta2021", "rl").exit_code == 0
    assert cli("note", "mid2019", "Compare with bert-base.").exit_code == 0
    return cli


def fast(cli: Cli, args: list[str]) -> str | None:
    return program.fast_listing(args, cli.proc_env)


def assert_same_as_cli(cli: Cli, args: list[str]) -> str | None:
    """Whenever the fast path answers, the CLI exits 0 with exactly what the fast path prints."""
    text = fast(cli, args)
    if text is not None:
        res = cli(*args)
        assert (res.exit_code, res.stdout) == (0, text + "\n" if text else ""), args
    return text


def test_every_plain_combination_of_filters_is_answered_as_the_cli_answers_it(library: Cli) -> None:
    values = {
        name: [None, *(choices or (TAGS if name == "tag" else WORDS))] for name, choices in FILTER_CHOICES.items()
    }
    prefixes = [[], ["--offline", "-v"], ["--library", str(library.library)], [f"--library={library.library}"]]
    answered = set()
    for prefix, combo in product(prefixes, product(*values.values())):
        args = [*prefix, "list"]
        for i, (name, value) in enumerate(zip(values, combo, strict=True)):
            if value is not None:  # both spellings: --status=read and --tag rl
                args += [f"--{name}={value}"] if i % 2 else [f"--{name}", value]
        text = assert_same_as_cli(library, args)
        assert text is not None, args  # plain arguments: the fast path answers
        answered.add(text)
    assert "" in answered and len(answered) > 5  # the filters select different papers, sometimes none


def test_the_fast_path_leaves_everything_else_to_the_cli(library: Cli, tmp_path: Path) -> None:
    for args in (
        ["list", "--json"], ["list", "-h"], ["--help"], ["show", "alpha"], [], ["--library"], ["list", "--tag"],
        ["list", "--state", "done"], ["list", "--status=Matched"], ["list", "--search", "-x"], ["list", "extra"],
        ["list", "-v"], ["list", "--"], ["-vv", "list"], ["--library", "list"], ["--offline=1", "list"],
        ["--library", str(tmp_path / "missing.sqlite"), "list"], ["--library", str(tmp_path), "list"],
        ["--library=", "list"],
    ):  # fmt: skip
        assert fast(library, args) is None, args


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.lists(st.sampled_from(["--offline", "-v", "--verbose", "--library", "@lib", "--library=@lib", "-h"])),
    command=st.sampled_from(["list", "list", "list", "lst", "show"]),
    options=st.lists(
        st.tuples(
            st.sampled_from([*(f"--{name}" for name in FILTER_CHOICES), "--json", "--bogus", "-v", "--", "extra"]),
            st.sampled_from(["read", "unread", "pending", "matched", "bogus", *TAGS, *WORDS, "-x"]),
            st.booleans(),
        ),
        max_size=5,
    ),
)
def test_whatever_the_arguments_the_fast_path_answers_only_as_the_cli_would(
    library: Cli, prefix: list[str], command: str, options: list[tuple[str, str, bool]]
) -> None:
    args = [token.replace("@lib", str(library.library)) for token in prefix]
    args.append(command)
    for option, value, joined in options:
        args += [f"{option}={value}"] if joined else [option, value]
    assert_same_as_cli(library, args)


def test_the_program_lists_without_importing_click_or_the_library_api(library: Cli) -> None:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "readlist", "list", "--tag", "rl"],
        capture_output=True, text=True, env=library.proc_env,
    )  # fmt: skip
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time")}
    assert run.returncode == 0 and run.stdout == library("list", "--tag", "rl").stdout
    assert "readlist.program" in imported and not {"click", "readlist.cli", "readlist.store.library"} & imported


def test_problems_the_fast_path_declines_are_reported_by_the_cli(library: Cli, tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    bad_config = Cli(tmp_path / "config", READLIST_LIBRARY=str(library.library))
    Path(bad_config.env["READLIST_CONFIG"]).write_text("library = [", encoding="utf-8")
    res = bad_config.proc("list")
    assert res.exit_code == 1 and "not a valid TOML config file" in res.stderr and len(res.stderr.splitlines()) == 1

    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(library.library) as src, sqlite3.connect(newer) as dst:
        src.backup(dst)
        dst.execute("PRAGMA user_version = 999")
    res = library.proc("--library", str(newer), "list")
    assert res.exit_code == 1 and "newer than this readlist" in res.stderr and res.stdout == ""

    res = library.proc("list", "--state", "done")
    assert res.exit_code == 2 and "Invalid value for '--state'" in res.stderr

    fresh = tmp_path / "new" / "library.sqlite"
    res = library.proc("--library", str(fresh), "list")
    assert (res.exit_code, res.stdout) == (0, "") and fresh.is_file()  # the CLI creates the library, as before
