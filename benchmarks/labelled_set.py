"""Build the labelled matching set from the seed pages and the corpus, and print precision/recall per threshold.

Run: ``.venv/bin/python benchmarks/labelled_set.py`` (seed pages from ``$READLIST_SHARED/seeds``, default
``../shared`` beside the repo). Candidates for an entry are the corpus records most similar in title, as an arXiv
title search would return them. Cases:
  positive   a seed entry whose paper is in the corpus (must match that paper);
  perturbed  the same with changed punctuation/case/LaTeX, a truncated abstract or a wrong-year date;
  absent     a seed entry whose paper is not in the corpus, and a positive with its true record withheld (must not
             match: its neighbours are the hard negatives);
  impostor   a positive whose true record is replaced by a same-title record of another paper (other abstract,
             authors and year: must not match);
  */title-only the cases above with the entry's abstract removed (impostors only where the page gives a date or an
             author count: a bare title cannot tell a same-title paper apart).

The cases are split in two by a hash of the entry's title (all cases of one title on the same side): thresholds are
swept on the tuning part only, and precision/recall are reported on the held-apart part, which played no part in
choosing them. ``--markdown`` prints the held-apart table as docs/matching.md shows it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from readlist.ingest.pages import parse_page
from readlist.model import Candidate, Entry, PartialDate, Record
from readlist.resolve.match import DEFAULT, Thresholds, decide, score
from readlist.text import normalize_title

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.fakeserver.corpus import other_abstract  # noqa: E402  (the distractor abstracts the fake server gives)

CANDIDATES = 5
PARTS = ("tuning", "held-apart")


@dataclass
class Case:
    kind: str
    entry: Entry
    records: list[Record]
    expected: str | None  # arXiv id (or title) of the right paper, None when nothing may match
    scored: list[Candidate] = field(default_factory=list)

    @property
    def part(self) -> str:
        """ "tuning" or "held-apart", by a hash of the entry's normalized title (about half each)."""
        digest = hashlib.sha256(normalize_title(self.entry.title or "").encode()).digest()
        return PARTS[digest[0] % 2]


def shared_dir() -> Path:
    return Path(os.environ.get("READLIST_SHARED") or REPO.parent / "shared")


def seed_entries() -> list[Entry]:
    entries: list[Entry] = []
    for page in sorted((shared_dir() / "seeds").glob("*.txt")):
        found, _problems = parse_page(page.read_text(encoding="utf-8"), page.name)
        entries.extend(e for e in found if e.title)
    return entries


def corpus_records(entries: list[Entry]) -> tuple[list[Record], dict[str, str]]:
    """Corpus papers as arXiv would give them (abstract from the seed page), and seed title -> paper id."""
    abstracts = {normalize_title(e.title or ""): e.abstract for e in entries}
    records, seed_of = [], {}
    for path in sorted((REPO / "tests" / "fixtures" / "corpus").glob("*.json")):
        for paper in json.loads(path.read_text(encoding="utf-8"))["papers"]:
            seed_key = normalize_title(paper.get("seed_title") or "")
            # Distractors are other papers: sentences of other seed papers' abstracts, as the fake server gives.
            abstract = (
                abstracts.get(seed_key)
                if seed_key
                else other_abstract(paper["title"], tuple(paper.get("confused_with") or ()), shared_dir() / "seeds")
            )
            rec = Record(
                "arxiv" if paper.get("arxiv_id") else "s2",
                paper["title"],
                authors=list(paper.get("authors") or []),
                abstract=abstract,
                arxiv_id=paper.get("arxiv_id"),
                published=paper.get("published"),
                doi=paper.get("doi"),
            )
            records.append(rec)
            if paper.get("kind") == "seed":
                seed_of[seed_key] = ident(rec)
    return records, seed_of


def ident(record: Record) -> str:
    return record.arxiv_id or record.doi or normalize_title(record.title)


def nearest(entry: Entry, records: list[Record], titles: list[str]) -> list[Record]:
    hits = process.extract(normalize_title(entry.title or ""), titles, scorer=fuzz.ratio, limit=CANDIDATES)
    return [records[i] for _, _, i in hits]


