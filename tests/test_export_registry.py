"""Exporter registry: built-in formats, unknown names, and a plugin installed from tests/plugin_example."""

from __future__ import annotations

import importlib
import io
import shutil
import subprocess
import sys
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


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, check=False).returncode != 0,
    reason="pip not available in this interpreter",
)
def test_installed_plugin_is_found_by_entry_point(tmp_path: Path) -> None:
    source = shutil.copytree(PLUGIN, tmp_path / "plugin")  # pip leaves build/ and *.egg-info behind
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(source)],
        check=True,
        capture_output=True,
    )
    importlib.invalidate_caches()
    assert "keys-txt" in available_formats()
    out = io.StringIO()
    get_exporter("keys-txt").write([Paper(0, "park2024foundation", "Foundation\nPolicies")], out, ExportOptions())
    assert out.getvalue() == "park2024foundation\tFoundation Policies\n"
