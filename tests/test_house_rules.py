"""House rules that no linter checks (docs/architecture.md): only `readlist.config` reads the environment, and no
module grows past ~400 lines. The layer rules are import-linter's (`.importlinter`, run by .ci/run)."""

from __future__ import annotations

import ast
from pathlib import Path

import readlist

PACKAGE = Path(readlist.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
READERS = {"environ", "environb", "getenv", "putenv"}


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that read ``os.environ`` or call ``os.getenv``/``os.putenv`` (however ``os`` was imported)."""
    attributes = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in READERS]
    imports = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "os" and {a.name for a in n.names} & READERS
    ]
    return attributes + imports


def test_only_config_reads_the_environment() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in MODULES
        if path != PACKAGE / "config.py"
        for line in _reads_environment(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not found, f"read the environment outside readlist/config.py: {sorted(found)}"


def test_the_rule_sees_each_way_of_reading_the_environment() -> None:
    for source in ("import os\nos.environ['X']", "import os\nos.getenv('X')", "from os import environ"):
        assert _reads_environment(ast.parse(source)) == [source.count("\n") + 1]
    assert _reads_environment(ast.parse("import os\nos.path.join('a')")) == []


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by responsibility: {long}"
