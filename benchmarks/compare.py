"""readlist, pubs and papis side by side on the same synthetic .bib files (part of benchmarks/bench.py).

pubs and papis are installed from PyPI into their own virtualenvs under ``.tools/`` (gitignored) on first use.
Each tool runs with its own temporary HOME, XDG dirs and config file, so no user configuration is read or
touched. Every pubs/papis run is bounded by a timeout ("> N s" when it did not finish).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench import (
    REPO,
    Job,
    Timing,
    isolated_env,
    measure_interleaved,
    parse_size,
    remove_library,
    size_label,
    table,
)
from synth import PROBE_WORD

from readlist.store.queries import listing_query

TOOLS_DIR = REPO / ".tools"
# pubs 0.9 imports bibtexparser 1's API and pyparsing without declaring them.
PACKAGES = {"pubs": ["pubs==0.9.0", "bibtexparser<2", "pyparsing"], "papis": ["papis==0.16.1"]}
OPS = ("import .bib", "list all", f"search '{PROBE_WORD}'", "mark one paper read (tag)", "export all to BibTeX")
SPEEDUP_TARGET = 5.0  # each row at 10k: readlist this many times faster than the faster of pubs and papis
FLOOR_TARGET = 2.0  # `readlist list` at 10k: at most this many times the sqlite3 floor's time
OTHER_RUNS = 3
# papis imports ~7 papers/s: 1k finishes in minutes, 10k is cut off
IMPORT_CAP = {1_000: 400.0, 10_000: 120.0}
OP_CAP = 120.0

# Writes a papis library straight from a .bib (papis' own parser and YAML writer, one folder per paper), so the
# other rows can run at 10k where `papis bibtex ... import` does not finish within its cap.
PAPIS_BUILD = """
import sys, uuid, pathlib
import papis.bibtex, papis.yaml
lib = pathlib.Path(sys.argv[2])
for i, doc in enumerate(papis.bibtex.bibtex_to_dict(sys.argv[1])):
    folder = lib / f"{i:06d}-{doc.get('ref', 'doc')}"
    folder.mkdir(parents=True)
    doc["papis_id"] = uuid.uuid4().hex
    papis.yaml.data_to_yaml(str(folder / "info.yaml"), dict(doc))
"""


# "list all" at Python's floor: a script that opens the library with sqlite3 alone, runs readlist's own listing
# query (given as an argument) and writes the same lines; then the same script importing click first.
FLOOR_SCRIPT = "import sys, sqlite3{}\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])"


def ensure_tool(name: str) -> Path:
    """The tool's executable, creating its virtualenv under .tools/ when missing."""
    venv = TOOLS_DIR / name
    exe = venv / "bin" / name
    if not exe.exists():
        print(f"  installing {name} into {venv} ...", flush=True)
        subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PACKAGES[name]], check=True)
    return exe


class Tool(Protocol):
    name: str

    def import_job(self, bib: Path, n: int, runs: int) -> Job: ...
    def commands(self, key: str) -> list[list[str]]: ...  # list, search, mark, export (in OPS order)


class Readlist:
    """readlist as installed by the benchmark (``exe``: another installed readlist, e.g. an earlier commit's)."""

    def __init__(self, bench: object, work: Path, exe: str | None = None, name: str = "readlist") -> None:
        self.bench, self.name = bench, name
        self.exe: str = exe or bench.exe  # type: ignore[attr-defined]
        self.lib = work / "lib.sqlite"
        work.mkdir(parents=True, exist_ok=True)
        self.env = bench.env  # type: ignore[attr-defined]

    def import_job(self, bib: Path, n: int, runs: int) -> Job:
        return Job(self._rl("import", str(bib)), self.env, runs, 900, lambda: remove_library(self.lib))

    def _rl(self, *args: str) -> list[str]:
        return [self.exe, "--library", str(self.lib), *args]

    def commands(self, key: str) -> list[list[str]]:
        export = self._rl("export", "--format", "bibtex") if _exporters() else []
        return [self._rl("list"), self._rl("list", "--search", PROBE_WORD), self._rl("read", key), export]


class Pubs:
    name = "pubs"

    def __init__(self, work: Path) -> None:
        self.exe = str(ensure_tool("pubs"))
        self.home, self.lib = work / "home", work / "lib"
        self.env = isolated_env(self.home)
        self.conf = self.home / "pubsrc"
        self.base = [self.exe, "-c", str(self.conf)]

    def reset(self) -> None:
        shutil.rmtree(self.lib, ignore_errors=True)
        self.conf.unlink(missing_ok=True)
        subprocess.run([*self.base, "init", "-p", str(self.lib)], env=self.env, check=True, capture_output=True)

    def import_job(self, bib: Path, n: int, runs: int) -> Job:
        return Job([*self.base, "import", str(bib)], self.env, runs, IMPORT_CAP[n], self.reset)

    def build(self, bib: Path) -> None:
        self.reset()
        subprocess.run([*self.base, "import", str(bib)], env=self.env, check=True, capture_output=True)

    def commands(self, key: str) -> list[list[str]]:
        b = self.base
        # pubs has no full-text search: a field query over the abstract is its equivalent
        return [[*b, "list"], [*b, "list", f"abstract:{PROBE_WORD}"], [*b, "tag", key, "read"], [*b, "export"]]


