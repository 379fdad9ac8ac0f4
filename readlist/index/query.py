"""The index as a source of arXiv records: by id, by title and by abstract, with no request.

`ArxivIndex` offers what the arXiv API client (`readlist.sources.arxiv.ArxivClient`) offers, ``fetch_ids`` and
``search_titles`` with the same signatures and results, plus ``search_abstracts``, which finds a paper whose
title changed between versions (a title search misses it). Its records go through the same matcher as any
source's.

Searches use the normal form of the text (`readlist.text.normalize_title`) and look its words up in the index's
term counts: a word no record holds (a typo, a word the index lacks) is dropped, and the rest are ordered rarest
first. A title is searched with its rarest words (FTS5, AND, in BM25 order), as many as make it unlikely that
another record holds them all, so common words, whose lists of records are long, are read only for titles made
of them; when no record holds them all (a word changed), with its rarest few (OR), where BM25 puts the records
holding most of them first. An
abstract is searched with its rarest words: each record holding some of them scores the sum of their inverse
document frequencies (BM25 with every word counted once), so the record sharing the most rare words comes first.
Rare words have short lists of records, so a search reads little whatever the size of the index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from readlist.identifiers import bare_arxiv_id, normalize_doi, parse_identifier
from readlist.index.schema import AUTHOR_SEPARATOR, facts, open_index, unpack
from readlist.latex import latex_to_text
from readlist.model import Record
from readlist.text import normalize_title

SOURCE = "index"  # Record.source of the index's records
CHUNK = 500  # ids, row numbers or words per statement
EXPECTED_OTHERS = 1e-3  # see ArxivIndex._selective
COMMON = 100  # an abstract's words held by more records than this and 5% of all are not searched
_MATCH = "SELECT rowid FROM {table} WHERE {table} MATCH ? {limit}"


class ArxivIndex:
    """Read-only access to the index at ``path`` (see `readlist.index.schema` for how it stays readable while a
    build or an update runs). ``per_query`` records are kept per title or abstract searched."""

    def __init__(self, path: Path, *, per_query: int = 5, title_terms: int = 4, abstract_terms: int = 8) -> None:
        self.path = path
        self.per_query = per_query
        self.title_terms = title_terms  # rarest terms of a title searched when no record holds them all
        self.abstract_terms = abstract_terms
        self._conn = open_index(path)
        self.facts = facts(self._conn)

    @property
    def date(self) -> str | None:
        """The index's last datestamp: it holds arXiv's records as of this date (YYYY-MM-DD)."""
        return self.facts.get("last_datestamp")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ArxivIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch_ids(self, ids: Sequence[str]) -> dict[str, Record]:
        """Bare id -> latest-version record; ids the index does not hold (or that are malformed) are absent."""
        bare = []
        for raw in ids:
            ident = parse_identifier(raw)
            if ident is not None and ident.scheme == "arxiv":
                bare.append(bare_arxiv_id(ident.value))
        found = self._rows("id", list(dict.fromkeys(bare)))
        return {record.arxiv_id or "": record for record in found}

    def search_titles(self, titles: Sequence[str]) -> list[Record]:
        """Every record any of the titles found, once each, in the order first found (best first per title)."""
        nums: dict[int, None] = {}
        for title in titles:
            counts = self._rarest("title", title)
            terms = self._selective(counts)
            hits = self._match(terms, "AND") if terms else []
            if not hits and len(counts) > 1:
                hits = self._match(list(counts)[: self.title_terms], "OR")
            nums.update(dict.fromkeys(hits))
        return self._rows("num", list(nums))

    def search_abstracts(self, abstracts: Sequence[str]) -> list[Record]:
        """Every record sharing the rarest words of any of these abstracts, once each, best first per abstract."""
        total = int(self.facts.get("records") or 1)
        nums: dict[int, None] = {}
        for abstract in abstracts:
            scores: defaultdict[int, float] = defaultdict(float)  # row number -> weight of the rare words it shares
            for term, records in list(self._rarest("abstract", abstract).items())[: self.abstract_terms]:
                if records > max(COMMON, total // 20):  # a common word says little and has a long list: stop
                    break
                weight = math.log(1 + total / records)
                for (num,) in self._conn.execute(_MATCH.format(table="abstract_fts", limit=""), (f'"{term}"',)):
                    scores[num] += weight
            nums.update(dict.fromkeys(sorted(scores, key=scores.__getitem__, reverse=True)[: self.per_query]))
        return self._rows("num", list(nums))

    def _rarest(self, field: str, text: str) -> dict[str, int]:
        """The distinct words of ``text``'s normal form that some record holds -> how many, rarest first."""
        words = list(dict.fromkeys(normalize_title(text).split()))
        counts: dict[str, int] = {}
        for i in range(0, len(words), CHUNK):
            chunk = words[i : i + CHUNK]
            sql = f"SELECT term, records FROM {field}_terms WHERE term IN ({','.join('?' * len(chunk))})"
            counts.update(self._conn.execute(sql, chunk))
        return dict(sorted(counts.items(), key=lambda item: item[1]))

    def _selective(self, counts: dict[str, int]) -> list[str]:
        """The rarest words, as many as it takes for another record to be unlikely to hold them all (expected
        fewer than EXPECTED_OTHERS, their counts taken as independent; they are not: hence the margin). Common
        words, whose lists of records are long, are read only when the rare ones do not suffice."""
        total = max(int(self.facts.get("records") or 1), 1)
        expected = float(total)
        chosen = []
        for term, records in counts.items():
            chosen.append(term)
            expected *= records / total
            if expected < EXPECTED_OTHERS:
                break
        return chosen

    def _match(self, terms: list[str], operator: str) -> list[int]:
        query = f" {operator} ".join(f'"{term}"' for term in terms)  # normalized words: no quotes inside
        sql = _MATCH.format(table="title_fts", limit="ORDER BY rank LIMIT ?")
        return [num for (num,) in self._conn.execute(sql, (query, self.per_query))]

    def _rows(self, column: str, keys: Sequence[object]) -> list[Record]:
        """Records by id or row number, in the order of ``keys``."""
        found: dict[object, Record] = {}
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            sql = (
                f"SELECT {column}, id, title, authors, abstract, published, updated, version, categories, doi,"
                f" journal_ref FROM papers WHERE {column} IN ({','.join('?' * len(chunk))})"
            )
            found.update((key, _record(*rest)) for key, *rest in self._conn.execute(sql, chunk))
        return [found[key] for key in keys if key in found]


def _record(
    arxiv_id: str,
    title: str,
    authors: str,
    abstract: bytes | None,
    published: str | None,
    updated: str | None,
    version: int | None,
    categories: str | None,
    doi: str | None,
    journal_ref: str | None,
) -> Record:
    """A row as the arXiv API client would give it: author names decoded from LaTeX, the first DOI normalized."""
    return Record(
        source=SOURCE,
        title=title,
        authors=[latex_to_text(name) for name in authors.split(AUTHOR_SEPARATOR) if name],
        abstract=unpack(abstract),
        arxiv_id=arxiv_id,
        arxiv_version=version,
        published=published,
        updated=updated,
        year=int(published[:4]) if published else None,
        primary_class=categories.split()[0] if categories else None,
        doi=normalize_doi(doi.split()[0]) if doi else None,
        journal=journal_ref,
        url=f"https://arxiv.org/abs/{arxiv_id}",
    )
