"""The words for a paper's resolution status and read state.

A module of its own, importing nothing, so that the command line's choices and `readlist list`'s fast path
(`readlist.program`) use the same words as the model without loading it.
"""

STATUSES: tuple[str, ...] = ("pending", "matched", "needs-review", "unresolved")
READ_STATES: tuple[str, ...] = ("unread", "reading", "read")
