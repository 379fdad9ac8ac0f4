"""What `add`, `import` and `resolve` say they did: the input read, what resolution found, the next command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.present.output import Line
from readlist.words import conjugate, plural

if TYPE_CHECKING:
    from readlist.api.report import Report

_ORDER = ("matched", "needs-review", "unresolved", "pending")


def summary(report: Report, verb: str | None, next_steps: bool = True) -> list[Line]:
    """The summary of a command's ``report``: what its input was (``verb``: added, imported), what resolution
    found, and (``next_steps``) the command to run next, if any. Problems, warnings and why papers stayed pending
    go to stderr."""
    lines: list[Line] = [(True, f"error: {problem}") for problem in report.problems]
    lines += [(True, f"warning: {warning}") for warning in report.warnings]
    if verb:
        lines.append((False, f"{verb}: {report.added} new, {report.already} already in the library, "
                             f"{plural(report.repeats, 'repeat')} in this input"))  # fmt: skip
    if report.resolved:
        counts = [f"{report.statuses[s]} {s}" for s in _ORDER if report.statuses.get(s)]
        asked = f"{plural(report.requests, 'request')}, {report.cache_hits} from the cache"
        if counts:
            lines.append((False, f"resolution: {', '.join(counts)} ({asked})"))
        elif not verb:  # `readlist resolve` found nothing to do
            lines.append((False, "nothing to resolve"))
    lines += [(True, f"  {n} pending: {reason}") for reason, n in sorted(report.reasons.items())]
    if report.duplicates:
        lines.append((False, f"{plural(report.duplicates, 'paper')} flagged as possible duplicates, kept apart: "
                             "`readlist list --status duplicate` shows them, `readlist merge` joins two"))  # fmt: skip
    if next_steps and report.review:
        needs = conjugate(report.review, "needs", "need")
        lines.append((False, f"next: `readlist review` ({plural(report.review, 'paper')} {needs} review)"))
    if next_steps and (report.pending or report.incomplete):
        when = " when the network is back" if report.unreachable or report.incomplete else ""
        owed = [f"{plural(report.pending, 'paper')} pending"] if report.pending else []
        owed += [f"{plural(report.incomplete, 'match', 'matches')} to complete"] if report.incomplete else []
        lines.append((False, f"next: `readlist resolve`{when} ({', '.join(owed)})"))
    return lines
