"""The grammar of identifiers: arXiv ids (new and old style, with or without version, in URLs) and DOIs.

Plain functions over strings that every layer shares (inputs, sources, the store, citation keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ARXIV_ID = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}")
_TRAILING_VERSION = re.compile(r"v\d+$")

_ARXIV_LINE = re.compile(
    r"""^(?:
        (?:arxiv:\s*)
      | (?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/
      | (?:https?://)?(?:www\.)?huggingface\.co/papers/
    )?"""
    + rf"(?:{_NEW}|{_OLD}){_VERSION}"
    + r"(?:\.pdf)?/?(?:[?#]\S*)?$",
    re.IGNORECASE | re.VERBOSE,
)
_DOI = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    scheme: str  # "arxiv" or "doi"
    value: str  # bare arXiv id (no version) or lower-cased DOI
    version: int | None = None

    @property
    def label(self) -> str:
        return f"arXiv:{self.value}" if self.scheme == "arxiv" else f"doi:{self.value}"


def parse_identifier(text: str) -> Identifier | None:
    """The identifier a whole line stands for, or None when the line is something else.

    Accepts ``2402.15567``, ``2402.15567v2``, ``arXiv:2402.15567``, ``hep-th/9901001``,
    arxiv.org abs/pdf URLs, huggingface.co/papers links, ``10.x/y``, ``doi:10.x/y`` and doi.org links.
    """
    text = text.strip().rstrip(".,;")
    m = _ARXIV_LINE.match(text)
    if m:
        # an old-style archive name is lower case; a URL may have been typed in any case
        value = m.group("new") or m.group("old")
        if m.group("old"):
            archive, number = value.split("/")
            name, _, subject = archive.partition(".")
            value = f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
        return Identifier("arxiv", value, int(m.group("version")) if m.group("version") else None)
    m = _DOI.match(text)
    if m:
        return Identifier("doi", normalize_doi(m.group("doi")))
    return None


def normalize_doi(doi: str) -> str:
    """DOIs are case-insensitive: store them lower-cased, without URL prefix."""
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.IGNORECASE).lower()


def bare_arxiv_id(arxiv_id: str) -> str:
    """``math.GT/0309136v2`` -> ``math/0309136``: no version, and no subject class (arXiv drops it from its ids)."""
    bare = _TRAILING_VERSION.sub("", arxiv_id.strip())
    if "/" in bare:
        archive, number = bare.split("/", 1)
        bare = f"{archive.split('.')[0]}/{number}"
    return bare


def split_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """``2402.15567v2`` -> ("2402.15567", 2); None when the text is not an arXiv id."""
    m = _ARXIV_ID.fullmatch(text.strip())
    if not m:
        return None
    return m.group("new") or m.group("old"), int(m.group("version")) if m.group("version") else None