def perturbations(entry: Entry) -> Iterator[Entry]:
    title = entry.title or ""
    yield replace(entry, title=title.upper().replace(":", " -"))
    yield replace(entry, title=title.replace("-", " ").replace("infty", "$\\infty$") + ".")
    if entry.abstract and len(entry.abstract) > 400:
        yield replace(entry, abstract=entry.abstract[: len(entry.abstract) // 2])
    if entry.date and entry.date.year:
        yield replace(entry, date=PartialDate(entry.date.year - 2, entry.date.month, entry.date.day))


def impostor(record: Record, other: Record) -> Record:
    """A record with ``record``'s title but everything else from ``other`` and two years earlier."""
    published = PartialDate.from_iso(record.published)
    year = (published.year if published and published.year else 2020) - 2
    return replace(other, title=record.title, arxiv_id=f"impostor-{record.arxiv_id}", published=f"{year}-01-15")


def build_cases() -> list[Case]:
    entries = seed_entries()
    records, seed_of = corpus_records(entries)
    titles = [normalize_title(r.title) for r in records]
    by_id = {ident(r): r for r in records}
    cases: list[Case] = []
    for i, entry in enumerate(entries):
        expected = seed_of.get(normalize_title(entry.title or ""))
        pool = nearest(entry, records, titles)
        if expected is None:
            cases.append(Case("absent", entry, pool, None))
            continue
        true = by_id[expected]
        pool = [true, *(r for r in pool if r is not true)]
        cases.append(Case("positive", entry, pool, expected))
        cases.extend(Case("perturbed", p, pool, expected) for p in perturbations(entry))
        others = [r for r in pool[1:] if r.abstract and r.abstract != true.abstract]
        without = [r for r in records if r is not true]
        cases.append(Case("absent", entry, nearest(entry, without, [normalize_title(r.title) for r in without]), None))
        donor = others[0] if others else by_id[ident(records[(i + 1) % len(records)])]
        cases.append(Case("impostor", entry, [impostor(true, donor), *pool[1:]], None))
    # Entries with a title alone (a .bib line, a bare list): the same cases without the abstract.
    bare = [replace(c, kind=f"{c.kind}/title-only", entry=replace(c.entry, abstract=None)) for c in cases]
    # A title alone cannot tell a same-title paper apart: impostors count only where the page gives a date or
    # an author count (docs/matching.md discusses the rest).
    informative = [c for c in bare if c.kind != "impostor/title-only" or c.entry.date or c.entry.author_count]
    return cases + [c for c in informative if c.kind != "perturbed/title-only"]


def evaluate(cases: list[Case], t: Thresholds) -> dict[str, int]:
    tally = {"tp": 0, "wrong": 0, "review": 0, "unresolved": 0, "positives": 0, "negatives": 0}
    for case in cases:
        if not case.scored:
            case.scored = [score(case.entry, r) for r in case.records]
        outcome = decide(case.entry, case.scored, t)
        tally["positives" if case.expected else "negatives"] += 1
        if outcome.status == "matched":
            tally["tp" if outcome.record and ident(outcome.record) == case.expected else "wrong"] += 1
        else:
            tally["review" if outcome.status == "needs-review" else "unresolved"] += 1
    return tally


def rates(tally: dict[str, int]) -> tuple[float, float]:
    matched = tally["tp"] + tally["wrong"]
    precision = tally["tp"] / matched if matched else 1.0
    recall = tally["tp"] / tally["positives"] if tally["positives"] else 0.0
    return precision, recall


def report(cases: list[Case], t: Thresholds) -> str:
    tally = evaluate(cases, t)
    precision, recall = rates(tally)
    return (
        f"precision {precision:.4f}  recall {recall:.4f}  wrong {tally['wrong']:3d}  "
        f"review {tally['review']:4d}  unresolved {tally['unresolved']:4d}"
    )


SWEEPS = {
    "score": (0.70, 0.75, 0.80, 0.85, 0.90, 0.95),
    "title": (0.85, 0.90, 0.92, 0.95, 0.98),
    "title_alone": (0.90, 0.95, 0.98, 1.0),
    "abstract_same": (0.90, 0.95, 0.97, 0.99),
    "margin": (0.0, 0.02, 0.05, 0.10),
}
LABELS = {
    "positive": "positive",
    "perturbed": "perturbed",
    "absent": "absent (must not match)",
    "impostor": "impostor (must not match)",
    "positive/title-only": "positive, title only",
    "absent/title-only": "absent, title only",
    "impostor/title-only": "impostor, title only (page gives date/count)",
}


def best_value(cases: list[Case], name: str) -> float:
    """The swept value with no wrong match and the highest recall on ``cases``; ties keep the current default,
    else the strictest such value."""
    results = []
    for value in SWEEPS[name]:
        tally = evaluate(cases, replace(DEFAULT, **{name: value}))
        results.append((tally["wrong"] == 0, rates(tally)[1], value))
    top = max((ok, recall) for ok, recall, _ in results)
    values = [v for ok, recall, v in results if (ok, recall) == top]
    current = getattr(DEFAULT, name)
    if current in values:
        return current
    return min(values) if name == "margin" else max(values)


def markdown(cases: list[Case], t: Thresholds) -> str:
    lines = [
        "| cases | n | precision | recall | wrong | needs-review | unresolved |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, text in LABELS.items():
        group = [c for c in cases if c.kind == kind]
        if not group:
            continue
        tally = evaluate(group, t)
        precision, recall = rates(tally)
        shown = (f"{precision:.3f}", f"{recall:.3f}") if tally["positives"] else ("-", "-")
        lines.append(
            f"| {text} | {len(group)} | {shown[0]} | {shown[1]} | {tally['wrong']} | {tally['review']} "
            f"| {tally['unresolved']} |"
        )
    precision, recall = rates(evaluate(cases, t))
    lines.append(f"| **all** | {len(cases)} | {precision:.3f} | {recall:.3f} | {evaluate(cases, t)['wrong']} | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print only the held-apart table (docs/matching.md)")
    args = parser.parse_args()
    cases = build_cases()
    parts = {name: [c for c in cases if c.part == name] for name in PARTS}
    tuning, held = parts["tuning"], parts["held-apart"]
    if args.markdown:
        print(markdown(held, DEFAULT))
        return 0
    kinds = {c.kind: sum(d.kind == c.kind for d in cases) for c in cases}
    print("labelled set:", ", ".join(f"{n} {k}" for k, n in kinds.items()))
    print(f"split by title hash: {len(tuning)} tuning cases, {len(held)} held-apart cases")
    print("sweeps on the tuning part (each threshold varied, the others at the defaults):")
    for name, values in SWEEPS.items():
        best = best_value(tuning, name)
        for value in values:
            mark = " <- default" if getattr(DEFAULT, name) == value else ""
            mark += " <- best on tuning" if value == best else ""
            print(f"  {name}={value:.2f}  {report(tuning, replace(DEFAULT, **{name: value}))}{mark}")
    for name in PARTS:
        print(f"{name} part at the defaults:")
        for kind in kinds:
            group = [c for c in parts[name] if c.kind == kind]
            print(f"  {kind:22s} {len(group):5d}  {report(group, DEFAULT)}")
        print(f"  {'all':22s} {len(parts[name]):5d}  {report(parts[name], DEFAULT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