class Papis:
    name = "papis"

    def __init__(self, work: Path) -> None:
        self.exe = ensure_tool("papis")
        self.home, self.lib = work / "home", work / "lib"
        self.env = isolated_env(self.home)
        conf = self.home / "papis.conf"
        conf.write_text(f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {self.lib}\n", encoding="utf-8")
        self.base = [str(self.exe), "-c", str(conf), "-l", str(self.lib)]

    def reset(self) -> None:
        shutil.rmtree(self.lib, ignore_errors=True)
        shutil.rmtree(self.home / "cache" / "papis", ignore_errors=True)
        self.lib.mkdir(parents=True)

    def import_job(self, bib: Path, n: int, runs: int) -> Job:
        cmd = [*self.base, "bibtex", "read", str(bib), "import", "--all", "--batch"]
        return Job(cmd, self.env, runs, IMPORT_CAP[n], self.reset)

    def build(self, bib: Path) -> None:
        self.reset()
        python = str(self.exe.parent / "python")
        subprocess.run([python, "-c", PAPIS_BUILD, str(bib), str(self.lib)], env=self.env, check=True)

    def commands(self, key: str) -> list[list[str]]:
        b = self.base
        return [
            [*b, "list", "--all"],
            [*b, "list", "--all", f"abstract:{PROBE_WORD}"],
            [*b, "tag", "--add", "read", "--all", "--batch", f"ref:{key}"],
            [*b, "export", "--all", "--format", "bibtex"],
        ]


@dataclass
class Comparison:
    text: str = ""
    failures: list[str] = field(default_factory=list)


def _exporters() -> bool:
    from bench import exporters_available

    return exporters_available()


def _speedup(mine: Timing | None, others: list[Timing | None]) -> tuple[str, bool | None]:
    """readlist's speedup over the faster other tool, and whether it meets the target (None: cannot tell)."""
    if mine is None or mine.median is None:
        return "n/a", None
    finished = [t.median for t in others if t is not None and t.median is not None]
    if finished:
        ratio = min(finished) / mine.median
        return f"{ratio:.1f}x", ratio >= SPEEDUP_TARGET
    capped = [t.timeout for t in others if t is not None and t.timeout]
    if capped:
        ratio = min(capped) / mine.median
        return f"> {ratio:.0f}x", True if ratio >= SPEEDUP_TARGET else None
    return "n/a", None


def _floor_rows(
    mine: list[Readlist], rivals: list[Pubs | Papis], listed: list[Timing | None], key: str, runs: int, size: str,
    failures: list[str],
) -> list[list[str]]:  # fmt: skip
    """Where "list all" stands against the least a Python program can take: each command in turns with each
    readlist's `list` (``mine``: this one, then any baseline) and the faster other tool's (``listed``: their list-all
    timings); each one's time over the sqlite3 floor, and that tool's time over each. A `readlist list` at 10k or
    more over `FLOOR_TARGET` times the floor is added to ``failures``."""
    finished = [(t.median, tool) for tool, t in zip(rivals, listed, strict=True) if t is not None and t.median]
    if not finished:
        return []
    other = min(finished, key=lambda pair: pair[0])[1]
    python = str(Path(mine[0].exe).parent / "python")
    sql = listing_query()[0]
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "sqlite3 + readlist's listing query": [python, "-c", FLOOR_SCRIPT.format(""), str(mine[0].lib), sql],
        "the same, importing click first": [python, "-c", FLOOR_SCRIPT.format(", click"), str(mine[0].lib), sql],
        **{f"{tool.name} list": tool.commands(key)[0] for tool in mine},
        f"{other.name} (its list all)": other.commands(key)[0],
    }
    envs = [mine[0].env] * (len(commands) - 1) + [other.env]
    jobs = [Job(cmd, env, runs, OP_CAP) for cmd, env in zip(commands.values(), envs, strict=True)]
    measured = measure_interleaved(jobs)
    floor, theirs = measured[1].median, measured[-1].median
    mine_row = f"{mine[0].name} list"
    rows = []
    for name, t in zip(commands, measured, strict=True):
        over = t.median / floor if floor and t.median else None
        if name == mine_row and parse_size(size) >= 10_000 and (over is None or over > FLOOR_TARGET):
            failures.append(f"list within {FLOOR_TARGET:g}x of the sqlite3 floor @ {size}")
        ratio = f"{theirs / t.median:.1f}x" if theirs and t.median else "n/a"
        rows.append([name, size, t.label(), f"{over:.2f}x" if over else "n/a", ratio])
    return rows


