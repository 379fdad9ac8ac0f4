"""A library of hostile papers for the export tests: every entry kind, LaTeX specials, hard names and letters.

Besides hand-made cases it carries every distinct character of the seed pages (read at run time) in titles,
so whatever the real library holds must survive export, parsing and compilation.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from readlist.model import Note, Paper
from tests.paths import seed_pages

HOSTILE = r"Braces } { @ % \ $ # & _ ~ ^ \"quotes\" <b>html</b> $5 and $10, math $x^2_{i}$ and $\input{evil}$ 100%"
NAMES = [
    "Łucja Nowak",
    "Ludwig van Beethoven",
    "Diego de la Vega",
    "Martin Luther King Jr.",
    "Gemini Team",
    "AT&T Labs Research",
    "Nguyễn Văn Việt",
    "Ísak Íñigo",
    "José Ángel Muñoz-García",
    "Jean-Pierre O'Brien",
    "Zoë Brontë",
    "李 明",
    "Søren Kierkegaard",
    "Straße {Weird} Name%",
]


def seed_characters() -> str:
    """Every distinct non-space character of the seed pages, sorted."""
    chars: set[str] = set()
    for page in seed_pages():
        chars |= set(page.read_text(encoding="utf-8"))
    return "".join(sorted(ch for ch in chars if not ch.isspace()))


def hostile_library() -> list[Paper]:
    """Papers sorted by key, as the store hands them to an exporter."""
    papers = [
        Paper(
            0,
            "park2024foundation",
            "Foundation Policies with Hilbert Representations",
            ["Seohong Park", "Tobias Kreiman", "Sergey Levine"],
            abstract="A synthetic abstract with 50% of $x$ & {braces} and a URL https://example.org/a_b#c.",
            year=2024,
            date="2024-02-23",
            arxiv_id="2402.15567",
            arxiv_version=2,
            primary_class="cs.LG",
            status="matched",
            state="read",
            tags=["reinforcement learning", "rl/offline", "2024"],
            notes=[Note("First note: see §3.\n- not a list", "2024-03-01T10:00:00"), Note("Second } note {", "x")],
        ),
        Paper(
            0,
            "park2024metra",
            "METRA: Scalable Unsupervised RL with Metric-Aware Abstraction",
            ["Seohong Park", "Oleh Rybkin", "Sergey Levine"],
            year=2024,
            arxiv_id="2310.08887",
            primary_class="cs.LG",
            doi="10.48550/arXiv.2310.08887",
            status="matched",
            state="reading",
            venue="International Conference on Learning Representations (ICLR)",
            entry_type="inproceedings",
            pages="1-20",
        ),
        Paper(
            0,
            "doe2023journal",
            "A Journal Paper on CLIP and Adapt-$\\infty$ in the Wild",
            NAMES[:6],
            year=2023,
            arxiv_id="2301.00001",
            primary_class="stat.ML",
            doi="10.1000/j.jmlr.2023.01(5)",
            status="matched",
            journal="Journal of Machine Learning Research",
            entry_type="article",
            volume="24",
            pages="101--130",
            fields={"isbn": "978-3-16-148410-0", "bad field": "dropped", "series": "{unbalanced", "publisher": "{ACM}"},
        ),
        Paper(
            0,
            "hostile2024braces",
            HOSTILE,
            NAMES[6:],
            abstract=HOSTILE,
            year=2024,
            status="matched",
            arxiv_id="2401.00002",
            notes=[Note(HOSTILE + "\n\n@misc{evil, title={x}}", "t")],
            tags=[HOSTILE],
        ),
        Paper(
            0,
            "letters2022",
            "Ệ ệ Łódź Ångström Ærø Œuvre ß İstanbul ıi ǘ ň ő ş ţ ą ę ė 中国镜像站 · • – —",
            ["Łucja Nowak"],
            year=2022,
            status="matched",
            arxiv_id="2201.00003",
            primary_class="cs.CL",
        ),
        Paper(
            0,
            "pending2024",
            "Pending Entry Found Only on a Page",
            [],
            year=None,
            status="pending",
            notes=[Note("check later", "t")],
        ),
        Paper(0, "unresolved2024", "", [], status="unresolved", arxiv_id="2405.00004"),
    ]
    chars = seed_characters()
    for i in range(0, len(chars), 40):
        papers.append(
            Paper(
                0,
                f"seedchars{i:03d}",
                " ".join(chars[i : i + 40]),
                ["Seed Author"],
                year=2024,
                status="matched",
                arxiv_id=f"2402.{i:05d}",
            )
        )
    return sorted(papers, key=lambda p: p.key)


def _drop_cjk(text: str) -> str:
    return "".join(ch for ch in text if not unicodedata.name(ch, "").startswith("CJK"))


def without_cjk(paper: Paper) -> Paper:
    """``paper`` with CJK letters removed from title and names (for pdflatex + biber, which cannot set them)."""
    authors = [a for a in (_drop_cjk(a).strip() for a in paper.authors) if a]
    return dataclasses.replace(paper, title=_drop_cjk(paper.title), authors=authors)
