"""Facts about the library, the HTTP cache and the local arXiv index, as `stats`, `cache` and `index` print them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from readlist.present.output import Line
from readlist.words import duration as took
from readlist.words import megabytes, plural

if TYPE_CHECKING:
    from readlist.api.maintenance import CacheInfo
    from readlist.api.report import Stats
    from readlist.index.build import BuildReport
    from readlist.index.harvest import HarvestReport


def labelled(facts: Mapping[str, object]) -> str:
    """``label: value``, one line each, in order."""
    return "\n".join(f"{label}: {value}" for label, value in facts.items())


def stats(s: Stats) -> str:
    """`readlist stats`: counts of papers, sources, notes and tags; papers by status and read state; keys."""
    counts = (("paper", s["papers"]), ("source", s["sources"]), ("note", s["notes"]), ("tag", s["tags"]))
    lines = [", ".join(plural(n, noun) for noun, n in counts)]
    lines += [f"{group}: " + ", ".join(f"{k} {v}" for k, v in by.items()) for group, by in
              (("status", s["status"]), ("state", s["state"]))]  # fmt: skip
    provisional = s["papers"] - s["settled"]
    lines.append(f"keys: {s['settled']} settled, {provisional} provisional; possible duplicates: {s['duplicates']}")
    return "\n".join(lines)


def cache_info(info: CacheInfo) -> str:
    """`readlist cache info`: where the cache is, its size, what it holds and how long answers are kept."""
    hosts = ", ".join(f"{host} {n}" for host, n in info.hosts.items()) or "none"
    expiry = ", ".join(f"{label} {duration(delta)}" for label, delta in info.expiry.items())
    return labelled({"path": info.path, "size": size(info.size_bytes), "responses": info.responses, "hosts": hosts,
                     "expiry": expiry})  # fmt: skip


def cache_cleared(count: int) -> str:
    return f"removed {plural(count, 'cached response')}"


def size(n: int) -> str:
    """``1.5 MB``, ``12.0 kB``, ``300 B``."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def duration(delta: timedelta) -> str:
    """``30 days``, ``1 hour``: a timedelta in words."""
    seconds = int(delta.total_seconds())
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length and seconds % length == 0:
            return plural(seconds // length, unit)
    return plural(seconds, "second")


def index_built(file: str, report: BuildReport) -> list[Line]:
    """`readlist index build`: the lines skipped (warnings), then what the index holds."""
    lines: list[Line] = [(True, f"warning: {file}:{line}: {problem}; skipped") for line, problem in report.problems]
    if report.bad_lines > len(report.problems):
        lines.append((True, f"warning: {file}: {report.bad_lines - len(report.problems):,} more bad line(s) skipped"))
    lines.append((False, f"built {report.index}: {report.records:,} records, {report.bad_lines:,} bad line(s) "
                         f"skipped, last datestamp {report.last_datestamp or 'unknown'}, {megabytes(report.size)}, "
                         f"in {took(report.seconds)}"))  # fmt: skip
    return lines


def index_updated(report: HarvestReport, index: object) -> list[Line]:
    """`readlist index update`: what changed on arXiv and was harvested into ``index``, at what pace."""
    pace = f"{report.requests} request(s), {report.waited:.0f} s waited at arXiv's pace"
    lines: list[Line] = []
    if not report.records and not report.deleted:
        lines.append((False, f"the index is up to date: nothing changed on arXiv since {report.from_date}; {pace}"))
    else:
        done = "resumed and finished the harvest" if report.resumed else "harvested"
        lines.append((False, f"{done} {report.records:,} record(s) changed since {report.from_date} "
                             f"({report.new:,} new, {report.deleted:,} deleted) into {index}; last datestamp "
                             f"{report.last_datestamp}; {pace}"))  # fmt: skip
    if report.bad:
        lines.append((True, f"warning: {report.bad:,} record(s) without a usable id or title skipped"))
    if report.restarts:
        lines.append((True, f"note: the server forgot the harvest's place {report.restarts} time(s); restarted it"))
    return lines


INDEX_UPDATE_INTERRUPTED = "interrupted: the records harvested so far are in the index; `readlist index update` resumes"
