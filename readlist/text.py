"""Text normalization shared by dedupe, matching and citation keys."""

from __future__ import annotations

import re
import unicodedata

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


def words(text: str) -> list[str]:
    return normalize_title(text).split()
