"""Errors a user can act on; the CLI prints them as one line and exits 1."""


class ReadlistError(Exception):
    """A problem with the user's input or library, reported without a traceback."""


class InputError(ReadlistError):
    """Bad input, located by file and line (or entry)."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class NetworkError(ReadlistError):
    """A remote API could not answer now (offline, timeouts, rate limited, 5xx).

    Entries affected stay pending with this message as the reason; a later
    `readlist resolve` retries them.
    """


class Offline(NetworkError):
    """Offline mode (``--offline``): the answer is not in the cache, and no request was sent."""


class ApiError(ReadlistError):
    """A remote API answered, but with something that is not a usable result."""
