"""What every command shares: the global options' settings, the reading list opened with them, and summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.present.output import say, show

if TYPE_CHECKING:
    from readlist.api import ReadingList
    from readlist.api.report import Report
    from readlist.config import Settings


class Session:
    """What the global options say (``--library``, ``--offline``, ``--verbose``), and the reading list opened with
    them (closed when the command ends)."""

    def __init__(self, library: str | None, offline: bool, verbose: bool) -> None:
        self.library, self.offline, self.verbose = library, offline, verbose
        self._list: ReadingList | None = None

    def settings(self, **overrides: object) -> Settings:
        """The settings, with the global options and ``overrides`` (command options; None: not given)."""
        from readlist.config import load_settings

        overrides["offline"] = overrides.get("offline") or self.offline or None  # global or the command's option
        settings = load_settings(library=self.library, **overrides)
        if self.verbose:
            from readlist.present.verbose import settings_used

            say(settings_used(settings), err=True)
        return settings

    def reading_list(self, **overrides: object) -> ReadingList:
        """The reading list, opened with the settings (``overrides`` as in `settings`)."""
        if self._list is None:
            from readlist.api import ReadingList

            self._list = ReadingList(self.settings(**overrides))
        return self._list

    def close(self) -> None:
        if self._list is not None:
            self._list.close()


def summarize(report: Report, verb: str | None, next_steps: bool = True) -> None:
    """Write the summary of what a command did (`readlist.present.summary`). The command is done: an interrupt
    meanwhile waits for the summary, then says how many papers are pending."""
    from readlist.interrupt import Interrupted, deferred
    from readlist.present.summary import summary

    with deferred() as held:
        show(summary(report, verb, next_steps))
    if held.signum is not None:
        raise Interrupted(held.signum, pending=report.pending)
