"""Run the real `readlist` CLI in tests, isolated from the user's config, library and cache."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from click.testing import CliRunner

from readlist.cli import main


def every_command() -> list[list[str]]:
    """Every command readlist has, as the words that run it (a group's: ``["cache", "info"]``, ...)."""
    ctx = click.Context(main)
    commands = [(name, main.get_command(ctx, name)) for name in main.list_commands(ctx)]
    return [
        [name, *sub] for name, command in commands
        for sub in ([[n] for n in command.commands] if isinstance(command, click.Group) else [[]])
    ]  # fmt: skip


UNREACHABLE = "http://127.0.0.1:9"  # the discard port: connections are refused at once


def isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Environment for a readlist process that cannot see or touch the developer's own files."""
    return {
        "READLIST_CONFIG": str(tmp / "config.toml"),
        "READLIST_LIBRARY": str(tmp / "library.sqlite"),
        "READLIST_CACHE": str(tmp / "cache.sqlite"),
        "READLIST_ARXIV_URL": f"{UNREACHABLE}/api/query",
        "READLIST_S2_URL": f"{UNREACHABLE}/graph/v1",
        "READLIST_INDEX": str(tmp / "arxiv-index.sqlite"),
        "READLIST_OAI_URL": f"{UNREACHABLE}/oai",
        "READLIST_ARXIV_INTERVAL": "0",
        "READLIST_S2_INTERVAL": "0",
        **extra,
    }


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """``cli("add", "page.txt")`` runs readlist in-process; ``cli.proc(...)`` in a real subprocess."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.tmp = tmp
        self.env = isolated_env(tmp, **env)

    @property
    def library(self) -> Path:
        return Path(self.env["READLIST_LIBRARY"])

    def __call__(self, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        res = runner.invoke(main, list(args), input=input, env=self.env, catch_exceptions=False)
        return Result(res.exit_code, res.stdout, res.stderr)

    @property
    def proc_env(self) -> dict[str, str]:
        """The environment of a readlist subprocess: this one's, with the isolated settings."""
        return {**os.environ, **self.env}

    def proc(self, *args: str, input: str | None = None, timeout: float = 120) -> Result:
        res = subprocess.run(
            [sys.executable, "-m", "readlist", *args], input=input, capture_output=True, text=True,
            env=self.proc_env, timeout=timeout,
        )  # fmt: skip
        return Result(res.returncode, res.stdout, res.stderr)

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        """readlist started in a subprocess, not waited for; stdout and stderr are pipes (text)."""
        return subprocess.Popen(
            [sys.executable, "-m", "readlist", *args], env=self.proc_env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
