"""What `readlist --verbose` adds on stderr: the files a command uses, and each HTTP request sent to the network."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from readlist.present.output import say

if TYPE_CHECKING:
    from readlist.config import Settings

# urllib3 logs each request it sends (method, URL, status; never a header, so never the S2 API key)
REQUEST_LOGGER = "urllib3.connectionpool"


def settings_used(settings: Settings) -> str:
    """The files the command uses, and whether it may reach the network."""
    network = "offline: answers from the HTTP cache only" if settings.offline else "online"
    return "\n".join((f"library: {settings.library}", f"cache: {settings.cache}", f"index: {settings.index}",
                      f"network: {network}"))  # fmt: skip


class _Requests(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        say(f"http: {record.getMessage()}", err=True)


def log_requests() -> Callable[[], None]:
    """Write a line to stderr for each HTTP request sent (cached answers are not sent and have none), until the
    function returned is called."""
    logger, handler = logging.getLogger(REQUEST_LOGGER), _Requests()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return stop
