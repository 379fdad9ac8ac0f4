"""Quantities in words, as progress lines and reports print them (the index's meter and the presenters)."""

from __future__ import annotations


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
