"""Name lists split the way BibTeX splits them, plus biblatex's extended name format.

BibTeX's rules ("Tame the BeaST", btxdoc): names are separated by the word ``and`` in any case, at brace depth 0,
with white space around it. A name is "First von Last", "von Last, First" or "von Last, Jr, First"; words are
separated by white space or ``~`` at depth 0; a word's case is that of its first letter at depth 0, or, for a
group starting with a command (``{\\'E}douard``), of the first letter inside it; a group without a command
(``{Le Cun}``, ``{European Commission}``) is one word with no case, so it is never split and never a "von".
biblatex's extended format names its parts: ``family=Hasselt, given=Hado, prefix=van, useprefix=true``.

The parts are kept as raw LaTeX (`readlist.model.Parts`); `decoded_parts` gives them as text.
"""

from __future__ import annotations

import functools
import re

from readlist.latex import latex_to_text
from readlist.model import Parts

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LATEX = re.compile(r"[\\{}$~]")
_EXTENDED_KEY = re.compile(r"\s*([A-Za-z-]+)\s*=\s*")
_EXTENDED_PARTS = {"family": "last", "given": "first", "prefix": "von", "suffix": "jr"}


def decoded_parts(parts: Parts) -> Parts:
    """The parts as text (LaTeX decoded, white space collapsed)."""
    raw = (parts.first, parts.von, parts.last, parts.jr)
    if not any(_LATEX.search(p) for p in raw):  # most names: nothing to decode (white space is collapsed)
        return parts
    first, von, last, jr = (latex_to_text(p) for p in raw)
    return Parts(first, von, last, jr, parts.useprefix)


def split_names(value: str) -> list[str]:
    """The names of a name list: split at ``and`` (any case) outside braces."""
    value = value.strip()
    if not value:
        return []
    if "{" not in value:
        return [n.strip() for n in _AND.split(value) if n.strip()]
    names, start = [], 0
    for m in _AND.finditer(value):
        if _depth(value, m.start()) == 0 and m.start() >= start:
            names.append(value[start : m.start()])
            start = m.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _depth(text: str, pos: int) -> int:
    return text.count("{", 0, pos) - text.count("}", 0, pos)


def _split_depth0(text: str, seps: str) -> list[str]:
    """``text`` split at any character of ``seps`` outside braces."""
    if "{" not in text and "}" not in text:
        return re.split(f"[{re.escape(seps)}]", text)
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch in seps:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def _case(word: str) -> str:
    """ "l" (lower), "u" (upper) or "" (no case): of the first letter at depth 0, or of a special character's."""
    depth, i, n = 0, 0, len(word)
    while i < n:
        ch = word[i]
        if ch == "{":
            if depth == 0 and word[i + 1 : i + 2] == "\\":  # a special character: its letter's case counts
                m = re.match(r"\{\\([A-Za-z]+|.)\s*\{?\s*([A-Za-z]?)", word[i:])
                if m:
                    cmd, letter = m.group(1), m.group(2)
                    if cmd.isalpha() and len(cmd) > 1 and not letter:  # {\ae}, {\OE}: the command's own case
                        return "u" if cmd[0].isupper() else "l"
                    if letter:
                        return "u" if letter.isupper() else "l"
                    if cmd.isalpha():
                        return "u" if cmd.isupper() else "l"
                return ""
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch.isalpha():
            return "u" if ch.isupper() else "l" if ch.islower() else ""
        elif depth == 0 and ch == "\\":  # a command outside braces: skip its name
            m = re.match(r"\\([A-Za-z]+|.)", word[i:])
            i += len(m.group(0)) if m else 1
            continue
        i += 1
    return ""


def _words(part: str) -> list[str]:
    return [w for w in _split_depth0(part.strip(), " \t\n~") if w]


@functools.lru_cache(maxsize=16384)  # authors recur across a library
def parse_name(name: str) -> Parts:
    """One name's parts, by BibTeX's rules (or biblatex's extended format when every part is ``key=value``)."""
    name = " ".join(name.split())
    commas = [p.strip() for p in _split_depth0(name, ",")]
    if len(commas) > 1 and all(_EXTENDED_KEY.match(p) for p in commas):
        extended = _extended(commas)
        if extended is not None:
            return extended
    if len(commas) == 1:
        words = _words(name)
        if not words:
            return Parts()
        if len(words) == 1:
            return Parts(last=words[0])
        lower = [i for i, w in enumerate(words[:-1]) if _case(w) == "l"]
        if not lower:
            return Parts(first=" ".join(words[:-1]), last=words[-1])
        return Parts(
            first=" ".join(words[: lower[0]]),
            von=" ".join(words[lower[0] : lower[-1] + 1]),
            last=" ".join(words[lower[-1] + 1 :]),
        )
    von_last, rest = commas[0], commas[1:]
    jr, first = (rest[0], ", ".join(rest[1:])) if len(rest) > 1 else ("", rest[0])
    words = _words(von_last)
    lower = [i for i, w in enumerate(words[:-1]) if _case(w) == "l"]
    if lower:
        von, last = " ".join(words[: lower[-1] + 1]), " ".join(words[lower[-1] + 1 :])
    else:
        von, last = "", " ".join(words)
    return Parts(first=first, von=von, last=last, jr=jr)


def _extended(items: list[str]) -> Parts | None:
    values: dict[str, str] = {}
    useprefix: bool | None = None
    for item in items:
        key, _, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if value.startswith("{") and value.endswith("}") and _depth(value[:-1], len(value) - 1) == 1:
            value = value[1:-1]
        if key in _EXTENDED_PARTS:
            values[_EXTENDED_PARTS[key]] = value
        elif key == "useprefix":
            useprefix = value.lower() == "true"
        elif key.endswith("-i") or key in ("id", "hash", "sortingnamekeytemplatename", "gender", "uniquename"):
            continue
        else:
            return None
    if not values:
        return None
    return Parts(**values, useprefix=useprefix)


def parse_names(value: str) -> list[Parts]:
    """Every name of a name list (``author``, ``editor``), raw parts."""
    return [parse_name(n) for n in split_names(value)]


@functools.lru_cache(maxsize=16384)
def decoded_name(name: str) -> Parts:
    """One name's parts, decoded to text."""
    return decoded_parts(parse_name(name))


def decoded_names(value: str) -> list[Parts]:
    """Every name of a name list, its parts decoded to text."""
    return [decoded_name(n) for n in split_names(value)]
