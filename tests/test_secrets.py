"""The Semantic Scholar API key, set in the environment or the config file, travels to Semantic Scholar and nowhere
else: not in the cache, the library, any other file readlist writes, its output (``--verbose`` included), its error
messages or its exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.config import load_settings
from tests.cli import Cli, Result
from tests.fakeserver import FakeServer
from tests.paths import seed

KEY = "s2-key-Zq8vT1xR4mWc7LpK"


@pytest.mark.parametrize("via", ["environment", "config file"])
def test_the_api_key_appears_in_no_file_output_message_or_export(
    tmp_path: Path, fake_server: FakeServer, via: str
) -> None:
    env = {"READLIST_S2_API_KEY": KEY} if via == "environment" else {}
    cli = Cli(tmp_path, READLIST_ARXIV_URL=fake_server.arxiv_url, READLIST_S2_URL=fake_server.s2_url, **env)
    config = Path(cli.env["READLIST_CONFIG"])
    if via == "config file":
        config.write_text(f's2_api_key = "{KEY}"\n', encoding="utf-8")
    runs: list[Result] = []

    def run(*args: str) -> Result:
        res = cli.proc("--verbose", *args)
        assert "Traceback" not in res.stderr
        runs.append(res)
        return res

    fake_server.api_key = "another-key"  # Semantic Scholar rejects ours: 403
    assert "Semantic Scholar rejected the API key" in run("add", str(seed("003"))).stderr
    assert {r.header("x-api-key") for r in fake_server.requests("s2")} == {KEY}  # the key did travel
    fake_server.api_key = KEY
    fake_server.faults.set(rate=1.0, kinds=["429-retry-after"], retry_after=3600, service="s2")
    assert "asked to retry after 3600 s" in run("resolve").stderr  # an error message naming the request
    fake_server.faults.reset()
    assert "pending" not in run("resolve").stdout
    assert run("export", "--format", "bibtex").exit_code == 0
    for fmt in ("bibtex", "biblatex", "csl-json", "markdown"):
        assert run("export", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")).exit_code == 0
    for args in (("list", "--json"), ("show", "1"), ("cache", "info")):
        assert run(*args).exit_code == 0
    assert run("show", "no-such-paper").exit_code == 1

    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != config]
    assert {p.name for p in written} >= {"library.sqlite", "cache.sqlite", "out.bibtex", "out.csl-json"}
    assert [p.name for p in written if KEY.encode() in p.read_bytes()] == []
    assert [r for r in runs if KEY in r.stdout or KEY in r.stderr] == []


def test_the_settings_never_show_the_key_and_a_changed_copy_keeps_it(tmp_path: Path) -> None:
    env = {"READLIST_S2_API_KEY": KEY, "READLIST_CONFIG": str(tmp_path / "none.toml"), "READLIST_LIBRARY": "lib.sqlite"}
    settings = load_settings(env)
    changed = settings.replace(offline=True)
    assert KEY not in repr(settings) and KEY not in repr(changed) and "offline=True" in repr(changed)
    assert (changed.s2_api_key, changed.library, changed.offline) == (KEY, Path("lib.sqlite"), True)
    assert not settings.offline
    with pytest.raises(AttributeError):
        settings.s2_api_key = None  # type: ignore[misc]  # frozen
    assert changed.replace(offline=False) == settings != changed  # equal when every setting is
