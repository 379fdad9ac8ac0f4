"""Exporter registry: built-in formats, unknown names, and the plugin in tests/plugin_example found by its entry
point (from a temporary folder: nothing is installed into the project's environment)."""

from __future__ import annotations

import importlib
import io
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from readlist.errors import ReadlistError
from readlist.export import available_formats, get_exporter
from readlist.export.base import ExportOptions
from readlist.model import Paper

PLUGIN = Path(__file__).parent / "plugin_example"


def test_builtin_formats() -> None:
    assert {"bibtex", "biblatex", "csl-json", "markdown"} <= set(available_formats())
    assert get_exporter("biblatex").suffix == ".bib"
    assert get_exporter("csl-json").suffix == ".json"


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(ReadlistError, match=r"available: .*bibtex.*markdown"):
        get_exporter("docx")


def plugin_site(tmp_path: Path) -> Path:
    """The example plugin as an installed distribution in a folder of its own (its package and a dist-info with
    the entry points its pyproject.toml declares): on sys.path, importlib.metadata finds it as pip would have
    installed it, and nothing is installed into the project's environment."""
    site = tmp_path / "site"
    shutil.copytree(PLUGIN / "readlist_plugin_example", site / "readlist_plugin_example")
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text(
        "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) for group, eps in groups.items()),
        encoding="utf-8",
    )
    return site


def test_a_plugin_is_found_by_its_entry_point_without_installing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(plugin_site(tmp_path)))
    importlib.invalidate_caches()
    assert "keys-txt" in available_formats()
    out = io.StringIO()
    get_exporter("keys-txt").write([Paper(0, "park2024foundation", "Foundation\nPolicies")], out, ExportOptions())
    assert out.getvalue() == "park2024foundation\tFoundation Policies\n"
    monkeypatch.undo()
    importlib.invalidate_caches()
    assert "keys-txt" not in available_formats()
    installed = subprocess.run(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.distribution('readlist-plugin-example'))"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode != 0, "the test suite installs nothing into the project's environment"
