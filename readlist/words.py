"""Words every message shares. Imports nothing: the program's fast paths print with it too."""


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 paper``, ``2 papers`` (``nouns``: an irregular plural)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
