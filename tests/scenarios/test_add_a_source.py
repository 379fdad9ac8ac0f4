"""Story: a lab keeps its own metadata (here a file of DOIs) and adds it to readlist as a source plugin: one module
and one entry point (tests/plugin_example), installed beside readlist; its papers resolve with no request, and
`show` says which source answered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.fakeserver.corpus import corpus_records
from tests.scenarios.harness import User
from tests.scenarios.test_paste_a_page import resolution, summary
from tests.test_export_registry import plugin_site
from tests.test_sources import HELD


def test_a_source_plugin_resolves_what_it_holds_and_readlist_asks_the_apis_for_the_rest(
    new_user: Callable[..., User], tmp_path: Path
) -> None:
    lab = new_user("lab", extra_env={"PYTHONPATH": str(plugin_site(tmp_path))})
    held = HELD[0]
    run = lab.ok("add", held["doi"])
    assert summary(run.lines) == (1, 0, 0)
    assert resolution(run.lines) == ({"matched": 1}, 0), "the plugin answered: no request"
    shown = lab.ok("show", held["doi"]).out
    assert held["title"] in shown and "    source: doi-file" in shown.splitlines()

    other = next(r for r in corpus_records() if r.get("doi") and r.get("title"))
    run = lab.ok("add", other["doi"])
    assert resolution(run.lines)[0] == {"matched": 1} and resolution(run.lines)[1] > 0
    assert "    source: doi-file" not in lab.ok("show", other["doi"]).out.splitlines()
