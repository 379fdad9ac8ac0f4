"""The `readlist` program answers plain `list` and `read KEY` without click: the same output, exit status and
library as the CLI."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
import time
from itertools import product
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import program
from readlist.cli import main
from readlist.states import FILTER_CHOICES, READ_STATES
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


def snapshot(path: Path) -> tuple[list[tuple], list[tuple], int]:
    """What a command may change: papers' read states, the state log (times aside), stored export entries."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return (
            db.execute("SELECT id, key, state, state_changed_at IS NULL FROM papers ORDER BY id").fetchall(),
            db.execute("SELECT id, paper_id, state FROM state_changes ORDER BY id").fetchall(),
            db.execute("SELECT count(*) FROM export_cache").fetchone()[0],
        )


def assert_same_as_cli(cli: Cli, args: list[str], tmp: Path) -> str | None:
    """Run ``args`` (``@lib``: the library) through the fast path on one copy of the library and, when it
    answers, through the CLI on another: the same output, exit status 0 and the same library after. When the
    fast path declines, its copy is unchanged."""
    copies = []
    for side in ("fast", "cli"):
        copy = tmp / f"{side}.sqlite"
        shutil.copyfile(cli.library, copy)
        env = {**cli.proc_env, "READLIST_LIBRARY": str(copy)}
        copies.append((copy, env, [arg.replace("@lib", str(copy)) for arg in args]))
    (fast_lib, fast_env, fast_args), (cli_lib, cli_env, cli_args) = copies
    text = program.fast_answer(fast_args, fast_env)
    if text is None:
        assert snapshot(fast_lib) == snapshot(cli.library), args
        return None
    res = CliRunner().invoke(main, cli_args, env=cli_env, catch_exceptions=False)
    assert (res.exit_code, res.stdout) == (0, text + "\n" if text else ""), args
    assert snapshot(fast_lib) == snapshot(cli_lib), args
    return text


def test_every_plain_combination_of_filters_is_answered_as_the_cli_answers_it(library: Cli, tmp_path: Path) -> None:
    values = {
        name: [None, *(choices or (TAGS if name == "tag" else WORDS))] for name, choices in FILTER_CHOICES.items()
    }
    prefixes = [[], ["--offline", "-v"], ["--library", "@lib"], ["--library=@lib"]]
    answered = set()
    for prefix, combo in product(prefixes, product(*values.values())):
        args = [*prefix, "list"]
        for i, (name, value) in enumerate(zip(values, combo, strict=True)):
            if value is not None:  # both spellings: --status=read and --tag rl
                args += [f"--{name}={value}"] if i % 2 else [f"--{name}", value]
        text = assert_same_as_cli(library, args, tmp_path)
        assert text is not None, args  # plain arguments: the fast path answers
        answered.add(text)
    assert "" in answered and len(answered) > 5  # the filters select different papers, sometimes none


def test_the_fast_paths_leave_everything_else_to_the_cli_and_change_nothing(library: Cli, tmp_path: Path) -> None:
    for args in (
        ["list", "--json"], ["list", "-h"], ["--help"], ["show", "alpha"], [], ["--library"], ["list", "--tag"],
        ["list", "--state", "done"], ["list", "--status=Matched"], ["list", "--search", "-x"], ["list", "extra"],
        ["list", "-v"], ["list", "--"], ["-vv", "list"], ["--library", "list"], ["--offline=1", "list"],
        ["--library", str(tmp_path / "missing.sqlite"), "list"], ["--library", str(tmp_path), "list"],
        ["--library=", "list"], ["read"], ["read", "-h"], ["read", "alpha", "--"], ["read", "nosuchpaper"],
        ["read", "alpha", "2401.00001"], ["reading", "10.1000/xyz"], ["unread", "99999"],
    ):  # fmt: skip
        assert assert_same_as_cli(library, args, tmp_path) is None, args


OPTIONS = [*(f"--{name}" for name in FILTER_CHOICES), "--json", "--bogus", "-v", "--", "extra"]
VALUES = ["read", "unread", "pending", "matched", "bogus", *TAGS, *WORDS, "-x"]
PAPERS = ["alpha", "zeta2021", "mid2019", "1", "2", " 3 ", "07", "99", "nosuch", "2401.00001", ""]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.lists(st.sampled_from(["--offline", "-v", "--verbose", "--library", "@lib", "--library=@lib", "-h"])),
    command=st.sampled_from(["list", "list", "read", "unread", "reading", "lst", "show"]),
    operands=st.lists(
        st.one_of(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.booleans()), st.sampled_from(PAPERS)),
        max_size=5,
    ),
)
def test_whatever_the_arguments_the_fast_paths_answer_only_as_the_cli_would(
    library: Cli, tmp_path: Path, prefix: list[str], command: str, operands: list[tuple[str, str, bool] | str]
) -> None:
    args = [*prefix, command]
    for operand in operands:
        if isinstance(operand, str):
            args.append(operand)
        else:
            option, value, joined = operand
            args += [f"{option}={value}"] if joined else [option, value]
    assert_same_as_cli(library, args, tmp_path)


def test_marking_papers_by_number_and_key_is_answered_as_the_cli_answers_it(library: Cli, tmp_path: Path) -> None:
    for state in READ_STATES:
        for papers in (
            ["alpha"],
            ["1"],
            [" 2 ", "mid2019"],
            ["zeta2021", "zeta2021"],
            ["averyveryverylongcitationkey2020"],
        ):
            text = assert_same_as_cli(library, [state, *papers], tmp_path)
            assert text is not None and text.count(f": {state}") == len(papers)


def test_while_another_process_writes_the_fast_path_lists_and_leaves_marks_to_the_cli(
    library: Cli, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(library.library, copy)
    env = {**library.proc_env, "READLIST_LIBRARY": str(copy)}
    writer = sqlite3.connect(copy, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as an import in progress does
        started = time.monotonic()
        assert program.fast_answer(["read", "alpha"], env) is None  # the CLI waits for the lock (busy timeout)
        assert time.monotonic() - started < 30  # the fast path did not wait out the 60 s busy timeout itself
        assert program.fast_answer(["list", "--state", "read"], env) == library("list", "--state", "read").stdout[:-1]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert snapshot(copy) == snapshot(library.library)


def test_the_program_lists_and_marks_without_importing_click_or_the_library_api(library: Cli, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(library.library, copy)
    for args, out in (
        (["list", "--tag", "rl"], library("list", "--tag", "rl").stdout),
        (["read", "alpha"], "alpha: read\n"),
    ):
        run = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "readlist", "--library", str(copy), *args],
            capture_output=True, text=True, env=library.proc_env,
        )  # fmt: skip
        imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import")}
        assert (run.returncode, run.stdout) == (0, out)
        assert "readlist.program" in imported and not {"click", "readlist.cli", "readlist.store.library"} & imported
    assert snapshot(copy)[0][1][2] == "read"  # alpha (#2) is marked read in the library


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
