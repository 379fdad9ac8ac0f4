"""Stories of the local arXiv index, told through the installed `readlist` in subprocesses (fresh files, the fake
server's OAI-PMH endpoint): an index built and inspected; corrupt lines; a killed build; an index read while it is
rebuilt or updated; updates interrupted (an error, kill -9, an expired token) and resumed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from readlist.index.query import ArxivIndex
from tests.cli import Cli
from tests.fakeserver import FakeServer
from tests.fakeserver.oai import Repository
from tests.snapshots import SYNTHETIC, corpus_records, write_snapshot

BIG = 40_000  # records in the snapshot of the long builds (several seconds)


@pytest.fixture
def cli(tmp_path: Path, fake_server: FakeServer) -> Cli:
    return Cli(tmp_path, READLIST_OAI_URL=fake_server.oai_url)


@pytest.fixture(scope="module")
def big_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of BIG synthetic records with ids of their own (2901.NNNNN)."""
    records = (
        {**SYNTHETIC, "id": f"2901.{i:05d}", "title": f"Generated study {i} of bridges", "update_date": "2029-01-31"}
        for i in range(BIG)
    )
    return write_snapshot(tmp_path_factory.mktemp("big") / "big.json", list(records))


def index_path(cli: Cli) -> Path:
    return Path(cli.env["READLIST_INDEX"])


def info(cli: Cli) -> dict[str, str]:
    res = cli.proc("index", "info")
    assert res.exit_code == 0, res.stderr
    return dict(line.split(": ", 1) for line in res.stdout.splitlines())


def build_corpus_index(cli: Cli) -> list[dict]:
    records = corpus_records()
    res = cli.proc("index", "build", str(write_snapshot(cli.tmp / "snapshot.json", records)))
    assert res.exit_code == 0, res.stderr
    return records


def leftovers(cli: Cli) -> list[str]:
    return sorted(p.name for p in index_path(cli).parent.glob(f".{index_path(cli).name}.*.tmp"))


def test_an_index_built_then_inspected(cli: Cli) -> None:
    res = cli.proc("index", "info")
    assert res.exit_code == 1 and "no index at" in res.stderr and "readlist index build" in res.stderr
    records = build_corpus_index(cli)
    snapshot = cli.tmp / "snapshot.json"
    last = max(r["update_date"] for r in records)
    res = cli.proc("index", "build", str(snapshot))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith(f"built {index_path(cli)}: {len(records):,} records, 0 bad line(s) skipped")
    assert f"last datestamp {last}" in res.stdout
    assert "building: 100%" in res.stderr and "records/s" in res.stderr
    shown = info(cli)
    assert shown["index"] == str(index_path(cli))
    assert shown["records"] == f"{len(records):,}"
    assert shown["last datestamp"] == last
    assert shown["size on disk"].endswith(f"({index_path(cli).stat().st_size:,} bytes)")
    assert shown["built from"].startswith(str(snapshot.resolve()))
    assert "update in progress" not in shown and "bad lines skipped" not in shown
    umask = os.umask(0)
    os.umask(umask)
    assert index_path(cli).stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file, not private to the build
    with ArxivIndex(index_path(cli)) as index:
        assert set(index.fetch_ids([r["id"] for r in records])) == {r["id"] for r in records}
    assert leftovers(cli) == []

    zipped = cli.tmp / "arxiv.zip"  # as Kaggle gives it
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(snapshot, "arxiv-metadata-oai-snapshot.json")
    for args, stdin, source in (
        ([str(zipped)], None, f"{zipped.resolve()} (arxiv-metadata-oai-snapshot.json)"),
        (["-"], snapshot.read_text(), "standard input"),
    ):
        res = cli.proc("index", "build", *args, input=stdin)
        assert res.exit_code == 0, res.stderr
        shown = info(cli)
        assert shown["records"] == f"{len(records):,}" and shown["built from"].startswith(source)


