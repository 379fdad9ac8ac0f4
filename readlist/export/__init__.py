"""Exporters by format name: the built-ins plus any installed under the entry-point group ``readlist.exporters``."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from readlist.errors import ReadlistError
from readlist.export.base import Exporter, ExportOptions

__all__ = ["ExportOptions", "Exporter", "available_formats", "get_exporter"]

GROUP = "readlist.exporters"
BUILTINS = {
    "bibtex": "readlist.export.bibtex:BibtexExporter",
    "biblatex": "readlist.export.bibtex:BiblatexExporter",
    "csl-json": "readlist.export.csljson:CslJsonExporter",
    "markdown": "readlist.export.markdown:MarkdownExporter",
}


def _plugins() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in BUILTINS}


def available_formats() -> list[str]:
    """Every format name ``get_exporter`` accepts, sorted."""
    return sorted({*BUILTINS, *_plugins()})


def get_exporter(name: str) -> Exporter:
    """An exporter instance for ``name``; a built-in wins over a plugin of the same name."""
    plugins = _plugins()
    if name not in BUILTINS and name not in plugins:
        raise ReadlistError(f"unknown export format {name!r}; available: {', '.join(available_formats())}")
    try:
        if name in BUILTINS:
            module, _, attr = BUILTINS[name].partition(":")
            target = getattr(import_module(module), attr)
        else:
            target = plugins[name].load()  # type: ignore[attr-defined]
        exporter = target() if isinstance(target, type) else target
    except Exception as exc:  # a broken plugin must not crash the CLI with a traceback
        raise ReadlistError(f"export format {name!r} could not be loaded: {exc}") from exc
    if not callable(getattr(exporter, "write", None)):
        raise ReadlistError(f"export format {name!r} ({target!r}) has no write() method")
    return exporter
