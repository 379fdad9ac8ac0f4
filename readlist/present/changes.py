"""What a command that changes papers says it did: marked, noted, tagged, removed, merged, renamed, written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from readlist.words import plural

if TYPE_CHECKING:
    from readlist.model import Paper


def marked(keys: Sequence[str], state: str) -> str:
    """`readlist read|unread|reading`: each paper marked."""
    return "\n".join(f"{key}: {state}" for key in keys)


def wrote(count: int, output: object) -> str:
    """`readlist export -o FILE`, once the file is written (on stderr)."""
    return f"wrote {plural(count, 'paper')} to {output}"


def changed(paper: Paper, change: str) -> str:
    """What `note`, `tag` and `untag`, or `merge` (``change``: note, tag, merge) say of the paper they changed."""
    if change == "note":
        return f"{paper.key}: {plural(len(paper.notes), 'note')}"
    if change == "merge":
        return f"{paper.key}: merged; also known as {', '.join(paper.aliases)}"
    return f"{paper.key}: {', '.join(paper.tags) or '(no tags)'}"


def removed(keys: Sequence[str]) -> str:
    return "\n".join(f"removed {key}" for key in keys)


def renamed(old: str, paper: Paper) -> str:
    return f"{old} -> {paper.key} (settled)"


def copied(file: object, restore: bool) -> str:
    """What `backup` (the library copied to ``file``) or `restore` (copied back from it) says."""
    return f"restored from {file}" if restore else f"backed up to {file}"


def unsettable(found: Mapping[str, str]) -> str:
    """A warning naming the characters of a note or tag that pdflatex cannot set (``found``: character -> what
    `export --ascii` writes for it), or nothing when there are none."""
    if not found:
        return ""
    named = ", ".join(f"{ch} as {ascii or 'nothing'}" for ch, ascii in found.items())
    return f"warning: pdflatex cannot set {named}: export --ascii writes them so; UTF-8 exports keep them"


def uncited(aux: object, keys: Sequence[str]) -> str:
    """`export --aux`: the keys a document cites that the library does not know (a warning on stderr)."""
    return "\n".join(f"warning: {aux}: cited key {key!r} is not in the library" for key in keys)
