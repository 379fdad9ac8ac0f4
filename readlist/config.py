"""Settings: defaults, then what the config file and the environment say (`readlist.configfile`), then options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from readlist.configfile import KEYS, default_path, path, read_settings


@dataclass(frozen=True)
class Settings:
    library: Path = field(default_factory=lambda: Path(default_path("library")))
    cache: Path = field(default_factory=lambda: Path(default_path("cache")))
    index: Path = field(default_factory=lambda: Path(default_path("index")))  # the local arXiv metadata index
    arxiv_url: str = "https://export.arxiv.org/api/query"
    s2_url: str = "https://api.semanticscholar.org/graph/v1"
    oai_url: str = "https://oaipmh.arxiv.org/oai"  # arXiv's OAI-PMH interface (index updates)
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


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from defaults, the config file, the environment and overrides."""
    typed = read_settings(os.environ if env is None else env)
    typed.update({name: Path(v) for name, v in typed.items() if KEYS[name][1] is path})  # type: ignore[arg-type]
    known = {f.name for f in fields(Settings)}
    typed.update({k: v for k, v in overrides.items() if v is not None and k in known})
    return Settings(**typed)  # type: ignore[arg-type]
