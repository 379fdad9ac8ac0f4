"""Story: a researcher turns on shell completion, as the user guide says, and completes commands and options."""

from __future__ import annotations

from tests.scenarios.harness import User


def complete(user: User, words: str) -> list[str]:
    """What bash completion offers for the command line ``words`` (the cursor after the last word)."""
    parts = words.split(" ")
    user.extra_env.update(
        {"_READLIST_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    )
    try:
        run = user.ok()
    finally:
        for name in ("_READLIST_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
            user.extra_env.pop(name)
    return [line.split(",", 1)[1] for line in run.lines]


def test_shell_completion_script_and_completions(user: User) -> None:
    user.extra_env["_READLIST_COMPLETE"] = "bash_source"
    script = user.ok().out
    user.extra_env.pop("_READLIST_COMPLETE")
    assert "_readlist_completion" in script and "complete " in script
    assert {"read", "reading", "resolve", "restore", "review"} <= set(complete(user, "readlist re"))
    assert {"--status", "--state"} <= set(complete(user, "readlist list --st"))
    assert set(complete(user, "readlist list --state ")) == {"unread", "reading", "read"}
