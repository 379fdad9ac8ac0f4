"""Exporting: the selected papers (or those a LaTeX document cites) written in a format, to a file or a stream.

A paper's entry is rendered once and stored (`readlist.export.stored`); an export of entries that are all stored
streams them from the library without importing an exporter. Anything else takes the exporter's road
(`readlist.export.export`), which renders and stores what is missing. Each is imported by the export that needs it:
every command loads this module (`readlist.api.ReadingList`), `readlist list` too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from readlist.api.library import Library, select
from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from pathlib import Path

    from readlist.api.report import Exported
    from readlist.export.base import ExportOptions
    from readlist.store.library import Filters

Writer = Callable[[TextIO], int]  # writes the export to a stream; how many papers it wrote


def export_options(fmt: str, **options: Any) -> ExportOptions:
    """The options of an export in format ``fmt`` (``options``: the fields of `readlist.export.base.ExportOptions`);
    a BibTeX format is also the flavour of BibTeX written."""
    from readlist.export.base import ExportOptions
    from readlist.export.stored import BIBTEX_FLAVORS

    return ExportOptions(flavor=fmt if fmt in BIBTEX_FLAVORS else "bibtex", **options)


class Exporting(Library):
    def export(
        self,
        fmt: str,
        output: Path | None,
        filters: Filters | None = None,
        options: ExportOptions | None = None,
        stream: TextIO | None = None,
        aux: Path | None = None,
    ) -> Exported:
        """Write the selected papers (only those the LaTeX document whose .aux file is ``aux`` cites, if given) to
        ``output``, replaced atomically (old or new, never half), or to ``stream``.

        Their keys leave the library: provisional ones settle (every format but Markdown carries them). A cited
        alias of a paper is, in the BibTeX flavour, also written as a copy of its paper's entry under that key
        (BibTeX has no aliases; biblatex's ``ids`` field has)."""
        from readlist.api.report import Exported
        from readlist.files import atomic_write

        filters = filters or select()
        keys, aliases, unknown = self._cited(aux) if aux is not None else (None, {}, [])
        with self._stored(None if aliases else fmt, options, filters, keys) as stored:
            write = stored or self._rendering(fmt, filters, options, keys, aliases)
            if output is None:
                assert stream is not None
                return Exported(write(stream), unknown)
            with atomic_write(output) as out:
                return Exported(write(out), unknown)

    def _cited(self, aux: Path) -> tuple[list[str] | None, dict[str, str], list[str]]:
        """What the document cites: its papers' keys (an alias stands for its paper; None: ``\\nocite{*}``, the
        whole library), the cited aliases (alias -> key), and the cited keys the library does not know."""
        from readlist.export.aux import cited_keys

        cited = cited_keys(aux)
        if "*" in cited:
            return None, {}, []
        found: list[str] = []
        aliases: dict[str, str] = {}
        unknown: list[str] = []
        for key in cited:
            try:
                paper_key = self.store.key_of(key)
            except ReadlistError:
                unknown.append(key)
                continue
            found.append(paper_key)
            if paper_key != key:
                aliases[key] = paper_key
        return found, aliases, sorted(unknown)

    @contextmanager
    def _stored(
        self, fmt: str | None, options: ExportOptions | None, filters: Filters, keys: Collection[str] | None
    ) -> Iterator[Writer | None]:
        """The export as the library stores it, when it is BibTeX or biblatex and every selected paper's entry is
        stored for these options, written from one read transaction (held inside); None otherwise. (A stored entry
        was rendered after its paper's key settled, and any change to a paper drops its stored entries: nothing
        selected here has a key left to settle.)"""
        from readlist.export.stored import BIBTEX_FLAVORS, bibtex_variant, variant_digest, write_bibtex
        from readlist.store import export_cache

        flavor = options.flavor if options else "bibtex"
        if fmt is None or fmt not in BIBTEX_FLAVORS or flavor != fmt:
            yield None
            return
        ascii, abstract = (options.ascii, options.abstract) if options else (False, True)
        variant = variant_digest(bibtex_variant(fmt, ascii, abstract))
        conn = self.connection()
        selection = filters.as_dict()

        def write(out: TextIO) -> int:
            written = 0

            def entries() -> Iterator[bytes]:
                nonlocal written
                for _, text in export_cache.stored_texts(conn, fmt, variant, keys, **selection):
                    written += 1
                    yield text

            write_bibtex(entries(), out, export_cache.preamble(conn))
            return written

        conn.execute("BEGIN")  # one snapshot: what is found stored here is what is written
        try:
            stored = not export_cache.missing_texts(conn, fmt, variant, keys, **selection)
            if stored:
                yield write
        finally:
            conn.execute("COMMIT")
        if not stored:
            yield None

    def _rendering(
        self,
        fmt: str,
        filters: Filters,
        options: ExportOptions | None,
        keys: Collection[str] | None,
        aliases: Mapping[str, str],
    ) -> Writer:
        """The export through its exporter, which renders (and stores) the entries the library lacks."""
        from readlist.export import export, get_exporter
        from readlist.export.base import ExportOptions

        exporter = get_exporter(fmt)
        options = options or ExportOptions()
        if fmt != "markdown" and self.store.provisional(filters, keys):
            try:
                with self.store.transaction():
                    self.store.settle_keys(filters, keys)
            except sqlite3.OperationalError:  # a library that cannot be written: its keys cannot change either
                pass

        def write(out: TextIO) -> int:
            n = export(self.store, exporter, out, options, filters, keys)
            if aliases and fmt == "bibtex" and options.flavor == "bibtex":
                from readlist.export.bibtex import alias_copy

                for alias, key in sorted(aliases.items()):
                    out.write("\n" + alias_copy(self.get(key), alias, options))
            return n

        return write
