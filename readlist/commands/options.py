"""Options several commands share, declared once: the filters, the key style, and offline mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from readlist.states import FILTER_CHOICES

F = TypeVar("F", bound=Callable[..., Any])

_FILTER_HELP = {
    "status": "Only papers with this resolution status (duplicate: papers flagged as possible duplicates).",
    "tag": "Only papers with this tag.",
    "state": "Only papers in this read state.",
    "search": "Words to find in title, abstract or notes.",
}


def filter_options(fn: F) -> F:
    """--status, --tag, --state and --search, as `readlist.states` defines the filters; the command receives them
    as keyword arguments of those names (``**selection``, as `readlist.api.select` takes them)."""
    for name, choices in reversed(FILTER_CHOICES.items()):  # click lists the options in decorator order
        kind = click.Choice(choices) if choices else None
        fn = click.option(f"--{name}", type=kind, metavar=None if choices else "TEXT", help=_FILTER_HELP[name])(fn)
    return fn


# a global option (`readlist --offline resolve`) that `add` and `resolve` also take (`readlist add --offline page.txt`)
offline_option = click.option(
    "--offline", is_flag=True, help="Send no request: answer from the local arXiv index and the HTTP cache only."
)

key_style_option = click.option(
    "--key-style",
    metavar="STYLE",
    help="Citation keys for new papers: 'default' (park2024foundation) or 'bbt' (Better BibTeX: "
    "brownLanguageModelsAre2020). Default: the key_style setting. Existing keys never change.",
)
