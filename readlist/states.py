"""The words for a paper's resolution status and read state, and the filters that select by them.

A module of its own, importing nothing, so that the command line's options use the same words as the model
without loading it.
"""

STATUSES: tuple[str, ...] = ("pending", "matched", "needs-review", "unresolved")
READ_STATES: tuple[str, ...] = ("unread", "reading", "read")
DUPLICATE = "duplicate"  # `--status duplicate`: papers flagged as possible duplicates, whatever their status
INCOMPLETE = "incomplete"  # in a match's evidence: what offline mode kept a source from adding (`resolve` adds it)

# filter name (also its command-line option, --name) -> the values it accepts (None: any text)
FILTER_CHOICES: dict[str, tuple[str, ...] | None] = {
    "status": (*STATUSES, DUPLICATE),
    "tag": None,
    "state": READ_STATES,
    "search": None,
}
