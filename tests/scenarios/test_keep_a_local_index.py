"""Story: a researcher keeps a local copy of arXiv's metadata: builds the index from Kaggle's snapshot as
downloaded, looks at it, and keeps it current from arXiv's OAI-PMH interface (the fake server's)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from tests.fakeserver import FakeServer
from tests.fakeserver.oai import Repository
from tests.scenarios.harness import User
from tests.snapshots import SYNTHETIC, corpus_records, write_snapshot


def shown(run_lines: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in run_lines)


def test_build_the_index_from_the_snapshot_then_keep_it_current(
    new_user: Callable[..., User], fake_server: FakeServer
) -> None:
    user = new_user(extra_env={"READLIST_OAI_URL": fake_server.oai_url})
    records = corpus_records()
    snapshot = write_snapshot(user.home / "arxiv-metadata-oai-snapshot.json", records)
    zipped = user.home / "arxiv.zip"  # as Kaggle gives it
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(snapshot, snapshot.name)

    assert user("index", "info").code == 1, "no index yet: one line says how to build one"
    built = user.ok("index", "build", str(zipped))
    assert f": {len(records):,} records, 0 bad line(s) skipped" in built.lines[0]
    info = shown(user.ok("index", "info").lines)
    last = max(r["update_date"] for r in records)
    assert info["records"] == f"{len(records):,}" and info["last datestamp"] == last
    assert info["built from"].startswith(f"{zipped.resolve()} (")

    # arXiv announces new papers: an update harvests those stamped since the index's last datestamp
    fresh = [{**SYNTHETIC, "id": f"2912.{90000 + i}", "title": f"Harvested paper {i}", "update_date": "2099-01-02"}
             for i in range(30)]  # fmt: skip
    fake_server.oai = Repository(fresh, page_size=10)
    user.ok("index", "update")
    info = shown(user.ok("index", "info").lines)
    assert info["records"] == f"{len(records) + len(fresh):,}" and info["last datestamp"] == "2099-01-02"
    again = user.ok("index", "update")  # the last day is asked again (OAI-PMH dates are inclusive): nothing new
    assert "(0 new, 0 deleted)" in again.lines[0]
    assert shown(user.ok("index", "info").lines)["records"] == info["records"]
