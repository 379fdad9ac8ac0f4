"""Words every message shares. Imports nothing, so that any layer that prints a count may use it."""


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 paper``, ``2 papers`` (``nouns``: an irregular plural)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def conjugate(n: int, one: str, many: str) -> str:
    """The verb's form agreeing with ``n`` things: ``conjugate(1, "needs", "need")`` is ``needs``."""
    return one if n == 1 else many
