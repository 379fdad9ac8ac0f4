"""readlist's commands: one module per command or group of commands, each a thin click command (its arguments in,
one call to `readlist.api`, one presenter out, `readlist.present`).

`COMMANDS` names each built-in command's module and says in one line what it does: `readlist --help` lists the
commands from it without importing them, and `readlist.cli` imports a command's module only to run it. That line
is the first of the command's help; the rest is the command's docstring. Other packages add commands under the
entry-point group ``readlist.commands`` (see docs/plugins.md); a built-in name always means the built-in.
"""

from __future__ import annotations

from readlist.states import READ_STATES

GROUP = "readlist.commands"

# name -> ("module:attribute" of its click command, what it does in one line)
COMMANDS: dict[str, tuple[str, str]] = {
    "add": (
        "readlist.commands.add:add",
        "Add papers from pasted pages, arXiv ids/URLs, DOIs or .bib files ('-' reads stdin).",
    ),
    "import": (
        "readlist.commands.add:import_",
        "Import a .bib file as your own record: keys, fields, notes, keywords and read state, without resolving.",
    ),
    "resolve": (
        "readlist.commands.add:resolve",
        "Resolve pending papers, and try unresolved ones again (a decision made in review is kept).",
    ),
    "review": (
        "readlist.commands.review:review",
        "Settle papers that need review: accept the right candidate, or reject them all.",
    ),
    "list": ("readlist.commands.listing:list_", "List papers, optionally filtered."),
    "show": ("readlist.commands.show:show", "Show one paper: metadata, sources, notes and the match evidence."),
    **{state: (f"readlist.commands.mark:{state}", f"Mark papers as {state}.") for state in READ_STATES},
    "note": ("readlist.commands.annotate:note", "Add a note to a paper (opens $EDITOR when TEXT is not given)."),
    "tag": ("readlist.commands.annotate:tag", "Add tags to a paper."),
    "untag": ("readlist.commands.annotate:untag", "Remove tags from a paper."),
    "key": (
        "readlist.commands.annotate:key",
        "Set a paper's citation key; it is settled: readlist never changes it again.",
    ),
    "merge": ("readlist.commands.merge:merge", "Merge PAPER into INTO, at your word."),
    "rm": ("readlist.commands.merge:rm", "Remove papers (with their notes, tags and sources) from the library."),
    "export": (
        "readlist.commands.export:export",
        "Export papers as BibTeX, BibLaTeX, CSL-JSON or a Markdown reading list.",
    ),
    "stats": ("readlist.commands.library:stats", "Count papers by status and read state."),
    "backup": (
        "readlist.commands.library:backup",
        "Copy the library to FILE (safe while other readlist commands are writing).",
    ),
    "restore": (
        "readlist.commands.library:restore",
        "Replace the library with a backup, after checking the backup is sound.",
    ),
    "cache": ("readlist.commands.cache:cache", "Inspect or empty the HTTP cache."),
    "index": (
        "readlist.commands.index:index",
        "Build, update and inspect the local arXiv metadata index (its file: the index setting).",
    ),
}
