"""Commands other packages add: the example plugin's `readlist count` (tests/plugin_example: one file and one entry
point in the ``readlist.commands`` group), found by the installed program without installing anything into the
project's environment; a plugin that cannot be loaded, and one named as a built-in command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import Cli
from tests.test_export_registry import plugin_site


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """readlist with the example plugin on its path, and a library of three papers, two tagged rl."""
    site = plugin_site(tmp_path)
    cli = Cli(tmp_path, PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{a2020, title = {One}, year = 2020, keywords = {rl}}\n"
        "@article{b2021, title = {Two}, year = 2021, keywords = {rl}, readlist-state = {read}}\n"
        "@misc{c2022, title = {Three}}\n",
        encoding="utf-8",
    )
    assert cli.proc("import", str(bib)).exit_code == 0
    return cli


def test_a_plugin_command_runs_with_the_global_options_and_shows_in_the_help(cli: Cli) -> None:
    assert (cli.proc("count").stdout, cli.proc("count", "--tag", "rl").stdout) == ("3 papers\n", "2 papers\n")
    assert cli.proc("count", "--tag", "rl", "--state", "read").stdout == "1 paper\n"
    other = cli.tmp / "other.sqlite"
    assert cli.proc("--library", str(other), "count").stdout == "0 papers\n"
    listed = cli.proc("--help").stdout
    assert "count    Count the papers the filters select." in listed and "  list " in listed
    help = cli.proc("count", "--help")
    assert help.exit_code == 0 and "readlist count --tag rl --state unread" in help.stdout
    assert cli.proc("count", "--state", "sideways").exit_code == 2  # click's usage error, as for any command


def test_without_the_plugin_there_is_no_such_command(tmp_path: Path) -> None:
    res = Cli(tmp_path).proc("count")
    assert res.exit_code == 2 and "No such command 'count'" in res.stderr


def test_a_broken_plugin_is_one_error_line_and_a_built_in_name_stays_the_built_in(cli: Cli) -> None:
    site = Path(cli.env["PYTHONPATH"].split(os.pathsep)[0])
    (points,) = site.glob("*.dist-info/entry_points.txt")
    group = "[readlist.commands]\n"  # two more commands in the plugin's group (its file has other groups after it)
    more = "broken = readlist_plugin_example.nosuchmodule:command\nlist = readlist_plugin_example.count:count\n"
    points.write_text(points.read_text(encoding="utf-8").replace(group, group + more), encoding="utf-8")
    res = cli.proc("broken")
    assert res.exit_code == 1 and len(res.stderr.splitlines()) == 1 and "Traceback" not in res.stderr
    assert res.stderr.startswith("Error: command 'broken' (readlist_plugin_example.nosuchmodule:command) could not")
    listed = cli.proc("list").stdout.splitlines()  # the built-in list, not the plugin
    assert len(listed) == 3 and " a2020 " in listed[0]
