"""Settings: what readlist is told, and where it is told it. Precedence: a command-line option, then the
environment (``READLIST_*``), then the TOML config file, then the default. Nothing else in readlist reads
``os.environ``.

A file setting left at its default (the library, the HTTP cache, the arXiv index) is found in the platform's user
directories only when it is first read: a command given ``--library`` and not using the others never loads
platformdirs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, dataclass_transform, overload

from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from pathlib import Path

APP = "readlist"


def path(raw: object) -> str:
    """A path setting: ``~`` expanded."""
    if not isinstance(raw, str | os.PathLike):
        raise TypeError(raw)  # a TOML number or table: reported as a setting that cannot be read
    return os.path.expanduser(os.fspath(raw))


# config-file key -> (environment variable, type)
KEYS: dict[str, tuple[str, Callable[[Any], object]]] = {
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
FileSetting = Literal["library", "cache", "index"]
# file setting -> (platformdirs user directory, file name): where the file is when no setting names it
DEFAULT_FILES: dict[FileSetting, tuple[str, str]] = {
    "library": ("data", "library.sqlite"),
    "cache": ("cache", "http-cache.sqlite"),
    "index": ("data", "arxiv-index.sqlite"),
}


def _user_dir(kind: str) -> str:
    import platformdirs

    return str(getattr(platformdirs, f"user_{kind}_dir")(APP))


def default_location(name: FileSetting) -> str:
    """Where the file of setting ``name`` is when no setting names it."""
    kind, file = DEFAULT_FILES[name]
    return os.path.join(_user_dir(kind), file)


class _File:
    """A file setting, read as a `Path`: the path given, else (found when first read) `default_location`.
    `Settings.location` gives it as a string: `readlist list` opens the library without importing pathlib."""

    def __set_name__(self, owner: type, name: FileSetting) -> None:
        self.name: FileSetting = name

    @overload
    def __get__(self, settings: None, owner: type) -> None: ...
    @overload
    def __get__(self, settings: Settings, owner: type) -> Path: ...
    def __get__(self, settings: Settings | None, owner: type) -> Path | None:
        if settings is None:
            return None  # the default: not given
        from pathlib import Path

        return Path(settings.location(self.name))

    def __set__(self, settings: Settings, value: str | os.PathLike[str] | None) -> None:
        settings.__dict__[self.name] = None if value is None else os.fspath(value)


@dataclass_transform(frozen_default=True)  # type checkers read Settings(...) as a dataclass's
class _Frozen:
    """A frozen record of its class's annotated attributes, given by keyword, each one not given left at the class's
    value: what `dataclasses.dataclass(frozen=True)` would make, without making a dataclass, which is a
    good part of what every command spends on readlist's imports (docs/performance.md: `list` against Python's
    floor)."""

    SECRET: ClassVar[frozenset[str]] = frozenset()  # fields never shown by repr

    def __init__(self, **given: object) -> None:
        unknown = given.keys() - self.__annotations__.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown field(s): {', '.join(sorted(unknown))}")
        for name, value in given.items():
            object.__setattr__(self, name, value)

    def replace(self, **changes: object) -> Self:
        """A copy with ``changes``."""
        return type(self)(**{**self.__dict__, **changes})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: replace({name}=...) makes a changed copy")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __repr__(self) -> str:
        given = (f"{name}={value!r}" for name, value in self.__dict__.items() if name not in self.SECRET)
        return f"{type(self).__name__}({', '.join(given)})"

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__annotations__)

    def __eq__(self, other: object) -> bool:  # every field's value, given or not, as a dataclass compares
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash(self._values())


class Settings(_Frozen):
    """What readlist is told (`load_settings`); frozen: `replace` makes a changed copy."""

    SECRET = frozenset({"s2_api_key"})  # never printed

    library: _File = _File()
    cache: _File = _File()
    index: _File = _File()  # the local arXiv metadata index
    arxiv_url: str = "https://export.arxiv.org/api/query"
    s2_url: str = "https://api.semanticscholar.org/graph/v1"
    oai_url: str = "https://oaipmh.arxiv.org/oai"  # arXiv's OAI-PMH interface (index updates)
    s2_api_key: str | None = None  # a secret: never printed
    arxiv_interval: float = 3.0
    s2_interval: float = 1.0
    key_style: str = "default"  # keys.STYLES; a key_pattern, when set, wins
    key_pattern: str | None = None
    offline: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0

    def location(self, name: FileSetting) -> str:
        """Where the file of setting ``name`` is, as a string (``settings.library`` is the same as a `Path`)."""
        value: str | None = self.__dict__.get(name)
        if value is None:
            value = self.__dict__[name] = default_location(name)
        return value


def load_settings(env: Mapping[str, str] | None = None, /, **overrides: object) -> Settings:
    """The settings from the defaults, the config file, the environment (``env``: the process's) and
    ``overrides`` (command-line options; None: not given)."""
    typed = read_settings(os.environ if env is None else env)
    known = Settings.__annotations__.keys()
    typed.update({k: v for k, v in overrides.items() if v is not None and k in known})
    return Settings(**typed)  # type: ignore[arg-type]  # each value was typed by its key (KEYS)


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
            raise ReadlistError(f"setting {name}: cannot read {raw!r} as {getattr(kind, '__name__', kind)}") from None
    return typed
