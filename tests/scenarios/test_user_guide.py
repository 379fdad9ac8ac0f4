"""The stories are the executable form of docs/user-guide.md: the guide shows every command, and every command and
option it shows is run by a story. The exit codes it documents are the ones the program gives."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

from tests.cli import every_command
from tests.paths import REPO
from tests.scenarios.harness import User

GUIDE = REPO / "docs" / "user-guide.md"
GLOBAL = {"--library": True, "--offline": False, "-v": False, "--verbose": False, "--version": False}


def guide_commands() -> list[list[str]]:
    """Every `readlist ...` command line the guide shows (in code spans and code blocks), as words."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = re.findall(r"`(readlist [^`]+)`", text)
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL):
        lines += [m.group(1) for m in re.finditer(r"^\$? ?(readlist .*?)(?:\s+#.*)?$", block, re.MULTILINE)]
    commands = []
    for line in lines:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        commands.append(words[1:])
    return commands


def shown() -> tuple[set[str], set[str]]:
    """The commands (``cache info`` as ``cache info``) and the options the guide shows."""
    commands, options = set(), set()
    for words in guide_commands():
        rest = list(words)
        while rest and rest[0] in GLOBAL:
            options.add(rest[0])
            if GLOBAL[rest.pop(0)] and rest:
                rest.pop(0)
        if not rest or rest[0].startswith("-"):
            options.update(w.split("=")[0] for w in rest if w.startswith("-"))
            continue
        name = rest[0] if rest[0] != "cache" or len(rest) < 2 else f"cache {rest[1]}"
        commands.add(name)
        options.update(w.split("=")[0] for w in rest[1:] if w.startswith("-"))
    return commands, options - {"-h", "--help"}


def story_words() -> set[str]:
    """Every string the stories pass (their sources' string constants, split into words; this file aside)."""
    words: set[str] = set()
    for path in Path(__file__).parent.glob("*.py"):
        if path.name == Path(__file__).name:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words.update(node.value.split())
    return words


def test_the_guide_shows_every_command() -> None:
    commands, _ = shown()
    every = {" ".join(words) if words[0] == "cache" else words[0] for words in every_command()}
    assert every - commands == set()


def test_every_command_and_option_the_guide_shows_is_run_by_a_story() -> None:
    commands, options = shown()
    words = story_words()
    assert [c for c in sorted(commands) if not set(c.split()) <= words] == []
    assert [o for o in sorted(options) if o not in words] == []


def test_exit_codes_are_documented_and_given(user: User) -> None:
    for doc in (GUIDE, REPO / "README.md"):
        text = doc.read_text(encoding="utf-8")
        for code in ("0", "1", "2", "130"):
            assert re.search(rf"(^|\W){code}(:|\W)", text), f"{doc.name} documents exit code {code}"
    assert user("list").code == 0
    assert user("show", "nosuchpaper").code == 1
    assert user("list", "--state", "sideways").code == 2
    assert user("frobnicate").code == 2
