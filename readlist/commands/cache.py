"""`readlist cache info` and `cache clear`: the HTTP cache."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.facts import cache_cleared
from readlist.present.facts import cache_info as described
from readlist.present.output import say


@click.group()
def cache() -> None:
    """\b
    Example:
      readlist cache info
    """


@cache.command(name="info")
@click.pass_obj
def info(session: Session) -> None:
    """Show where the cache is, its size and what it holds.

    \b
    Example:
      readlist cache info
    """
    from readlist.api.maintenance import cache_info

    say(described(cache_info(session.settings())))


@cache.command(name="clear")
@click.pass_obj
def clear(session: Session) -> None:
    """Remove every cached response.

    \b
    Example:
      readlist cache clear
    """
    from readlist.api.maintenance import cache_clear

    say(cache_cleared(cache_clear(session.settings())))
