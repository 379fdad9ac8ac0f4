"""Text normalization shared by dedupe, matching and citation keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# \cmd{arg} -> arg, $\infty$ -> infty, {\'e} -> e (after NFKD strips the accent)
_LATEX_CMD_ARG = re.compile(r"\\[a-zA-Z]+\s*\{([^{}]*)\}")
_LATEX_CMD = re.compile(r"\\([a-zA-Z]+)")
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.]\s*|\\[uvHcdbkr](?=[\s{])\s*")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def strip_latex(text: str) -> str:
    """Reduce LaTeX markup to its letters: ``$\\infty$`` -> ``infty``, ``{\\'e}`` -> ``e``."""
    if "\\" in text:  # commands and accents (most titles have none)
        prev = None
        while prev != text:
            prev, text = text, _LATEX_CMD_ARG.sub(r"\1", text)
        text = _LATEX_ACCENT.sub("", text)
        text = _LATEX_CMD.sub(r"\1", text)
    return text.replace("$", "").replace("{", "").replace("}", "")


def braces_balanced(text: str) -> bool:
    """Whether every brace in ``text`` closes a group it opened, and every group is closed."""
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def fold(text: str) -> str:
    """Unicode-fold to lower-case letters and digits without accents."""
    if text.isascii():  # NFKD and accent removal leave ASCII unchanged (most titles and abstracts)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def normalize_title(title: str) -> str:
    """The identity form of a title: no LaTeX, accents, case or punctuation; single spaces.

    Hyphens and other punctuation become spaces, so "Adapt-$\\infty$" and
    "Adapt-infty" and "adapt infty" are all "adapt infty".
    """
    return " ".join(_NON_WORD.sub(" ", fold(strip_latex(title))).split())


@lru_cache(maxsize=4096)  # bounded: an abstract and its normal form take a few kB
def normalized(text: str) -> str:
    """``normalize_title``, memoized for callers that normalize the same strings again and again: a resolution
    compares each title and abstract with many records (the seed pages asked for ~70k normalizations of ~2k
    distinct strings), an import looks each title up and stores it."""
    return normalize_title(text)


def words(text: str) -> list[str]:
    return normalize_title(text).split()
