"""Words and quantities every message shares: counts with their noun, durations, sizes. Imports nothing, so any
layer that prints (the presenters, the progress lines of resolution and of the index) may use it."""


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 paper``, ``2 papers`` (``nouns``: an irregular plural)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def conjugate(n: int, one: str, many: str) -> str:
    """The verb's form agreeing with ``n`` things: ``conjugate(1, "needs", "need")`` is ``needs``."""
    return one if n == 1 else many


def duration(seconds: float) -> str:
    """``"42 s"``, ``"3 min 12 s"``, ``"1 h 05 min"``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"
