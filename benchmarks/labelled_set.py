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

``--index FILE``: the local arXiv index (`readlist index build`, holding the corpus's records) is the only source:
an entry's candidates are what the index finds for it, by title and by abstract, kept as the resolver keeps them
(a title search's records at least half similar in title, an abstract search's near in abstract), instead of the
nearest corpus titles with the true record put first. A positive whose record the searches miss is then a miss;
"absent" withholds the true record from what the index found. Both modes print the renamed positives (page title
not the record's) apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from readlist.ingest.pages import parse_page
from readlist.model import Candidate, Entry, PartialDate, Record
from readlist.resolve.match import DEFAULT, Thresholds, decide, score
from readlist.resolve.run import MIN_TITLE_SIMILARITY
from readlist.similarity import DIFFERENT_ABSTRACTS, abstract_similarity
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


Finder = Callable[[Entry, str | None], list[Record]]  # an entry's candidates, without the record of that id


def corpus_finder(records: list[Record]) -> Finder:
    """The corpus records nearest in title (an arXiv title search)."""
    titles = [normalize_title(r.title) for r in records]

    def find(entry: Entry, without: str | None) -> list[Record]:
        if without is None:
            return nearest(entry, records, titles)
        kept = [i for i, r in enumerate(records) if ident(r) != without]
        return nearest(entry, [records[i] for i in kept], [titles[i] for i in kept])

    return find


def index_finder(path: Path) -> Finder:
    """What the local index finds by title and by abstract, kept as the resolver keeps each (`readlist.resolve.run`:
    a title search's records at least half similar in title, an abstract search's near in abstract). The resolver
    searches abstracts only for the entries the title search left; here every entry with an abstract gets both,
    the harder test."""
    from readlist.index.query import ArxivIndex

    index = ArxivIndex(path)

    def find(entry: Entry, without: str | None) -> list[Record]:
        title = normalize_title(entry.title or "")
        found = [
            r
            for r in index.search_titles([entry.title or ""])
            if fuzz.ratio(title, normalize_title(r.title)) >= 100 * MIN_TITLE_SIMILARITY
        ]
        if entry.abstract:
            seen = {r.arxiv_id for r in found}
            found += [
                r
                for r in index.search_abstracts([entry.abstract])
                if r.arxiv_id not in seen
                and abstract_similarity(entry.abstract, r.abstract or "") >= DIFFERENT_ABSTRACTS
            ]
        return [r for r in found if ident(r) != without]

    return find


def build_cases(index: Path | None = None) -> list[Case]:
    entries = seed_entries()
    records, seed_of = corpus_records(entries)
    by_id = {ident(r): r for r in records}
    find = index_finder(index) if index else corpus_finder(records)
    cases: list[Case] = []
    # Entries with a title alone (a .bib line, a bare list) too: the same cases without the abstract.
    for suffix in ("", "/title-only"):
        for i, full in enumerate(entries):
            entry = replace(full, abstract=None) if suffix else full
            expected = seed_of.get(normalize_title(entry.title or ""))
            found = find(entry, None)
            if expected is None:
                cases.append(Case("absent" + suffix, entry, found, None))
                continue
            true = next((r for r in found if ident(r) == expected), None) if index else by_id[expected]
            pool = [true, *(r for r in found if r is not true)] if true else found
            cases.append(Case("positive" + suffix, entry, pool, expected))
            if not suffix:
                cases.extend(
                    Case("perturbed", p, find(p, None) if index else pool, expected) for p in perturbations(entry)
                )
            truth = true or by_id[expected]
            rest = [r for r in pool if r is not true]
            # another paper's abstract: one the matcher would call different (an abstract search finds near ones)
            others = [r for r in rest if r.abstract and different(r.abstract, truth.abstract)]
            cases.append(Case("absent" + suffix, entry, find(entry, expected), None))
            # A title alone cannot tell a same-title paper apart: impostors count only where the page gives a date
            # or an author count (docs/matching.md discusses the rest).
            if not suffix or entry.date or entry.author_count:
                donor = (others or [r for r in records[i:] + records[:i] if different(r.abstract, truth.abstract)])[0]
                cases.append(Case("impostor" + suffix, entry, [impostor(truth, donor), *rest], None))
    return cases


def different(abstract: str | None, other: str | None) -> bool:
    return abstract_similarity(abstract or "", other or "") < DIFFERENT_ABSTRACTS


def renamed(case: Case) -> bool:
    """A positive whose page title is not its record's title now (renamed on arXiv since)."""
    return (
        case.expected is not None
        and case.kind.startswith("positive")
        and case.entry.title is not None
        and any(normalize_title(case.entry.title) != normalize_title(r.title) for r in case.records[:1])
    )


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
        if kind == "positive":  # the renamed among them: the index finds them by abstract
            moved = [c for c in group if renamed(c)]
            tally = evaluate(moved, t)
            precision, recall = rates(tally)
            lines.append(
                f"| ... of which renamed on arXiv | {len(moved)} | {precision:.3f} | {recall:.3f} | {tally['wrong']} "
                f"| {tally['review']} | {tally['unresolved']} |"
            )
    precision, recall = rates(evaluate(cases, t))
    lines.append(f"| **all** | {len(cases)} | {precision:.3f} | {recall:.3f} | {evaluate(cases, t)['wrong']} | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print only the held-apart table (docs/matching.md)")
    parser.add_argument("--index", type=Path, help="the local index as the only source (holding the corpus)")
    args = parser.parse_args()
    cases = build_cases(args.index)
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
