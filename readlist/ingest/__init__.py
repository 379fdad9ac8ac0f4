"""Parse inputs (pasted pages, identifier lines, .bib files, stdin) into `Entry` objects."""

from readlist.ingest.reader import ParseResult, read_inputs

__all__ = ["ParseResult", "read_inputs"]
