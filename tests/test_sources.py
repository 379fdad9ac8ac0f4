"""Sources as plugins: the registered sources in the resolver's order; a new source (one module and one entry point:
tests/plugin_example) found from a temporary folder and asked like the built-in ones, nothing installed; and the
optional search by abstract, which the resolver uses when a source offers it."""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from readlist.config import Settings
from readlist.model import Entry, Record
from readlist.resolve.resolver import Resolver
from readlist.sources import source_classes
from readlist.sources.arxiv import ArxivSource
from readlist.sources.base import Source
from tests.fakeserver import FakeServer
from tests.fakeserver.corpus import corpus_records
from tests.test_export_registry import PLUGIN, plugin_site

HELD = json.loads((PLUGIN / "readlist_plugin_example" / "records.json").read_text(encoding="utf-8"))


def test_the_built_in_sources_are_registered_in_the_resolvers_order() -> None:
    classes = source_classes()
    assert [c.name for c in classes] == ["index", "arxiv", "s2"]
    assert [c.order for c in classes] == sorted(c.order for c in classes)


def test_a_source_plugin_answers_what_it_holds_and_passes_the_rest_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_server: FakeServer, fake_settings: Settings
) -> None:
    monkeypatch.syspath_prepend(str(plugin_site(tmp_path)))
    importlib.invalidate_caches()
    assert [c.name for c in source_classes()] == ["index", "arxiv", "doi-file", "s2"]
    held = HELD[0]
    other = next(r for r in corpus_records() if r.get("doi") and r["doi"].lower() != held["doi"])
    resolver = Resolver(fake_settings)
    try:
        mine, theirs = resolver.resolve([Entry("ids.txt", 1, doi=held["doi"]), Entry("ids.txt", 2, doi=other["doi"])])
    finally:
        resolver.close()
    assert mine.status == "matched" and mine.record is not None
    assert (mine.record.source, mine.evidence["source"], mine.record.title) == ("doi-file", "doi-file", held["title"])
    assert not any(held["doi"] in r.target for r in fake_server.requests()), "the plugin answered without a request"
    assert theirs.status == "matched" and theirs.record is not None and theirs.record.doi == other["doi"].lower()
    monkeypatch.undo()
    importlib.invalidate_caches()
    assert "doi-file" not in [c.name for c in source_classes()]


# A paper renamed between versions: its page title is not its title now, but its abstract is the same. Synthetic.
ABSTRACT = (
    "We study how reading lists grow when researchers paste pages of new papers every day, and propose a simple "
    "model of the backlog in which each paper waits in a queue until it is read, annotated or dropped. The model "
    "predicts the size of the backlog from the rate of pasting and the rate of reading, and we check it on "
    "synthetic lists of many sizes, finding that the backlog grows without bound unless reading keeps pace."
)
RENAMED = Record("abstracts", "Backlogs of Reading Lists: A Queueing Model", abstract=ABSTRACT, doi="10.5555/x.2")


class AbstractSource(Source):
    """A source whose title search finds nothing and whose abstract search finds the renamed paper."""

    name = "abstracts"
    label = "the abstract test source"
    order = 10
    titles_per_search = 50
    searches_abstracts = True
    asked: ClassVar[list[list[str]]] = []

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        return []

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        AbstractSource.asked.append(list(abstracts))
        return [RENAMED] if ABSTRACT in abstracts else []


def test_a_source_that_searches_abstracts_finds_a_renamed_paper_before_the_next_source_is_asked(
    fake_server: FakeServer, fake_settings: Settings
) -> None:
    entry = Entry("page.txt", 1, title="Backlogs of Reading Lists as Queues", abstract=ABSTRACT)
    resolver = Resolver(fake_settings, sources=[ArxivSource, AbstractSource])
    try:
        (outcome,) = resolver.resolve([entry])
    finally:
        resolver.close()
    assert AbstractSource.asked == [[ABSTRACT]]
    assert outcome.status == "matched" and outcome.record is not None and outcome.record.title == RENAMED.title
    assert outcome.evidence["source"] == "abstracts" and fake_server.requests() == []
