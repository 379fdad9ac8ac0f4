"""What `readlist --verbose` adds on stderr: the files a command uses, and each HTTP request sent to the network."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readlist.config import Settings

# urllib3 logs each request it sends (method, URL, status; never a header, so never the S2 API key)
REQUEST_LOGGER = "urllib3.connectionpool"


def settings_used(settings: Settings) -> str:
    """The files the command uses, and whether it may reach the network."""
    network = "offline: answers from the HTTP cache only" if settings.offline else "online"
    return "\n".join((f"library: {settings.library}", f"cache: {settings.cache}", f"index: {settings.index}",
                      f"network: {network}"))  # fmt: skip


def log_requests() -> None:
    """Write a line to stderr for each HTTP request sent (cached answers are not sent and have none)."""
    logger = logging.getLogger(REQUEST_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("http: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
