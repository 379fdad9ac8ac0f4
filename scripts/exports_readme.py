"""Write exports/README.md for the main job: how the exports were made, what stayed unresolved and why, and the
matches checked against the recorded facts (tests/fixtures/corpus: arXiv ids read on the source pages)."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from readlist.api import ReadingList
from readlist.config import load_settings
from readlist.store.library import Filters
from readlist.text import normalize_title

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"


def corpus_by_seed_title() -> dict[str, dict]:
    """Normalized seed title -> the recorded seed paper (its facts read on source pages, not found by readlist)."""
    table: dict[str, dict] = {}
    for path in sorted(CORPUS.glob("*.json")):
        for paper in json.loads(path.read_text(encoding="utf-8"))["papers"]:
            if paper.get("kind") == "seed":
                table[normalize_title(paper["seed_title"])] = paper
    return table


def left_out() -> dict[str, str]:
    """Normalized seed title -> why the corpus has no record (the corpus README's "Left out" table)."""
    readme = CORPUS / "README.md"
    if not readme.is_file():
        return {}
    section = readme.read_text(encoding="utf-8").split("## Left out", 1)[-1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return {normalize_title(r[0]): r[1].strip() for r in rows[1:] if len(r) >= 2}


def page_titles(library: Path) -> dict[int, list[str]]:
    """Paper id -> the titles its page entries gave."""
    with sqlite3.connect(f"file:{library}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT paper_id, title FROM sources WHERE title IS NOT NULL").fetchall()
    titles: dict[int, list[str]] = {}
    for paper_id, title in rows:
        titles.setdefault(paper_id, []).append(title)
    return titles


def why(paper_titles: list[str], recorded: dict[str, dict], missing: dict[str, str]) -> str | None:
    """What the recorded facts say about a paper readlist did not match."""
    for title in paper_titles:
        key = normalize_title(title)
        if key in missing:
            return f"not in the recorded corpus: {missing[key]}"
        record = recorded.get(key)
        if record and normalize_title(record["title"]) != key:
            return f'renamed on arXiv: {record["arxiv_id"]} is now titled "{record["title"]}"'
    return None


def main(mode: str) -> None:
    settings = load_settings()
    recorded, missing = corpus_by_seed_title(), left_out()
    titles = page_titles(settings.library)
    with ReadingList(settings) as rl:
        stats = rl.stats()
        print("# exports/\n")
        print("Made by `bash scripts/main.sh` (the README's first command) from the five seed pages in")
        print(f"`../shared/seeds/`, resolved against {mode}.")
        print("Abstracts are left out of these committed files (`--no-abstract`).\n")
        print("- `reading-list.bib`: BibTeX (`readlist export --format bibtex`)")
        print("- `reading-list.md`: Markdown reading list (`readlist export --format markdown`)\n")
        print(f"{stats['papers']} papers from {stats['sources']} page entries.\n")
        print("| status | papers |\n|---|---|")
        status = stats["status"]
        assert isinstance(status, dict)
        for name, n in status.items():
            print(f"| {name} | {n} |")

        right, wrong, unchecked = 0, [], []
        for paper in rl.papers(Filters(status="matched")):
            keys = {normalize_title(t) for t in titles.get(paper.id, [])}
            expected = {recorded[k]["arxiv_id"] for k in keys if k in recorded}
            if not expected:
                unchecked.append(paper)
            elif paper.arxiv_id in expected:
                right += 1
            else:
                wrong.append((paper, sorted(expected)))
        print("\n## Matches checked against the recorded facts\n")
        print("Each matched paper's arXiv id compared with the id recorded for its page title in")
        print("`tests/fixtures/corpus` (ids read on the source pages, see its README), not with the matcher's view:\n")
        print(f"- same id: {right}")
        print(f"- different id (wrong matches): {len(wrong)}")
        print(f"- no recorded id to compare: {len(unchecked)}")
        for paper, expected in wrong:
            print(f"  - `{paper.key}` {paper.arxiv_id} instead of {', '.join(expected)}: {paper.title}")
        for paper in unchecked:
            print(f"  - `{paper.key}` {paper.arxiv_id}: {paper.title} (unchecked)")

        for name in ("needs-review", "unresolved", "pending"):
            papers = list(rl.papers(Filters(status=name)))
            if not papers:
                continue
            print(f"\n## {name} ({len(papers)})\n")
            for p in sorted(papers, key=lambda p: p.title.lower()):
                reason = p.evidence.get("reason")
                line = f"- `{p.key}` {p.title}" + (f" ({reason})" if reason else "")
                known = why(titles.get(p.id, []), recorded, missing)
                print(line + (f"; {known}" if known else ""))


if __name__ == "__main__":
    main(sys.argv[1])
