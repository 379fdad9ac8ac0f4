"""Seeded synthetic arXiv metadata snapshots: JSON lines in the schema of Kaggle's "Cornell-University/arxiv".

Shaped like the real file so that build figures carry over: ids in arXiv's order (new-style ``YYMM.NNNNN`` by
month from 0704, then old-style ``archive/YYMMNNN``), titles of 3-25 words (some with an acronym prefix, LaTeX math
or accented names), abstracts of 20-300 words (~125 on average, ~1 KB, as arXiv's), author lists from 1 to a few
hundred names (both the ``authors`` string and ``authors_parsed``; 10% with LaTeX accents), 1-6 versions with RFC
2822 dates, categories, DOIs (40%), journal references (30%), comments, licenses and ``update_date``. Words come
from a seeded vocabulary of made-up words with Zipf frequencies (plus the word lists of `synth.py`), so that rare
and common terms are spread as in real text; nothing is copied from anywhere. Lines average ~1.6 KB (the real
file: ~4.5 GB for ~2.9 million records). The same (n, seed) always gives the same file.

Run: ``.venv/bin/python benchmarks/snapshot.py 100000 /tmp/snapshot-100k.json [--seed 1]``
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import FILLER, FIRST, LAST, LATEX_NAMES, TOPICS, VERBS, arguments

VOCABULARY = 200_000  # made-up technical words, Zipf-distributed
SYLLABLES = (
    "ka lo ri ten sor mat ix gra phon net ac ti va ber tra ns form er qua ntum spin lat tice bo son fer mi on "
    "hy per ge o met ric pro ba bil is tic neu ral ker nel op ti mal flu id dy nam ics mo du lar al ge bra "
    "to po lo gi cal ma ni fold sto chas tic gra di ent de scent en tro py di ver gence"
).split()
FUNCTION_WORDS = "of for with via on in and the a to from by under towards beyond using".split()
CATEGORIES = (
    "cs.LG cs.CV cs.CL cs.AI stat.ML cs.RO cs.CR cs.DS cs.IT math.AP math.PR math.CO math.AG math.NT math.OC "
    "hep-th hep-ph hep-ex hep-lat gr-qc astro-ph.CO astro-ph.GA astro-ph.SR astro-ph.HE cond-mat.mes-hall "
    "cond-mat.str-el cond-mat.stat-mech cond-mat.mtrl-sci quant-ph physics.optics physics.flu-dyn q-bio.NC "
    "econ.EM eess.SP eess.IV nucl-th math-ph"
).split()
OLD_ARCHIVES = "hep-th hep-ph astro-ph cond-mat gr-qc math quant-ph nucl-th physics".split()
LICENSES = (
    None,
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
)
MATH = ("$\\alpha$", "$O(n \\log n)$", "$\\mathcal{N}=4$", "$k$", "$\\ell_1$", "$SU(3)$", "$L^2$", "$p$-adic")
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
AUTHOR_COUNTS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 60, 150, 400)
AUTHOR_WEIGHTS = (12, 18, 20, 15, 10, 7, 5, 4, 3, 2, 1.5, 1, 0.8, 0.4, 0.2, 0.1)


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Made-up words and the cumulative Zipf weights to draw them with (``rng.choices(words, cum_weights=...)``)."""
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words["".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 2, 3, 3, 4))))] = None
    weights = itertools.accumulate(1.0 / (rank + 10) for rank in range(VOCABULARY))
    return list(words), list(weights)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words, self.cum = vocabulary(self.rng)
        self.common = FILLER * 4 + FUNCTION_WORDS * 3 + TOPICS + VERBS

    def _technical(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def title(self) -> str:
        rng = self.rng
        n = max(3, min(25, int(rng.gauss(10, 3.5))))
        technical = self._technical(n)
        words = [w if rng.random() < 0.6 else rng.choice(FUNCTION_WORDS + TOPICS) for w in technical]
        words[0] = words[0].capitalize()
        if rng.random() < 0.05:
            words.insert(rng.randrange(len(words)), rng.choice(MATH))
        if rng.random() < 0.02:
            words.append(f"{rng.choice(list(LATEX_NAMES.values()))}")
        title = " ".join(words)
        if rng.random() < 0.25:
            title = f"{technical[-1][: rng.randint(3, 6)].upper()}: {title}"
        return title

    def abstract(self) -> str:
        rng = self.rng
        n = max(20, min(300, int(rng.gauss(125, 45))))
        technical = iter(self._technical(n))
        words = [next(technical) if rng.random() < 0.45 else rng.choice(self.common) for _ in range(n)]
        if rng.random() < 0.3:
            words.insert(rng.randrange(n), rng.choice(MATH))
        sentences, i = [], 0
        while i < len(words):
            j = i + rng.randint(12, 30)
            sentence = " ".join(words[i:j])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            i = j
        words = " ".join(sentences).split(" ")
        # as submitted: hard-wrapped (every 11 words here) with leading spaces
        return "  " + "\n".join(" ".join(words[k : k + 11]) for k in range(0, len(words), 11)) + "\n"

    def authors(self) -> list[list[str]]:
        rng = self.rng
        n = rng.choices(AUTHOR_COUNTS, weights=AUTHOR_WEIGHTS)[0]
        out = []
        for _ in range(n):
            last = rng.choice(list(LATEX_NAMES.values()) if rng.random() < 0.1 else LAST)
            first = rng.choice(FIRST)
            first = f"{first[0]}." if rng.random() < 0.4 else first
            out.append([last, first, "Jr" if rng.random() < 0.003 else ""])
        return out

    def versions(self, year: int, month: int) -> list[dict[str, str]]:
        rng = self.rng
        n = rng.choices((1, 2, 3, 4, 5, 6), weights=(60, 25, 9, 3, 2, 1))[0]
        day = rng.randint(1, 28)
        ordinal = year * 372 + (month - 1) * 31 + day  # a monotone day count, good enough for version dates
        out = []
        for v in range(1, n + 1):
            y, rest = divmod(ordinal, 372)
            m, d = divmod(rest, 31)
            h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
            created = f"{WEEKDAYS[ordinal % 7]}, {d or 1} {MONTHS[m]} {y} {h:02d}:{mi:02d}:{s:02d} GMT"
            out.append({"version": f"v{v}", "created": created})
            ordinal = min(ordinal + rng.randint(1, 400), 2026 * 372 + 10 * 31)  # none after November 2026
        return out

    def record(self, arxiv_id: str, year: int, month: int) -> dict[str, object]:
        rng = self.rng
        parsed = self.authors()
        names = [f"{first} {last}".strip() for last, first, _ in parsed]
        authors = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        primary = rng.choice(CATEGORIES)
        categories = " ".join(dict.fromkeys([primary, *rng.sample(CATEGORIES, rng.choice((0, 0, 1, 1, 2, 3)))]))
        versions = self.versions(year, month)
        last_version = versions[-1]["created"].split()
        update = (int(last_version[3]), MONTHS.index(last_version[2]) + 1, int(last_version[1]))
        return {
            "id": arxiv_id,
            "submitter": names[0],
            "authors": authors,
            "title": self.title(),
            "comments": f"{rng.randint(4, 60)} pages, {rng.randint(1, 20)} figures" if rng.random() < 0.7 else None,
            "journal-ref": f"J. Synth. Res. {rng.randint(1, 99)} ({year}) {rng.randint(1, 999)}"
            if rng.random() < 0.3
            else None,
            "doi": f"10.{rng.randint(1000, 9999)}/synth.{arxiv_id.replace('/', '.')}" if rng.random() < 0.4 else None,
            "report-no": None,
            "categories": categories,
            "license": rng.choice(LICENSES),
            "abstract": self.abstract(),
            "versions": versions,
            "update_date": f"{update[0]:04d}-{update[1]:02d}-{min(update[2], 28):02d}",
            "authors_parsed": parsed,
        }


def ids(n: int) -> Iterator[tuple[str, int, int]]:
    """``n`` arXiv ids in the snapshot's order, with their year and month: 90% new-style, then 10% old-style."""
    new = n - n // 10
    months = [(y, m) for y in range(2007, 2027) for m in range(1, 13) if (y, m) >= (2007, 4)]
    per_month = -(-new // len(months))
    count = 0
    for y, m in months:
        for k in range(1, per_month + 1):
            if count == new:
                break
            count += 1
            yield (f"{y % 100:02d}{m:02d}.{k:05d}" if y >= 2015 else f"{y % 100:02d}{m:02d}.{k:04d}"), y, m
    old = n - new
    per_archive = -(-old // len(OLD_ARCHIVES))
    for archive in OLD_ARCHIVES:
        for k in range(per_archive):
            if count == n:
                return
            count += 1
            year, month = 1992 + k // 11988 % 15, 1 + k // 999 % 12
            yield f"{archive}/{year % 100:02d}{month:02d}{k % 999 + 1:03d}", year, month


def write_snapshot(path: Path, n: int, seed: int = 1) -> None:
    """``n`` generated records as JSON lines in ``path``."""
    gen = Generator(seed)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        for arxiv_id, year, month in ids(n):
            out.write(json.dumps(gen.record(arxiv_id, year, month)))
            out.write("\n")
    tmp.replace(path)


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    write_snapshot(args.out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
