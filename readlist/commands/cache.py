"""`readlist cache info` and `cache clear`: the HTTP cache."""

from __future__ import annotations

import click

from readlist.commands.session import Session
from readlist.present.facts import cache_cleared, cache_info
from readlist.present.output import say


@click.group()
def cache() -> None:
    """\b
    Example:
      readlist cache info
    """


def _action(name: str, summary: str) -> click.Command:
    @cache.command(name=name, help=f"{summary}\n\n\b\nExample:\n  readlist cache {name}")
    @click.pass_obj
    def command(session: Session) -> None:
        from readlist.api import maintenance

        settings = session.settings()
        if name == "info":
            say(cache_info(maintenance.cache_info(settings)))
        else:
            say(cache_cleared(maintenance.cache_clear(settings)))

    return command


info = _action("info", "Show where the cache is, its size and what it holds.")
clear = _action("clear", "Remove every cached response.")
