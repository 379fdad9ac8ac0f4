"""Write exports/README.md for the main job: how the exports were made and what stayed unresolved."""

from __future__ import annotations

import sys

from readlist.api import ReadingList
from readlist.config import load_settings
from readlist.store.library import Filters


def main(mode: str) -> None:
    with ReadingList(load_settings()) as rl:
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
        for name in ("needs-review", "unresolved", "pending"):
            papers = list(rl.papers(Filters(status=name)))
            if not papers:
                continue
            print(f"\n## {name} ({len(papers)})\n")
            for p in sorted(papers, key=lambda p: p.title.lower()):
                reason = p.evidence.get("reason")
                print(f"- `{p.key}` {p.title}" + (f" ({reason})" if reason else ""))


if __name__ == "__main__":
    main(sys.argv[1])
