"""Citation keys (``park2024foundation``, assigned once and stored) and the name parsing they share with exports."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from string import ascii_lowercase

from readlist.errors import ReadlistError
from readlist.text import words

STOPWORDS = frozenset(
    "a an the on of for in to and with from by at via is are as its how what why when do does can".split()
)
# Better BibTeX's shorttitle skips these function words (its list is longer and multilingual; "are" is kept).
BBT_SKIPWORDS = frozenset(
    "a an and as at but by for from in into is nor of off on onto or over per so than the to up upon via von with yet"
    " ".split()
)
STYLES = {
    "default": "{auth}{year}{title}",  # Google Scholar: park2024foundation
    "bbt": "{auth}{ShortTitle}{year}",  # Better BibTeX: brownLanguageModelsAre2020
}
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv v".split())
# Corporate authors ("Gemini Team", "The ATLAS Collaboration") are one name, never "Last, First".
_CORPORATE = re.compile(
    r"\b(team|consortium|collaboration|group|laborator(y|ies)|lab|institute|university|inc\.?|ltd\.?|corporation"
    r"|foundation|project|committee|association|society|council|initiative|organi[sz]ation|cent(er|re)|alliance)\b",
    re.IGNORECASE,
)
_CAPITALIZED = re.compile(r"[^\W\d_][^\s~\\-]*")  # a word pybtex keeps whole, checked for a capital below
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.-]+")


@dataclass(frozen=True)
class NameParts:
    """A personal name split the BibTeX way; a corporate name has only ``literal``."""

    first: str = ""  # first and middle names
    von: str = ""  # particles: "van", "de la"
    last: str = ""
    jr: str = ""  # lineage: "Jr.", "III"
    literal: str = ""

    @property
    def surname(self) -> str:
        return self.literal or self.last


@lru_cache(maxsize=8192)  # authors recur across a library; pybtex's parser is slow
def parse_name(name: str) -> NameParts:
    """Split "First von Last", "von Last, First" or "von Last, Jr., First" with pybtex's name rules.

    A trailing "Jr."/"III" without a comma (as sources print it) is taken as the lineage. Corporate
    names, names pybtex cannot parse, and names containing "and" are kept whole as ``literal``.
    """
    name = " ".join(name.split())
    if not name:
        return NameParts()
    if _CORPORATE.search(name) or re.search(r"\band\b", name, re.IGNORECASE) or "{" in name or "}" in name:
        return NameParts(literal=name)
    jr = ""
    tokens = name.split()
    if "," not in name and len(tokens) > 2 and tokens[-1].lower().rstrip(",") in _SUFFIXES:
        jr, name = tokens[-1], " ".join(tokens[:-1])
    tokens = name.split()
    if "," not in name and all(_CAPITALIZED.fullmatch(t) and t[0].isupper() for t in tokens):
        # pybtex's answer for "First Middle Last" with every word capitalized (no von part), ~20x faster
        return NameParts(first=" ".join(tokens[:-1]), last=tokens[-1], jr=jr)
    return _pybtex_parts(name, jr)


def _pybtex_parts(name: str, jr: str = "") -> NameParts:
    from pybtex.database import Person

    try:
        person = Person(name)
    except Exception:  # pybtex raises plain exceptions on odd names
        return NameParts(literal=name)
    last = " ".join(person.last_names)
    if not last:
        return NameParts(literal=name)
    return NameParts(
        first=" ".join(person.first_names + person.middle_names),
        von=" ".join(person.prelast_names),
        last=last,
        jr=jr or " ".join(person.lineage_names),
    )


def last_name(name: str) -> str:
    """The surname of a "First Last" or "Last, First" name (a corporate name whole)."""
    return parse_name(name).surname


def _ascii_word(text: str, to_ascii: Callable[[str], str]) -> str:
    return "".join(ch for ch in to_ascii(text).lower() if ch.isalnum())


def key_base(
    pattern: str, title: str | None, authors: list[str], year: int | None, identifier: str | None = None
) -> str:
    """The key a paper gets before a clash suffix: from ``pattern``; for a paper known only by an identifier (no
    title yet: an arXiv id or DOI not resolved), from the identifier (``arxiv240215567``)."""
    if not title:
        ident = "".join(ch for ch in (identifier or "") if ch.isalnum()).lower()[:40]
        return ident if ident[:1].isalpha() else f"paper{ident}"
    return _render(pattern, title, authors, year)


def _render(pattern: str, title: str, authors: list[str], year: int | None) -> str:
    from anyascii import anyascii  # slow to import (importlib.resources): only when a key is made

    title_words = [w for w in (_ascii_word(w, anyascii) for w in words(title)) if w]
    significant = [w for w in title_words if w not in STOPWORDS] or title_words or ["paper"]
    short = [w for w in title_words if w not in BBT_SKIPWORDS][:3] or significant[:3]
    auth = _ascii_word(last_name(authors[0]), anyascii) if authors else ""
    if not auth:
        # no author known yet (a page entry not resolved): two significant title words and the year, whatever the
        # pattern, never one bare common word ("learning", "3d"); the key is made again once authors are known
        words_ = [w for w in significant if len(w) > 1] or significant
        two = (words_ + [w for w in title_words if w not in words_ and len(w) > 1])[:2] or words_[:1]
        key = "".join(two) + (str(year) if year else "" if len(two) > 1 else "paper")
        return key if key_refusal(key) is None else f"paper{key}"
    values = {
        "auth": auth,
        "Auth": auth.capitalize(),
        "year": str(year or ""),
        "title": significant[0],
        "Title": significant[0].capitalize(),
        "shorttitle": "".join(short),
        "ShortTitle": "".join(w.capitalize() for w in short),
    }
    try:
        key = string.Formatter().vformat(pattern, (), values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ReadlistError(
            f"key pattern {pattern!r} is not usable ({exc}); placeholders: {' '.join(f'{{{v}}}' for v in values)}"
        ) from None
    key = _KEY_UNSAFE.sub("", anyascii(key)) or f"paper{year or ''}"
    return key if key_refusal(key) is None else f"paper{key}"


_FORBIDDEN = set(' ,{}()=#%"\\')


def key_refusal(key: str) -> str | None:
    """Why ``key`` cannot be a citation key, or None. A key is ASCII without spaces or BibTeX's special characters,
    and never reads as another way to name a paper (a number, an arXiv id, a DOI): `show 12` must mean one paper."""
    from readlist.identifiers import parse_identifier

    if not key or not key.isascii() or _FORBIDDEN & set(key):
        return 'a key is ASCII, without spaces or , { } ( ) = # % " \\'
    if key.isdigit():
        return "a key of digits only would read as a paper's number"
    ident = parse_identifier(key)
    if ident is not None:
        return f"it would read as {'an arXiv id' if ident.scheme == 'arxiv' else 'a DOI'}"
    return None


def check_key(key: str) -> str:
    """``key`` when it can be a citation key; else a one-line error naming the rule it breaks."""
    why = key_refusal(key)
    if why:
        raise ReadlistError(f"{key!r} cannot be a citation key: {why}")
    return key


def _suffix(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa", ...: bijective base 26."""
    suffix = ""
    while True:
        suffix = ascii_lowercase[n % 26] + suffix
        n = n // 26 - 1
        if n < 0:
            return suffix


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, else ``base`` + a, b, ... z, aa, ab, ...: a free suffix.

    Suffixes are handed out in order, so the taken ones form a prefix of that order; an
    exponential then binary search finds the first free one in O(log n) look-ups, which keeps
    a page of 10,000 similar titles from costing 10,000² look-ups.
    """
    if not taken(base):
        return base
    hi = 1
    while taken(base + _suffix(hi - 1)):
        hi *= 2
    lo = hi // 2  # suffixes below lo are taken, _suffix(hi - 1) is free
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if taken(base + _suffix(mid - 1)):
            lo = mid
        else:
            hi = mid
    return base + _suffix(hi - 1)


def make_key(
    title: str,
    authors: list[str],
    year: int | None,
    taken: Callable[[str], bool],
    style: str = "default",
    pattern: str | None = None,
) -> str:
    """A citation key not yet ``taken``: from ``pattern`` if given, else from the named ``style``.

    Styles: "default" (Google Scholar, ``park2024foundation``) and "bbt" (Better BibTeX's
    ``auth.lower + shorttitle(3,3) + year``, ``brownLanguageModelsAre2020``). Pattern placeholders:
    {auth} {Auth} {year} {title} {Title} {shorttitle} {ShortTitle}. A clash gets a, b, ... appended.
    """
    return unique_key(key_base(key_pattern(style, pattern), title, authors, year), taken)


def key_pattern(style: str, pattern: str | None = None) -> str:
    """The pattern new keys follow: ``pattern`` if given, else the named style's (an unknown style is an error)."""
    if pattern:
        return pattern
    if style not in STYLES:
        raise ReadlistError(f"unknown key style {style!r}; known: {', '.join(STYLES)}")
    return STYLES[style]
