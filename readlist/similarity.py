"""How alike two titles or two abstracts are, in [0, 1]: what the matcher scores and the identity rule compares.

`DIFFERENT_ABSTRACTS` is the one line between "the same paper" and "another paper" for abstracts: the matcher
refuses a candidate below it, and the library never merges two entries of one title below it.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from readlist.text import normalized

DIFFERENT_ABSTRACTS = 0.70  # below this two abstracts describe different papers (docs/matching.md)


def ratio(a: str, b: str) -> float:
    """Similarity of two strings as they are (rapidfuzz's normalized Levenshtein ratio), in [0, 1]."""
    return fuzz.ratio(a, b) / 100.0


def title_similarity(a: str, b: str) -> float:
    """Similarity of two titles after normalization (Unicode, LaTeX, case, punctuation), in [0, 1]."""
    return ratio(normalized(a), normalized(b))


def abstract_similarity(entry_abstract: str, record_abstract: str) -> float:
    """Similarity of two abstracts; an entry abstract cut short is compared with the same-length record prefix."""
    a, b = normalized(entry_abstract), normalized(record_abstract)
    if not a or not b:
        return 0.0
    full = ratio(a, b)
    if len(a) < 0.9 * len(b) and len(a) >= 200:
        return max(full, ratio(a, b[: len(a)]))
    return full
