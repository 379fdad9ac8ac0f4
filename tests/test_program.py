"""The `readlist` program answers plain `list`, `read KEY` and exports of stored BibTeX entries without click:
the same output, exit status, files and library as the CLI."""

from __future__ import annotations

import contextlib
import io
import os
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


@pytest.fixture(scope="module")
def exported(library: Cli, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The same library, with its entries stored for two exports: BibTeX, and biblatex without abstracts."""
    cli = Cli(tmp_path_factory.mktemp("exported"))
    shutil.copyfile(library.library, cli.library)
    for args in (["--format", "bibtex"], ["--format", "biblatex", "--no-abstract"]):
        assert cli("export", *args).exit_code == 0
    return cli


def copy_library(cli: Cli, path: Path) -> dict[str, str]:
    """Copy ``cli``'s library to ``path``; the environment of a readlist process using the copy."""
    shutil.copyfile(cli.library, path)
    return {**cli.proc_env, "READLIST_LIBRARY": str(path)}


def fast(args: list[str], env: dict[str, str]) -> tuple[bool, bytes, bytes]:
    """``program.fast_answer``: whether it answered, and what it wrote to stdout and stderr."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    answered = program.fast_answer(args, env, out, err)
    out.flush()
    err.flush()
    return answered, out.buffer.getvalue(), err.buffer.getvalue()  # type: ignore[attr-defined]


def assert_same_as_cli(cli: Cli, args: list[str], tmp: Path) -> bytes | None:
    """Run ``args`` (``@lib``: the library, ``@out``: an output file) through the fast path on one copy of the
    library and, when it answers, through the CLI on another: the same output, exit status 0, the same file
    written and the same library after; the output, or None. When the fast path declines, it has written
    nothing and its copy is unchanged."""
    copies = []
    for side in ("fast", "cli"):
        copy, target = tmp / f"{side}.sqlite", tmp / f"{side}.out"
        env = copy_library(cli, copy)
        target.unlink(missing_ok=True)
        copies.append((copy, target, env, [a.replace("@lib", str(copy)).replace("@out", str(target)) for a in args]))
    (fast_lib, fast_out, fast_env, fast_args), (cli_lib, cli_out, cli_env, cli_args) = copies
    answered, out, err = fast(fast_args, fast_env)
    if not answered:
        assert (out, err, fast_out.exists()) == (b"", b"", False), args
        assert snapshot(fast_lib) == snapshot(cli.library), args
        return None
    res = CliRunner().invoke(main, cli_args, env=cli_env, catch_exceptions=False)
    stderr = res.stderr_bytes.replace(bytes(cli_out), b"@out")
    assert (res.exit_code, res.stdout_bytes, stderr) == (0, out, err.replace(bytes(fast_out), b"@out")), args
    fast_file, cli_file = (p.read_bytes() if p.exists() else None for p in (fast_out, cli_out))
    assert fast_file == cli_file, args
    assert snapshot(fast_lib) == snapshot(cli_lib), args
    return out


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
    assert b"" in answered and len(answered) > 5  # the filters select different papers, sometimes none


def test_the_fast_paths_leave_everything_else_to_the_cli_and_change_nothing(
    exported: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # relative output paths stay in the test's directory
    unreadable = tmp_path / "unreadable.bib"
    unreadable.write_text("", encoding="utf-8")
    unreadable.chmod(0)
    for args in (
        ["list", "--json"], ["list", "-h"], ["--help"], ["show", "alpha"], [], ["--library"], ["list", "--tag"],
        ["list", "--state", "done"], ["list", "--status=Matched"], ["list", "--search", "-x"], ["list", "extra"],
        ["list", "-v"], ["list", "--"], ["-vv", "list"], ["--library", "list"], ["--offline=1", "list"],
        ["--library", str(tmp_path / "missing.sqlite"), "list"], ["--library", str(tmp_path), "list"],
        ["--library=", "list"], ["read"], ["read", "-h"], ["read", "alpha", "--"], ["read", "nosuchpaper"],
        ["read", "alpha", "2401.00001"], ["reading", "10.1000/xyz"], ["unread", "99999"],
        ["export", "--format", "markdown"], ["export", "--format", "BibTeX"], ["export", "--format"],
        ["export", "--format", "csl-json"], ["export", "--aux", "paper.aux"], ["export", "--group-by", "tag"],
        ["export", "--et-al", "2"], ["export", "--ascii=1"], ["export", "-h"], ["export", "extra"],
        ["export", "-o"], ["export", "-o", str(tmp_path)], ["export", "-o", "./x.bib"], ["export", "-o", ""],
        ["export", "--output", f"{tmp_path}//x.bib"], ["export", "--output", f"{tmp_path}/x.bib/"],
        ["export", "-o@out"], ["export", "-o=@out"], ["export", "--json"], ["export", "--search"], ["export", "-v"],
        ["--format", "export"],
        ["export", "--format", "bibtex", "--ascii"],  # not stored for those options: the CLI renders them
        *([["export", "-o", str(unreadable)]] if not os.access(unreadable, os.R_OK) else []),  # root reads it
    ):  # fmt: skip
        assert assert_same_as_cli(exported, args, tmp_path) is None, args


def test_exports_of_stored_entries_are_answered_as_the_cli_answers_them(exported: Cli, tmp_path: Path) -> None:
    stored = {("bibtex", ()), ("biblatex", ("--no-abstract",))}  # the `exported` fixture's two exports
    answered = set()
    for fmt, flags, output, filters in product(
        ([], ["--format", "bibtex"], ["--format=biblatex"]),
        ([], ["--no-abstract"], ["--ascii", "--no-abstract"]),
        ([], ["-o", "@out"], ["--output=@out"]),
        ([], ["--tag", "rl"], ["--state=read", "--search", "bert"], ["--status", "matched"]),
    ):
        out = assert_same_as_cli(exported, ["export", *fmt, *flags, *output, *filters], tmp_path)
        name = fmt[-1].removeprefix("--format=") if fmt else "bibtex"
        selects_none = exported("list", *filters).stdout == ""  # then no entry is missing either
        assert (out is not None) == ((name, tuple(flags)) in stored or selects_none), (fmt, flags, filters)
        if out is not None:
            answered.add(out)
    assert b"" in answered and any(b"@misc{alpha," in out for out in answered)


def test_an_export_that_must_render_an_entry_goes_to_the_cli_which_stores_it_for_the_next(
    exported: Cli, tmp_path: Path
) -> None:
    cli = Cli(tmp_path)
    shutil.copyfile(exported.library, cli.library)
    assert cli("note", "alpha", "A note made after the last export.").exit_code == 0
    assert fast(["export"], cli.proc_env) == (False, b"", b"")  # alpha's stored entry went with the change
    expected = cli("export").stdout.encode()
    assert b"A note made after the last export." in expected
    assert fast(["export"], cli.proc_env) == (True, expected, b"")


OPTIONS = [
    *(f"--{name}" for name in FILTER_CHOICES), "--json", "--bogus", "-v", "--", "extra",
    "--format", "-o", "--output", "--ascii", "--no-abstract", "--group-by",
]  # fmt: skip
VALUES = ["read", "unread", "pending", "matched", "bogus", *TAGS, *WORDS, "-x", "bibtex", "biblatex", "tag", "@out"]
PAPERS = ["alpha", "zeta2021", "mid2019", "1", "2", " 3 ", "07", "99", "nosuch", "2401.00001", ""]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.lists(st.sampled_from(["--offline", "-v", "--verbose", "--library", "@lib", "--library=@lib", "-h"])),
    command=st.sampled_from(["list", "list", "read", "unread", "reading", "export", "export", "lst", "show"]),
    operands=st.lists(
        st.one_of(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES), st.booleans()), st.sampled_from(PAPERS)),
        max_size=5,
    ),
)
def test_whatever_the_arguments_the_fast_paths_answer_only_as_the_cli_would(
    exported: Cli, tmp_path: Path, prefix: list[str], command: str, operands: list[tuple[str, str, bool] | str]
) -> None:
    args = [*prefix, command]
    for operand in operands:
        if isinstance(operand, str):
            args.append(operand)
        else:
            option, value, joined = operand
            args += [f"{option}={value}"] if joined else [option, value]
    with contextlib.chdir(tmp_path):  # an output path drawn here (`-o read`) is written there, not in the checkout
        assert_same_as_cli(exported, args, tmp_path)


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
            assert text is not None and text.count(f": {state}".encode()) == len(papers)


def test_while_another_process_writes_the_fast_path_lists_and_exports_and_leaves_marks_to_the_cli(
    exported: Cli, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite"
    env = copy_library(exported, copy)
    writer = sqlite3.connect(copy, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as an import in progress does
        started = time.monotonic()
        assert fast(["read", "alpha"], env) == (False, b"", b"")  # the CLI waits for the lock (busy timeout)
        assert time.monotonic() - started < 30  # the fast path did not wait out the 60 s busy timeout itself
        listed = exported("list", "--state", "read").stdout.encode()
        assert fast(["list", "--state", "read"], env) == (True, listed, b"")
        answered, out, _ = fast(["export"], env)  # readers are not blocked
        assert answered and out == exported("export").stdout.encode()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert snapshot(copy) == snapshot(exported.library)


def test_the_program_lists_marks_and_exports_without_importing_click_the_library_api_or_the_exporters(
    exported: Cli, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.sqlite"
    env = copy_library(exported, copy)
    for args, out in (
        (["list", "--tag", "rl"], exported("list", "--tag", "rl").stdout),
        (["export", "--tag", "rl"], exported("export", "--tag", "rl").stdout),
        (["read", "alpha"], "alpha: read\n"),
    ):
        run = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "readlist", *args], capture_output=True, text=True, env=env,
        )  # fmt: skip
        imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import")}
        assert (run.returncode, run.stdout) == (0, out)
        heavy = {"click", "readlist.cli", "readlist.store.library", "readlist.export.base", "readlist.model"}
        assert "readlist.program" in imported and not heavy & imported, args
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


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device that is always full)")
def test_output_that_cannot_be_written_is_one_error_line_on_either_path(exported: Cli) -> None:
    for args in (["list"], ["export"], ["read", "alpha"], ["list", "--json"], ["export", "--format", "csl-json"]):
        with open("/dev/full", "w") as full:
            run = subprocess.run(
                [sys.executable, "-m", "readlist", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                env=exported.proc_env,
            )  # fmt: skip
        assert (run.returncode, run.stderr) == (1, "Error: No space left on device\n"), args
