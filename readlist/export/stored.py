"""Exports made of the entries the library stores: which stored texts are current, and writing them out.

Light on purpose (os, sys, hashlib): the library API writes a BibTeX export of stored entries with this module
and `readlist.store.export_cache` alone, without importing the exporters (`readlist.api.exporting`). The
exporters use the same functions, so both write the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import TextIO

_BLOCK = 1 << 20


@functools.cache
def code_version() -> str:
    """A digest of the code a stored text was rendered with: readlist's sources, the Python version (its
    Unicode database decides escapes) and the installed pybtex (it splits names)."""
    import hashlib
    from importlib.machinery import PathFinder

    digest = hashlib.blake2b(digest_size=12)
    digest.update(sys.version.encode())
    root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    sources = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        sources += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    for path in sorted(sources):
        with open(path, "rb") as source:
            digest.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0" + source.read())
    spec = PathFinder.find_spec("pybtex")
    if spec is not None and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        digest.update(" ".join(sorted(n for n in os.listdir(site) if n.startswith("pybtex-"))).encode())
    return digest.hexdigest()


def variant_digest(variant: str) -> str:
    """The key under which the library stores texts rendered with ``variant`` (a renderer's options) by this
    code: stored texts are used only while both are unchanged."""
    import hashlib

    return hashlib.blake2b(f"{variant}\0{code_version()}".encode(), digest_size=12).hexdigest()


@contextlib.contextmanager
def byte_writer(out: TextIO) -> Iterator[Callable[[bytes], None]]:
    """A function writing UTF-8 to ``out``: straight to its binary buffer when it has one and encodes UTF-8
    (stored texts are written without being decoded and encoded again), else decoded.

    Writes are joined into blocks of ~1 MiB, written when full and when the block ends: one system call per
    block rather than per entry.
    """
    buffer = getattr(out, "buffer", None)
    if buffer is None or (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8":
        emit: Callable[[bytes], object] = lambda data: out.write(data.decode())  # noqa: E731
    else:
        out.flush()
        emit = buffer.write
    pending: list[bytes] = []
    size = 0

    def write(data: bytes) -> None:
        nonlocal size
        pending.append(data)
        size += len(data)
        if size >= _BLOCK:
            emit(b"".join(pending))
            pending.clear()
            size = 0

    yield write
    emit(b"".join(pending))


# -- BibTeX and biblatex (readlist.export.bibtex renders the entries) ---------------------------------------

BIBTEX_FLAVORS = ("bibtex", "biblatex")


def bibtex_variant(flavor: str, ascii: bool, abstract: bool) -> str:
    """What a BibTeX entry's text depends on besides the paper (and the code, see ``variant_digest``)."""
    return f"{flavor} ascii={ascii} abstract={abstract}"


def write_bibtex(entries: Iterable[bytes], out: TextIO, preamble: bytes = b"") -> None:
    """A .bib document: the @preamble blocks of imported files, then the entries in order, a blank line between."""
    with byte_writer(out) as write:
        if preamble:
            write(preamble)
        for i, entry in enumerate(entries):
            write(b"\n" + entry if i else entry)
