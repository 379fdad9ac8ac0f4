"""``python -m readlist`` runs the CLI."""

from readlist.program import run

run()