def compare_rows(work: Path, sizes: list[int], bench: object, runs: int) -> Comparison:
    """Import, list, search, mark and export in each tool at each size; readlist's speedup per row (and, with a
    baseline, the same for readlist at the baseline's commit, measured in the same turns)."""
    result = Comparison()
    rows, floor = [], []
    baseline: tuple[str, str] | None = bench.baseline  # type: ignore[attr-defined]
    for n in sizes:
        size = size_label(n)
        bib, key = bench.bib(n)  # type: ignore[attr-defined]
        print(f"side by side at {size}:", flush=True)
        mine = [Readlist(bench, work / f"cmp-{size}-readlist")]
        if baseline is not None:
            rev, exe = baseline
            mine.append(Readlist(bench, work / f"cmp-{size}-readlist-{rev}", exe, f"readlist@{rev}"))
        rivals: list[Pubs | Papis] = [cls(work / f"cmp-{size}-{cls.name}") for cls in (Pubs, Papis)]
        tools: list[Readlist | Pubs | Papis] = [*mine, *rivals]
        # the tools take turns at each operation (see measure_interleaved)
        tool_runs = [runs if isinstance(tool, Readlist) else OTHER_RUNS for tool in tools]
        imports = [tool.import_job(bib, n, r) for tool, r in zip(tools, tool_runs, strict=True)]
        timings = {tool.name: [t] for tool, t in zip(tools, measure_interleaved(imports), strict=True)}
        for tool in tools:
            if not isinstance(tool, Readlist) and (timings[tool.name][0].timeout or timings[tool.name][0].error):
                tool.build(bib)  # a complete library for the other rows, however the import ended
        commands = [(tool.commands(key), tool.env, r) for tool, r in zip(tools, tool_runs, strict=True)]
        for op in range(len(OPS) - 1):
            jobs = [Job(cmds[op], env, r, OP_CAP) if cmds[op] else None for cmds, env, r in commands]
            measured = iter(measure_interleaved([job for job in jobs if job]))
            for tool, job in zip(tools, jobs, strict=True):
                timings[tool.name].append(next(measured) if job else None)
        for tool in tools:
            print(f"  {tool.name}: " + ", ".join(t.label() if t else "n/a" for t in timings[tool.name]), flush=True)
        for i, op in enumerate(OPS):
            others = [timings["pubs"][i], timings["papis"][i]]
            speedups = [_speedup(timings[tool.name][i], others) for tool in mine]
            if n >= 10_000 and speedups[0][1] is False:
                result.failures.append(f"{op} @ {size} (< {SPEEDUP_TARGET:g}x)")
            cells = [t.label() if t else "n/a (not available)" for t in (*(timings[r.name][i] for r in mine), *others)]
            verdict = {True: "yes", False: "NO", None: "-"}[speedups[0][1]]
            rows.append([op, size, *cells, *(ratio for ratio, _ in speedups), verdict])
        listed = [timings[t.name][1] for t in rivals]
        floor += _floor_rows(mine, rivals, listed, key, runs, size, result.failures)
    names = [tool.name for tool in mine]
    headers = ["operation", "size", *names, "pubs 0.9.0", "papis 0.16.1", *(f"{name}: speedup" for name in names),
               f">= {SPEEDUP_TARGET:g}x"]  # fmt: skip
    result.text = table(headers, rows)
    result.text += (
        f"\n\nreadlist: median of {runs} runs; pubs/papis: median of up to {OTHER_RUNS} runs (one run when a run "
        f"takes over 10 s). Import caps: {', '.join(f'{size_label(k)} {v:.0f} s' for k, v in IMPORT_CAP.items())}"
        f"; other operations {OP_CAP:.0f} s. pubs searches with `abstract:{PROBE_WORD}` (it has no full-text search),"
        f" papis with `abstract:{PROBE_WORD}`, readlist with FTS5 over title, abstract and notes. The speedup is over"
        f" the faster of pubs and papis; the target, {SPEEDUP_TARGET:g}x at 10k and more, is this readlist's."
    )
    if floor:
        headers = ["list all, in turns", "size", "median", "over the sqlite3 floor", "the other tool's time over it"]
        result.text += "\n\n" + table(headers, floor)
        result.text += (
            "\n\nThe sqlite3 script writes the same lines as `readlist list` (readlist's own query, passed to it); "
            "the click line is that script importing click first, as a click program must. Target: `readlist list` "
            f"within {FLOOR_TARGET:g}x of the sqlite3 floor at 10k and more."
        )
    return result
