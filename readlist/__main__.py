"""``python -m readlist`` runs the CLI."""

from readlist.cli import run

run()
