"""Where settings come from: the environment, the TOML config file and the platform's user directories.

Values are read, typed and checked here without pathlib or dataclasses: `readlist.config` builds `Settings`
from them, and `readlist.program` needs only the library's location and must start in a few milliseconds.
Nothing else in readlist reads ``os.environ``. Precedence: explicit argument (CLI option) > environment
variable > config file > default.
"""

from __future__ import annotations

import os

from readlist.errors import ReadlistError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up; see readlist.program)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

APP = "readlist"


def path(raw: object) -> str:
    """A path setting: ``~`` expanded."""
    return os.path.expanduser(os.fspath(raw))  # type: ignore[arg-type]  # a TOML number: TypeError, reported


# config-file key -> (environment variable, type)
KEYS: dict[str, tuple[str, Callable[[object], object]]] = {
    "library": ("READLIST_LIBRARY", path),
    "cache": ("READLIST_CACHE", path),
    "arxiv_url": ("READLIST_ARXIV_URL", str),
    "s2_url": ("READLIST_S2_URL", str),
    "s2_api_key": ("READLIST_S2_API_KEY", str),
    "arxiv_interval": ("READLIST_ARXIV_INTERVAL", float),
    "s2_interval": ("READLIST_S2_INTERVAL", float),
    "key_style": ("READLIST_KEY_STYLE", str),
    "key_pattern": ("READLIST_KEY_PATTERN", str),
    "index": ("READLIST_INDEX", path),
    "oai_url": ("READLIST_OAI_URL", str),
}
# path setting -> (platformdirs user directory, file name): where it is when no setting names it
DEFAULT_FILES = {
    "library": ("data", "library.sqlite"),
    "cache": ("cache", "http-cache.sqlite"),
    "index": ("data", "arxiv-index.sqlite"),
}


def _user_dir(kind: str) -> str:
    import platformdirs  # ~20 ms (it imports pathlib and tempfile): only when no setting names the file

    return getattr(platformdirs, f"user_{kind}_dir")(APP)


def default_path(name: str) -> str:
    """Where the file of path setting ``name`` is when no setting names it."""
    kind, file = DEFAULT_FILES[name]
    return os.path.join(_user_dir(kind), file)


def config_path(env: Mapping[str, str]) -> str:
    return env.get("READLIST_CONFIG") or os.path.join(_user_dir("config"), "config.toml")


def read_settings(env: Mapping[str, str]) -> dict[str, object]:
    """The settings the config file and the environment give, typed (paths as expanded strings)."""
    values: dict[str, object] = {}
    file = config_path(env)
    if os.path.isfile(file):
        import tomllib

        try:
            with open(file, encoding="utf-8") as f:
                data = tomllib.loads(f.read())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ReadlistError(f"{file}: not a valid TOML config file: {exc}") from None
        unknown = set(data) - set(KEYS)
        if unknown:
            raise ReadlistError(f"{file}: unknown setting(s): {', '.join(sorted(unknown))}")
        values.update(data)
    for name, (var, _) in KEYS.items():
        if env.get(var):
            values[name] = env[var]
    typed: dict[str, object] = {}
    for name, raw in values.items():
        kind = KEYS[name][1]
        try:
            typed[name] = kind(raw)
        except (TypeError, ValueError):
            raise ReadlistError(f"setting {name}: cannot read {raw!r} as {kind.__name__}") from None
    return typed
