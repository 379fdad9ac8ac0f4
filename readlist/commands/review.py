"""`readlist review`: settle papers that need review, one by one in a dialogue, or one at once with an option."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from readlist.commands.session import Session
from readlist.present.dialogue import (
    ACCEPT_AND_REJECT,
    NO_PAPER_TO_DECIDE,
    NOTHING_TO_REVIEW,
    REVIEW_ANSWERS,
    decided,
    not_a_choice,
    review_done,
    review_question,
    skipped,
)
from readlist.present.output import say

if TYPE_CHECKING:
    from readlist.model import Paper


@click.command()
@click.argument("paper", required=False)
@click.option("--accept", "accept", metavar="CANDIDATE", help="Accept this candidate (arXiv id, S2 id or rank).")
@click.option("--reject", is_flag=True, help="Reject every candidate; the paper becomes unresolved.")
@click.pass_obj
def review(session: Session, paper: str | None, accept: str | None, reject: bool) -> None:
    """Without options, walks through every paper that needs review, saying why, and asks what to do with each:
    a candidate's number accepts it, r rejects every candidate, s skips the paper, q quits (what was decided is
    kept). --reject works on a matched paper too: it shows what its sources said again, keeps the candidates, and
    --accept takes one back.

    \b
    Example:
      readlist review
      readlist review 12 --accept 2402.15567
      readlist review 12 --reject
    """
    if accept and reject:
        raise click.UsageError(ACCEPT_AND_REJECT)
    if (accept or reject) and paper is None:
        raise click.UsageError(NO_PAPER_TO_DECIDE)
    todo = session.reading_list().review(paper)
    if accept or reject:
        (one,) = todo
        say(decided(one.key, todo.decide(one, accept)))
        return
    if not todo.papers:
        say(NOTHING_TO_REVIEW)
        return
    for p in todo:
        answer = _ask(p)
        if answer == "q":
            break
        if answer == "s":
            say(skipped(todo.skip(p)))
        else:
            say(decided(p.key, todo.decide(p, None if answer == "r" else answer)))
    say(review_done(todo.done, todo.left()))


def _ask(paper: Paper) -> str:
    """Show a paper that needs review, why, and its candidates; ask until the answer is one: a candidate's number,
    r, s or q (the end of the input is q)."""
    table, question = review_question(paper)
    say(table)
    while True:
        try:
            answer = click.prompt(question, default="s", show_default=True)
        except click.Abort:  # end of input
            click.echo()
            return "q"
        if not sys.stdin.isatty():  # a terminal shows what was typed; show answers read from a pipe too
            say(answer)
        answer = answer.strip().lower()
        if answer in REVIEW_ANSWERS or (answer.isdigit() and 1 <= int(answer) <= len(paper.candidates)):
            return answer
        say(not_a_choice(answer, paper))
