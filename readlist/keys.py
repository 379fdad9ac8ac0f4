"""Citation keys: Google Scholar style by default (``park2024foundation``), assigned once and stored."""

from __future__ import annotations

from collections.abc import Callable
from string import ascii_lowercase

from anyascii import anyascii

from readlist.text import words

STOPWORDS = frozenset(
    "a an the on of for in to and with from by at via is are as its how what why when do does can".split()
)


def _ascii_word(text: str) -> str:
    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


def last_name(name: str) -> str:
    """The surname of a "First Last" or "Last, First" name, via pybtex's name parser."""
    from pybtex.database import Person

    try:
        person = Person(name)
    except Exception:  # pybtex raises plain exceptions on odd names; fall back to the last word
        return name.split()[-1] if name.split() else ""
    return " ".join(person.last_names) or name


def key_base(title: str, authors: list[str], year: int | None) -> str:
    """``<last name><year><first significant title word>``, ASCII and lower case.

    With no authors yet (a pending page entry) the first title word stands in for the name.
    """
    title_words = [w for w in (_ascii_word(w) for w in words(title)) if w]
    significant = [w for w in title_words if w not in STOPWORDS] or title_words or ["paper"]
    head = _ascii_word(last_name(authors[0])) if authors else ""
    if not head:
        return f"{significant[0]}{year or ''}"
    return f"{head}{year or ''}{significant[0]}"


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, else ``base`` + a, b, ... z, aa, ab, ... : the first one not taken."""
    if not taken(base):
        return base
    n = 0
    while True:
        suffix, i = "", n
        while True:
            suffix = ascii_lowercase[i % 26] + suffix
            i = i // 26 - 1
            if i < 0:
                break
        if not taken(base + suffix):
            return base + suffix
        n += 1


def make_key(
    title: str,
    authors: list[str],
    year: int | None,
    taken: Callable[[str], bool],
    style: str = "default",
    pattern: str | None = None,
) -> str:
    """A new unique citation key for a paper."""
    return unique_key(key_base(title, authors, year), taken)
