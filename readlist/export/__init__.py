"""Exporters by format name: the built-ins plus any installed under the entry-point group ``readlist.exporters``.

Importing this package imports no exporter: an export of stored entries (`readlist.api.exporting`) uses
`readlist.export.stored` alone.
"""

from __future__ import annotations

from contextlib import closing
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator
    from importlib.metadata import EntryPoint
    from typing import TextIO

    from readlist.export.base import Exporter, ExportOptions
    from readlist.store.library import Filters, Store

__all__ = ["available_formats", "export", "get_exporter"]

GROUP = "readlist.exporters"
T = TypeVar("T")
BUILTINS = {
    "bibtex": "readlist.export.bibtex:BibtexExporter",
    "biblatex": "readlist.export.bibtex:BiblatexExporter",
    "csl-json": "readlist.export.csljson:CslJsonExporter",
    "markdown": "readlist.export.markdown:MarkdownExporter",
}


def _plugins() -> dict[str, EntryPoint]:
    from importlib.metadata import entry_points  # slow to import: only when a plugin may be asked for

    return {ep.name: ep for ep in entry_points(group=GROUP) if ep.name not in BUILTINS}


def available_formats() -> list[str]:
    """Every format name ``get_exporter`` accepts, sorted."""
    return sorted({*BUILTINS, *_plugins()})


def get_exporter(name: str) -> Exporter:
    """An exporter instance for ``name``; a built-in wins over a plugin of the same name."""
    plugins = {} if name in BUILTINS else _plugins()
    if name not in BUILTINS and name not in plugins:
        raise ReadlistError(f"unknown export format {name!r}; available: {', '.join(available_formats())}")
    try:
        if name in BUILTINS:
            module, _, attr = BUILTINS[name].partition(":")
            target = getattr(import_module(module), attr)
        else:
            target = plugins[name].load()
        exporter: Exporter = target() if isinstance(target, type) else target
    except Exception as exc:  # a broken plugin must not crash the CLI with a traceback
        raise ReadlistError(f"export format {name!r} could not be loaded: {exc}") from exc
    if not callable(getattr(exporter, "write", None)):
        raise ReadlistError(f"export format {name!r} ({target!r}) has no write() method")
    return exporter


def export(
    store: Store,
    exporter: Exporter,
    out: TextIO,
    options: ExportOptions,
    filters: Filters,
    keys: Collection[str] | None = None,
) -> int:
    """Write the selected papers (only those with one of ``keys``, if given) in key order; returns how many.

    An ``EntryExporter`` writes the texts the library stores for it (``Store.export_texts``), rendering and
    storing those it lacks, so an unchanged library is exported without rendering anything.
    """
    from readlist.export.base import EntryExporter
    from readlist.export.stored import variant_digest

    count = 0

    def counted(items: Iterable[T]) -> Iterator[T]:
        nonlocal count
        for item in items:
            count += 1
            yield item

    if isinstance(exporter, EntryExporter):
        import dataclasses

        options = dataclasses.replace(options, preamble=store.preamble())
        renderer = exporter.renderer(options)
        texts = store.export_texts(filters, keys, exporter.name, variant_digest(renderer.variant), renderer.render)
        with closing(texts):  # ends the read transaction also when writing fails
            exporter.assemble(counted(texts), out, options)
    else:
        papers = store.papers(filters)
        if keys is not None:
            wanted = set(keys)
            papers = (p for p in papers if p.key in wanted)
        exporter.write(counted(papers), out, options)
    return count
