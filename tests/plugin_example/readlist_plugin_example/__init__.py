"""An example readlist exporter plugin: ``key<TAB>title`` per paper."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from readlist.export.base import ExportOptions
from readlist.model import Paper


class KeysExporter:
    name = "keys-txt"
    suffix = ".txt"

    def write(self, papers: Iterable[Paper], out: TextIO, options: ExportOptions) -> None:
        for paper in papers:
            out.write(f"{paper.key}\t{' '.join(paper.title.split())}\n")
