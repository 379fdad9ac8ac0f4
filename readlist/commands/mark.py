"""`readlist read`, `reading` and `unread`: a paper's read state, one command per state."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.changes import marked
from readlist.present.output import say
from readlist.states import READ_STATES


def _mark(state: str) -> click.Command:
    @click.command(name=state, help=f"\b\nExample:\n  readlist {state} park2024foundation 12")
    @click.argument("papers", nargs=-1, required=True)
    @click.pass_obj
    def command(session: Session, papers: tuple[str, ...]) -> None:
        say(marked([p.key for p in session.reading_list().set_state(papers, state)], state))

    return command


def __getattr__(name: str) -> click.Command:
    """``readlist.commands.mark:read``: the command for each read state (`readlist.states.READ_STATES`)."""
    if name in READ_STATES:
        return _mark(name)
    raise AttributeError(name)
