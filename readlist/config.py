"""Settings from the environment, the TOML config file and platformdirs paths.

Nothing else in readlist reads ``os.environ``. Precedence: explicit argument
(CLI option) > environment variable > config file > default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from readlist.errors import ReadlistError

APP = "readlist"

# config-file key -> (environment variable, type)
_KEYS: dict[str, tuple[str, type]] = {
    "library": ("READLIST_LIBRARY", Path),
    "cache": ("READLIST_CACHE", Path),
    "arxiv_url": ("READLIST_ARXIV_URL", str),
    "s2_url": ("READLIST_S2_URL", str),
    "s2_api_key": ("READLIST_S2_API_KEY", str),
    "arxiv_interval": ("READLIST_ARXIV_INTERVAL", float),
    "s2_interval": ("READLIST_S2_INTERVAL", float),
    "key_style": ("READLIST_KEY_STYLE", str),
    "key_pattern": ("READLIST_KEY_PATTERN", str),
}


def _user_dir(kind: str) -> Path:
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP))


@dataclass(frozen=True)
class Settings:
    library: Path = field(default_factory=lambda: _user_dir("data") / "library.sqlite")
    cache: Path = field(default_factory=lambda: _user_dir("cache") / "http-cache.sqlite")
    arxiv_url: str = "https://export.arxiv.org/api/query"
    s2_url: str = "https://api.semanticscholar.org/graph/v1"
    s2_api_key: str | None = field(default=None, repr=False)  # a secret: never printed
    arxiv_interval: float = 3.0
    s2_interval: float = 1.0
    key_style: str = "default"  # keys.STYLES; a key_pattern, when set, wins
    key_pattern: str | None = None
    offline: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0

    def with_overrides(self, **kwargs: object) -> Settings:
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


def config_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env["READLIST_CONFIG"]) if env.get("READLIST_CONFIG") else _user_dir("config") / "config.toml"


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from defaults, the config file, the environment and overrides."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}
    path = config_path(env)
    if path.is_file():
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ReadlistError(f"{path}: not a valid TOML config file: {exc}") from None
        unknown = set(data) - set(_KEYS)
        if unknown:
            raise ReadlistError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
        values.update(data)
    for name, (var, _) in _KEYS.items():
        if env.get(var):
            values[name] = env[var]
    typed: dict[str, object] = {}
    for name, raw in values.items():
        kind = _KEYS[name][1]
        try:
            typed[name] = Path(raw).expanduser() if kind is Path else kind(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ReadlistError(f"setting {name}: cannot read {raw!r} as {kind.__name__}") from None
    known = {f.name for f in fields(Settings)}
    typed.update({k: v for k, v in overrides.items() if v is not None and k in known})
    return Settings(**typed)  # type: ignore[arg-type]
