"""What `rm` and `review` ask and answer: the papers in question, the choices, what was decided."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from readlist.present.paper import candidates_table
from readlist.words import conjugate, plural

if TYPE_CHECKING:
    from readlist.model import Paper

REVIEW_ANSWERS = ("r", "s", "q")  # reject every candidate, skip the paper, quit


def removal(papers: Sequence[Paper]) -> tuple[str, str]:
    """The papers `rm` would remove, one line each, and the question it asks."""
    what = "this paper" if len(papers) == 1 else f"these {plural(len(papers), 'paper')}"
    listed = "\n".join(f"  #{p.id} {p.key}  {p.title}" for p in papers)
    return listed, f"Remove {what} with its notes, tags and sources?"


def removal_refused(count: int) -> str:
    return f"not removing {plural(count, 'paper')} without asking: no terminal to ask on; give --yes"


NOTHING_REMOVED = "nothing was removed"
NOTE_TEMPLATE = "\n# Write your note above. Lines starting with # are dropped.\n"  # `note` without TEXT, in $EDITOR
NO_NOTE = "no note written; nothing was added"
NOTHING_TO_REVIEW = "nothing needs review"
ACCEPT_AND_REJECT = "--accept and --reject cannot be used together"
NO_PAPER_TO_DECIDE = "give the PAPER to accept or reject candidates for"


def review_question(paper: Paper) -> tuple[str, str]:
    """A paper that needs review, why, and its candidates; and the question asked about it."""
    return candidates_table(paper, why=True), f"accept a candidate ({_numbers(paper)}), r reject all, s skip, q quit"


def not_a_choice(answer: str, paper: Paper) -> str:
    return (f"{answer!r} is not a choice: type a candidate's number ({_numbers(paper)}) to accept it, r to reject "
            "them all, s to skip this paper, q to quit")  # fmt: skip


def _numbers(paper: Paper) -> str:
    n = len(paper.candidates)
    return f"1-{n}" if n > 1 else "1"


def skipped(paper: Paper) -> str:
    return f"{paper.key}: skipped"


def decided(key: str, paper: Paper) -> str:
    """What `review` did to a paper (``key``: its key before the decision)."""
    renamed = f" (key now {paper.key})" if paper.key != key else ""
    if paper.status == "matched":
        return f"{key}: matched to {paper.arxiv_id or paper.doi or paper.s2_id}{renamed}"
    return (f"{key}: unresolved, every candidate rejected{renamed}; "
            f"`readlist review {paper.key} --accept N` takes one back")  # fmt: skip


def review_done(done: Mapping[str, int], left: int) -> str:
    """The end of a review session: how many papers were accepted, rejected and skipped; how many still wait."""
    lines = ["review: " + ", ".join(f"{n} {what}" for what, n in done.items())]
    if left:
        needs = conjugate(left, "needs", "need")
        lines.append(f"{plural(left, 'paper')} still {needs} review: `readlist review` continues")
    return "\n".join(lines)