def test_corrupt_lines_are_reported_and_skipped(cli: Cli) -> None:
    records = corpus_records()
    lines = [json.dumps(r) for r in records]
    lines.insert(2, lines[2][: len(lines[2]) // 2])  # line 3: cut short
    lines.insert(4, '{"id": "not an id", "title": "x"}')  # line 5
    snapshot = cli.tmp / "corrupt.json"
    snapshot.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe\x00garbage\n")
    res = cli.proc("index", "build", str(snapshot))
    assert res.exit_code == 0, res.stderr
    assert f"{snapshot}:3: not JSON" in res.stderr
    assert f"{snapshot}:5: id 'not an id' is not an arXiv id; skipped" in res.stderr
    assert f"{snapshot}:{len(lines) + 1}: not JSON" in res.stderr
    assert f"{len(records):,} records, 3 bad line(s) skipped" in res.stdout
    before = info(cli)
    assert before["bad lines skipped"] == "3"

    nothing = cli.tmp / "nothing.json"
    nothing.write_text("garbage\n[1, 2]\n")
    res = cli.proc("index", "build", str(nothing))
    assert res.exit_code == 1
    assert (
        res.stderr.strip().splitlines()[-1]
        == f"Error: {nothing}: no arXiv records in it (2 bad line(s): line 1: not JSON (Expecting value))"
    )
    assert info(cli) == before  # the index that was there is still there
    assert leftovers(cli) == []
    res = cli.proc("index", "build", str(cli.tmp / "missing.json"))
    assert res.exit_code == 1 and "missing.json: No such file or directory" in res.stderr


def test_a_build_never_replaces_a_file_that_is_not_an_index(cli: Cli) -> None:
    """The index setting pointed at the library by mistake: the build refuses, the library stays whole."""
    assert cli.proc("add", "--no-resolve", "2402.15567").exit_code == 0
    before = cli.library.read_bytes()
    cli.env["READLIST_INDEX"] = str(cli.library)
    res = cli.proc("index", "build", str(write_snapshot(cli.tmp / "s.json", corpus_records())))
    assert res.exit_code == 1
    assert f"{cli.library} exists and is not a readlist index; not replacing it" in res.stderr
    assert cli.library.read_bytes() == before and leftovers(cli) == []


def _spawn_and_kill_mid_build(cli: Cli, snapshot: Path) -> None:
    proc = cli.spawn("index", "build", str(snapshot))
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the first progress line: the build is under way
    assert first.startswith("building:"), first + proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()


def test_a_killed_build_leaves_the_previous_index_or_none(cli: Cli, big_snapshot: Path) -> None:
    _spawn_and_kill_mid_build(cli, big_snapshot)
    assert not index_path(cli).exists()  # none before, none after
    res = cli.proc("index", "info")
    assert res.exit_code == 1 and "no index at" in res.stderr

    records = build_corpus_index(cli)  # removes the dead build's file
    assert leftovers(cli) == []
    before = info(cli)
    _spawn_and_kill_mid_build(cli, big_snapshot)
    assert len(leftovers(cli)) == 1  # the dead build's file, left beside the index
    assert info(cli) == before
    conn = sqlite3.connect(index_path(cli))
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    with ArxivIndex(index_path(cli)) as index:
        assert len(index.fetch_ids([r["id"] for r in records])) == len(records)
    build_corpus_index(cli)
    assert leftovers(cli) == []  # the next build removed it


def test_an_index_read_while_it_is_rebuilt(cli: Cli, big_snapshot: Path) -> None:
    records = build_corpus_index(cli)
    ids = [r["id"] for r in records]
    before = info(cli)
    reader = ArxivIndex(index_path(cli))  # opened before the rebuild, as a running `readlist add` would be
    proc = cli.spawn("index", "build", str(big_snapshot))
    during = []
    while proc.poll() is None:
        assert len(reader.fetch_ids(ids)) == len(ids)
        assert reader.search_titles([records[0]["title"]])[0].arxiv_id == ids[0]
        shown = info(cli)
        if proc.poll() is None:  # this answer came while the build was running
            during.append(shown)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert during and all(shown == before for shown in during)
    assert len(reader.fetch_ids(ids)) == len(ids)  # the reader keeps the index it opened
    reader.close()
    assert info(cli)["records"] == f"{BIG:,}"
    with ArxivIndex(index_path(cli)) as fresh:
        assert fresh.fetch_ids(ids) == {} and len(fresh.fetch_ids(["2901.00007"])) == 1


def harvest_setup(cli: Cli, fake_server: FakeServer, n: int = 100, page: int = 20) -> tuple[str, list[dict]]:
    """A corpus index, and ``n`` new records on the OAI server dated after its last datestamp, ``page`` a page."""
    build_corpus_index(cli)
    since = info(cli)["last datestamp"]
    fresh = [{**SYNTHETIC, "id": f"2912.{90000 + i}", "title": f"Harvested paper {i}",
              "update_date": f"2099-01-{1 + i % 28:02d}"} for i in range(n)]  # fmt: skip
    fake_server.oai = Repository(fresh, page_size=page)
    return since, fresh


def test_an_update_interrupted_by_the_network_resumes_where_it_stopped(cli: Cli, fake_server: FakeServer) -> None:
    since, fresh = harvest_setup(cli, fake_server)
    records = int(info(cli)["records"].replace(",", ""))
    fake_server.faults.push("ok", "ok", *["500"] * 9, service="oai")  # two pages, then the server fails for good
    res = cli.proc("index", "update")
    assert res.exit_code == 1
    assert (
        "the harvest stopped after 40 record(s), which are in the index; `readlist index update` resumes it"
        in res.stderr
    )
    shown = info(cli)
    assert shown["records"] == f"{records + 40:,}"
    assert shown["last datestamp"] == since  # moves only once the list is complete
    assert shown["update in progress"].startswith(f"40 records since {since} harvested from {fake_server.oai_url}")

    fake_server.clear_log()
    res = cli.proc("index", "update")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith(f"resumed and finished the harvest 100 record(s) changed since {since} (100 new")
    log = fake_server.requests("oai")
    assert "resumptionToken" in log[0].params and len(log) == 3  # the third page on: nothing asked twice
    shown = info(cli)
    assert shown["records"] == f"{records + 100:,}"
    assert shown["last datestamp"] == max(r["update_date"] for r in fresh)
    assert "update in progress" not in shown and shown["last update"].endswith(
        f"100 records from {fake_server.oai_url}"
    )
    with ArxivIndex(index_path(cli)) as index:
        assert len(index.fetch_ids([r["id"] for r in fresh])) == 100

    fake_server.oai = Repository([])
    res = cli.proc("index", "update")
    assert res.exit_code == 0 and res.stdout.startswith("the index is up to date: nothing changed on arXiv since 2099-")


def test_an_index_read_while_it_is_updated(cli: Cli, fake_server: FakeServer) -> None:
    """Each page is committed on its own: a reader sees the records arrive, and never an error."""
    _, fresh = harvest_setup(cli, fake_server, n=200, page=10)
    ids = [r["id"] for r in fresh]
    cli.env["READLIST_ARXIV_INTERVAL"] = "0.05"  # 20 pages over a second or so
    with ArxivIndex(index_path(cli)) as reader:
        proc = cli.spawn("index", "update")
        seen = [0]
        while proc.poll() is None:
            seen.append(len(reader.fetch_ids(ids)))
        _, err = proc.communicate()
        assert proc.returncode == 0, err
        seen.append(len(reader.fetch_ids(ids)))
    assert seen == sorted(seen) and seen[-1] == 200 and len(set(seen)) > 2  # the pages, as they were committed


def test_an_update_killed_mid_harvest_resumes(cli: Cli, fake_server: FakeServer) -> None:
    _, fresh = harvest_setup(cli, fake_server)
    fake_server.faults.set(hang_seconds=10)
    fake_server.faults.push("ok", "ok", "hang", service="oai")  # the third page never comes
    proc = cli.spawn("index", "update")
    deadline = time.monotonic() + 30
    while len(fake_server.requests("oai")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert info(cli)["update in progress"].startswith("40 records")
    res = cli.proc("index", "update")
    assert res.exit_code == 0, res.stderr
    assert "resumed and finished the harvest 100 record(s)" in res.stdout
    with ArxivIndex(index_path(cli)) as index:
        assert len(index.fetch_ids([r["id"] for r in fresh])) == 100


def test_an_update_whose_token_expired_starts_again(cli: Cli, fake_server: FakeServer) -> None:
    since, fresh = harvest_setup(cli, fake_server)
    fake_server.faults.push("ok", *["500"] * 9, service="oai")
    assert cli.proc("index", "update").exit_code == 1
    fake_server.oai.expire_tokens()
    fake_server.clear_log()
    res = cli.proc("index", "update")
    assert res.exit_code == 0, res.stderr
    assert "the server forgot the harvest's place 1 time(s); restarted it" in res.stderr
    log = fake_server.requests("oai")
    assert "resumptionToken" in log[0].params and log[1].params["from"] == [since]
    with ArxivIndex(index_path(cli)) as index:
        assert len(index.fetch_ids([r["id"] for r in fresh])) == 100
    assert "update in progress" not in info(cli)
