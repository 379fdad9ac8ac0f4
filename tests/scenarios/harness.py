"""What the stories share: a researcher at a terminal running the installed `readlist`, and the facts the
recorded corpus and the seed pages give (read at run time, so the stories follow the corpus as it grows)."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from readlist.ingest.pages import parse_page
from readlist.text import normalize_title
from tests.cli import UNREACHABLE
from tests.fakeserver import FakeServer
from tests.fakeserver.corpus import corpus_records
from tests.paths import seed_pages

PROGRAM = Path(sys.executable).with_name("readlist")  # the installed program, as a user runs it
INTERRUPTED = re.compile(
    r"^interrupted: (\d+) papers? pending, everything parsed is kept; `readlist resolve` continues$"
)


@dataclass
class Run:
    """What one command showed the user."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def __str__(self) -> str:
        return f"readlist {' '.join(self.args)} -> {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}"


@dataclass
class User:
    """A researcher with a fresh home, library and HTTP cache; arXiv and Semantic Scholar are the fake server.

    ``online = False`` points readlist at a port where every connection is refused (no network).
    """

    home: Path
    server: FakeServer | None = None
    online: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    @property
    def library(self) -> Path:
        return self.home / "library.sqlite"

    @property
    def env(self) -> dict[str, str]:
        base = self.server.base_url if self.online and self.server else UNREACHABLE
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("READLIST_", "_READLIST"))}
        return {
            **keep,
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "READLIST_CONFIG": str(self.home / "config.toml"),
            "READLIST_LIBRARY": str(self.library),
            "READLIST_CACHE": str(self.home / "http-cache.sqlite"),
            "READLIST_ARXIV_URL": f"{base}/api/query",
            "READLIST_S2_URL": f"{base}/graph/v1",
            "READLIST_ARXIV_INTERVAL": "0",
            "READLIST_S2_INTERVAL": "0",
            **self.extra_env,
        }

    def __call__(self, *args: str, input: str | None = None, timeout: float = 300) -> Run:
        proc = subprocess.run(
            [str(PROGRAM), *args], input=input, capture_output=True, text=True, env=self.env, cwd=self.home,
            timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL,
        )  # fmt: skip
        return Run(args, proc.returncode, proc.stdout, proc.stderr)

    def ok(self, *args: str, input: str | None = None) -> Run:
        """Run a command that must succeed."""
        run = self(*args, input=input)
        assert run.code == 0, str(run)
        assert "Traceback" not in run.err, str(run)
        return run

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(PROGRAM), *args], env=self.env, cwd=self.home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def terminal(self, *args: str, answers: Iterable[tuple[str, str]] = (), timeout: float = 60) -> tuple[int, str]:
        """Run a command on a pseudo-terminal (stdin, stdout and stderr are one tty), answering prompts: for each
        ``(prompt, answer)`` wait until ``prompt`` has been shown, then type ``answer`` and Enter. Returns the exit
        status and everything the terminal showed."""
        import pty

        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [str(PROGRAM), *args], env={**self.env, "TERM": "dumb"}, cwd=self.home, stdin=slave, stdout=slave,
            stderr=slave, close_fds=True, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        shown = b""
        deadline = time.monotonic() + timeout

        def read_some() -> bool:
            nonlocal shown
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                return True
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other side closed
                return False
            shown += chunk
            return bool(chunk)

        try:
            for prompt, answer in answers:
                while prompt.encode() not in shown:
                    assert time.monotonic() < deadline, f"no prompt {prompt!r}; the terminal showed {shown!r}"
                    assert read_some() or prompt.encode() in shown, f"no prompt {prompt!r} before exit: {shown!r}"
                os.write(master, answer.encode() + b"\r")
            while read_some():
                assert time.monotonic() < deadline, f"still running; the terminal showed {shown!r}"
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return code, shown.decode("utf-8", "replace").replace("\r\n", "\n")

    # -- what the library holds ---------------------------------------------------------------------------

    def papers(self, *filters: str) -> list[dict]:
        """``readlist list --json`` (with filters)."""
        return json.loads(self.ok("list", "--json", *filters).out)

    def paper(self, ref: str) -> dict:
        """The ``list --json`` object of the paper ``show REF`` names."""
        first = self.ok("show", ref).lines[0]
        number = int(first.split()[0].lstrip("#"))
        (found,) = [p for p in self.papers() if p["id"] == number]
        return found

    def sources(self) -> int:
        with closing(sqlite3.connect(self.library)) as db:
            return db.execute("SELECT count(*) FROM sources").fetchone()[0]

    def file(self, name: str, text: str) -> Path:
        path = self.home / name
        path.write_text(text, encoding="utf-8")
        return path

    def interrupt(self, proc: subprocess.Popen[str], signum: int = signal.SIGINT) -> tuple[int, str, float]:
        """Send ``signum``; the exit status, stderr and the seconds it took to exit."""
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        return proc.returncode, err, time.monotonic() - sent


# -- facts from the seed pages and the recorded corpus --------------------------------------------------------


def pages() -> list[Path]:
    """The five seed pages (tests.paths fails when they are missing: a story never passes without them)."""
    found = seed_pages()
    assert len(found) >= 5, f"expected the five seed pages, found {len(found)}"
    return found


@cache
def page_entries(page: Path) -> tuple:
    entries, problems = parse_page(page.read_text(encoding="utf-8"), page.name)
    assert not problems, problems
    return tuple(entries)


def identity(title: str | None, arxiv_id: str | None = None, doi: str | None = None) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else f"doi:{doi.lower()}" if doi else f"title:{normalize_title(title or '')}"


def counts(selected: Iterable[Path]) -> tuple[int, int]:
    """(distinct papers, entries) on these pages: repeats of a paper within them are one paper."""
    entries = [e for page in selected for e in page_entries(page)]
    return len({identity(e.title, e.arxiv_id, e.doi) for e in entries}), len(entries)


@cache
def corpus() -> tuple[dict, ...]:
    return tuple(corpus_records())


def expected_matches() -> dict[str, str]:
    """Normalized seed title -> arXiv id (else DOI) of the corpus paper it names: what resolution must find."""
    return {
        normalize_title(p["seed_title"]): p.get("arxiv_id") or p["doi"].lower()
        for p in corpus()
        if p.get("kind") == "seed" and p.get("seed_title") and (p.get("arxiv_id") or p.get("doi"))
    }


def seed_record(page: Path, **wanted: object) -> dict:
    """A corpus record of a seed paper on ``page`` having the fields ``wanted`` asks for (True: any value)."""
    titles = {normalize_title(e.title or "") for e in page_entries(page)}
    for p in corpus():
        if p.get("kind") != "seed" or normalize_title(p.get("seed_title") or "") not in titles:
            continue
        if all((bool(p.get(k)) if v is True else p.get(k) == v) for k, v in wanted.items()):
            return p
    raise AssertionError(f"the corpus holds no seed paper of {page.name} with {wanted}")


def matched_id(paper: dict) -> str | None:
    return paper["arxiv_id"] or paper["doi"]


BARE_WORD = re.compile(r"^[a-z0-9]+[a-z]?$")


def bare_title_word(key: str, title: str) -> bool:
    """Whether a key is one word of the title (perhaps with a clash suffix): the keys this issue removes."""
    words = set(normalize_title(title).split())
    return key in words or (key[:-1] in words and key[-1].isalpha())
