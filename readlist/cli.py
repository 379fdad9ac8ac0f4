"""The `readlist` command line: parses arguments, calls `readlist.api`, prints results.

Heavy modules are imported inside commands so that `readlist --help` starts fast. The program
(`readlist.program`) runs this; plain `list`, `read KEY` and exports of stored BibTeX entries it answers itself,
the same way, without click.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from readlist.program import marked, print_text, wrote
from readlist.states import FILTER_CHOICES, READ_STATES
from readlist.words import plural

if TYPE_CHECKING:
    from readlist.api import ReadingList, Report
    from readlist.model import Paper

_FILTER_HELP = {
    "status": "Only papers with this resolution status (duplicate: papers flagged as possible duplicates).",
    "tag": "Only papers with this tag.",
    "state": "Only papers in this read state.",
    "search": "Words to find in title, abstract or notes.",
}


class Context:
    def __init__(self, library: Path | None, offline: bool, verbose: bool) -> None:
        self.library, self.offline, self.verbose = library, offline, verbose
        self._list: ReadingList | None = None

    def settings(self, **overrides: object):
        from readlist.config import load_settings

        return load_settings(library=self.library, offline=self.offline or None, **overrides)

    def open(self, **overrides: object) -> ReadingList:
        """The reading list, with settings overridden by command options (None = not given)."""
        if self._list is None:
            from readlist.api import ReadingList

            self._list = ReadingList(self.settings(**overrides))
        return self._list

    def close(self) -> None:
        if self._list is not None:
            self._list.close()


def _run(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn readlist errors into one-line messages and exit code 1 (never a traceback); Ctrl-C or SIGTERM into
    one line and exit code 128 + the signal's number."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from readlist.errors import ReadlistError, os_error_message
        from readlist.interrupt import Interrupted, message, signum_of

        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt as stop:
            if sys.stderr.isatty():
                click.echo(err=True)  # after a progress bar
            click.echo(message(stop.pending if isinstance(stop, Interrupted) else None), err=True)
            sys.exit(128 + signum_of(stop))
        except ReadlistError as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        except BrokenPipeError:  # `readlist list | head`: the reader left; that is not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:
            raise click.ClickException(os_error_message(exc)) from None

    return wrapper


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--status, --tag, --state and --search, as `readlist.states` defines the filters."""
    for name, choices in reversed(FILTER_CHOICES.items()):  # click lists the options in decorator order
        kind = click.Choice(choices) if choices else None
        fn = click.option(f"--{name}", type=kind, metavar=None if choices else "TEXT", help=_FILTER_HELP[name])(fn)
    return fn


def _filters(status: str | None, tag: str | None, state: str | None, search: str | None):
    from readlist.store.library import Filters

    return Filters(status=status, tag=tag, state=state, search=search)


def _progress(ctx: Context):
    from readlist.resolve.progress import progress_for

    return progress_for(sys.stderr)


def _warn_unsettable(text: str) -> None:
    """Say which characters pdflatex cannot set, and what `export --ascii` writes for them."""
    from readlist.export.latex import unsettable

    if found := unsettable(text):
        named = ", ".join(f"{ch} as {ascii or 'nothing'}" for ch, ascii in found.items())
        click.echo(
            f"warning: pdflatex cannot set {named}: export --ascii writes them so; UTF-8 exports keep them", err=True
        )


def _summarize(report: Report, verb: str | None, next_steps: bool = True) -> None:
    """What a command did to the library: what its input was (``verb``: added, imported), what resolution found,
    and the command to run next, if any. Problems and why papers stayed pending go to stderr. The command is done:
    an interrupt meanwhile waits for the summary, then says how many papers are pending."""
    from readlist.interrupt import Interrupted, deferred

    with deferred() as held:
        _write_summary(report, verb, next_steps)
    if held.signum is not None:
        raise Interrupted(held.signum, pending=report.pending)


def _write_summary(report: Report, verb: str | None, next_steps: bool) -> None:
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if verb:
        click.echo(
            f"{verb}: {report.added} new, {report.already} already in the library, "
            f"{plural(report.repeats, 'repeat')} in this input"
        )
    if report.resolved:
        counts = [f"{report.statuses[s]} {s}" for s in ("matched", "needs-review", "unresolved", "pending")
                  if report.statuses.get(s)]  # fmt: skip
        asked = f"{plural(report.requests, 'request')}, {report.cache_hits} from the cache"
        if counts:
            click.echo(f"resolution: {', '.join(counts)} ({asked})")
        elif not verb:  # `readlist resolve` found nothing to do
            click.echo("nothing to resolve")
    for reason, n in sorted(report.reasons.items()):
        click.echo(f"  {n} pending: {reason}", err=True)
    if report.duplicates:
        click.echo(
            f"{plural(report.duplicates, 'paper')} flagged as possible duplicates, kept apart: "
            "`readlist list --status duplicate` shows them, `readlist merge` joins two"
        )
    if not next_steps:
        return
    if report.review:
        needs = "needs" if report.review == 1 else "need"
        click.echo(f"next: `readlist review` ({plural(report.review, 'paper')} {needs} review)")
    if report.pending:
        when = " when the network is back" if report.unreachable else ""
        click.echo(f"next: `readlist resolve`{when} ({plural(report.pending, 'paper')} pending)")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="readlist")
@click.option(
    "--library",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Library file (default: READLIST_LIBRARY or the platform's user data dir).",
)
@click.option("--offline", is_flag=True, help="Answer only from the HTTP cache; never touch the network.")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is happening.")
@click.pass_context
def main(ctx: click.Context, library: Path | None, offline: bool, verbose: bool) -> None:
    """readlist: a reading list and citation manager for researchers.

    \b
    Example:
      readlist add page.txt 2402.15567 refs.bib
      readlist list --status needs-review
      readlist export --format bibtex -o reading-list.bib
    """
    ctx.obj = Context(library, offline, verbose)
    ctx.call_on_close(ctx.obj.close)


key_style_option = click.option(
    "--key-style",
    metavar="STYLE",
    help="Citation keys for new papers: 'default' (park2024foundation) or 'bbt' (Better BibTeX: "
    "brownLanguageModelsAre2020). Default: the key_style setting. Existing keys never change.",
)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--no-resolve", is_flag=True, help="Store entries as pending without contacting arXiv or S2.")
@key_style_option
@click.pass_obj
@_run
def add(ctx: Context, inputs: tuple[str, ...], no_resolve: bool, key_style: str | None) -> None:
    """Add papers from pasted pages, arXiv ids/URLs, DOIs or .bib files ('-' reads stdin).

    \b
    Example:
      readlist add ../shared/seeds/*.txt
      echo 2402.15567 | readlist add -
      readlist add --key-style bbt 2402.15567
    """
    rl = ctx.open(key_style=key_style)
    report = rl.add(inputs, resolve=not no_resolve, progress=None if no_resolve else _progress(ctx))
    _summarize(report, "added")
    if report.problems:
        sys.exit(1)


@main.command()
@filter_options
@click.pass_obj
@_run
def resolve(ctx: Context, status: str | None, tag: str | None, state: str | None, search: str | None) -> None:
    """Resolve pending papers, and try unresolved ones again (a decision made in review is kept).

    \b
    Example:
      readlist resolve
      readlist resolve --tag rl
    """
    report = ctx.open().resolve(_filters(status, tag, state, search), progress=_progress(ctx))
    _summarize(report, None)


@main.command(name="import")
@click.argument("bibfile")
@key_style_option
@click.pass_obj
@_run
def import_(ctx: Context, bibfile: str, key_style: str | None) -> None:
    """Import a .bib file as your own record: keys, fields, notes, keywords and read state, without resolving.

    Entries without a key (or whose key is taken) get one in the key style. `readlist add refs.bib` reads the
    same file and also resolves its papers against arXiv and Semantic Scholar.

    \b
    Example:
      readlist import zotero-export.bib
    """
    report = ctx.open(key_style=key_style).import_bib(bibfile)
    _summarize(report, "imported", next_steps=False)
    if report.problems:
        sys.exit(1)


def paper_json(p: Paper) -> dict[str, object]:
    """The documented JSON shape of a paper (see docs/formats.md)."""
    return {
        "id": p.id,
        "key": p.key,
        "key_settled": p.key_settled,
        "title": p.title,
        "authors": p.authors,
        "year": p.year,
        "date": p.date,
        "arxiv_id": p.arxiv_id,
        "doi": p.doi,
        "venue": p.venue,
        "url": p.url,
        "state": p.state,
        "state_changed_at": p.state_changed_at,
        "status": p.status,
        "tags": p.tags,
        "notes": [n.text for n in p.notes],
        "sources": [{"file": s.file, "line": s.line} for s in p.sources],
        "aliases": p.aliases,
        "duplicates": [d.other_key for d in p.duplicates],
    }


@main.command(name="list")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (shape documented in docs/formats.md).")
@click.pass_obj
@_run
def list_(
    ctx: Context, status: str | None, tag: str | None, state: str | None, search: str | None, as_json: bool
) -> None:
    """List papers, optionally filtered.

    \b
    Example:
      readlist list --state unread --tag rl
      readlist list --search diffusion --json
    """
    filters = _filters(status, tag, state, search)
    if as_json:
        click.echo(json.dumps([paper_json(p) for p in ctx.open().papers(filters)], ensure_ascii=False, indent=1))
        return
    print_text(ctx.open().listing(filters))


@main.command()
@click.argument("paper")
@click.pass_obj
@_run
def show(ctx: Context, paper: str) -> None:
    """Show one paper: metadata, sources, notes and the match evidence.

    \b
    Example:
      readlist show park2024foundation
      readlist show 2402.15567
    """
    from readlist.present import describe

    rl = ctx.open()
    found = rl.get(paper)
    click.echo(describe(found, rl.disagreements(found)))


def _state_command(state: str) -> None:
    @main.command(name=state, help=f"Mark papers as {state}.\n\n\b\nExample:\n  readlist {state} park2024foundation 12")
    @click.argument("papers", nargs=-1, required=True)
    @click.pass_obj
    @_run
    def command(ctx: Context, papers: tuple[str, ...]) -> None:
        print_text(marked([p.key for p in ctx.open().set_state(papers, state)], state))


for _state in READ_STATES:
    _state_command(_state)


@main.command()
@click.argument("paper")
@click.argument("text", required=False)
@click.pass_obj
@_run
def note(ctx: Context, paper: str, text: str | None) -> None:
    """Add a note to a paper (opens $EDITOR when TEXT is not given).

    \b
    Example:
      readlist note park2024foundation "Compare with METRA, section 4."
    """
    if text is None:
        text = click.edit("\n# Write your note above. Lines starting with # are dropped.\n")
        if text is None:
            raise click.ClickException("no note written; nothing was added")
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    p = ctx.open().note(paper, text)
    click.echo(f"{p.key}: {plural(len(p.notes), 'note')}")
    _warn_unsettable(text)


@main.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
@_run
def tag(ctx: Context, paper: str, tags: tuple[str, ...]) -> None:
    """Add tags to a paper.

    \b
    Example:
      readlist tag park2024foundation rl offline-rl
    """
    p = ctx.open().tag(paper, tags)
    click.echo(f"{p.key}: {', '.join(p.tags)}")
    _warn_unsettable(" ".join(tags))


@main.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
@_run
def untag(ctx: Context, paper: str, tags: tuple[str, ...]) -> None:
    """Remove tags from a paper.

    \b
    Example:
      readlist untag park2024foundation offline-rl
    """
    p = ctx.open().tag(paper, tags, remove=True)
    click.echo(f"{p.key}: {', '.join(p.tags) or '(no tags)'}")


@main.command()
@click.argument("papers", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@_run
def rm(ctx: Context, papers: tuple[str, ...], yes: bool) -> None:
    """Remove papers (with their notes, tags and sources) from the library.

    Asks first, naming the papers; without a terminal to ask on (a script, a pipe), it needs --yes.

    \b
    Example:
      readlist rm 12
      readlist rm 12 park2024hilp --yes
    """
    rl = ctx.open()
    named = rl.named(papers)
    if not yes:
        what = plural(len(named), "paper")
        if not sys.stdin.isatty():
            raise click.ClickException(f"not removing {what} without asking: no terminal to ask on; give --yes")
        for p in named:
            click.echo(f"  #{p.id} {p.key}  {p.title}")
        if not click.confirm(f"Remove {'this paper' if len(named) == 1 else f'these {what}'} with its notes, tags "
                             "and sources?", default=False):  # fmt: skip
            click.echo("nothing was removed")
            sys.exit(1)
    for key in rl.remove([str(p.id) for p in named]):
        click.echo(f"removed {key}")


@main.command()
@click.argument("paper")
@click.argument("into")
@click.pass_obj
@_run
def merge(ctx: Context, paper: str, into: str) -> None:
    """Merge PAPER into INTO, at your word: notes, tags, sources and read state move to INTO, which shows what
    both papers' sources say and keeps its .bib entry (or takes PAPER's). INTO keeps its key, settled; PAPER's key
    stays an alias of INTO (`readlist show`, `export --aux` and biblatex's `ids` still know it).

    \b
    Example:
      readlist list --status duplicate
      readlist merge BellmanDPBook bellman-science66
    """
    p = ctx.open().merge(paper, into)
    click.echo(f"{p.key}: merged; also known as {', '.join(p.aliases)}")


@main.command()
@click.argument("paper")
@click.argument("newkey")
@click.pass_obj
@_run
def key(ctx: Context, paper: str, newkey: str) -> None:
    """Set a paper's citation key; it is settled: readlist never changes it again.

    A key is ASCII without spaces or , { } ( ) = # % " \\, and never a number, an arXiv id or a DOI (those
    name papers already).

    \b
    Example:
      readlist key 12 park2024hilp
    """
    rl = ctx.open()
    old = rl.get(paper).key
    click.echo(f"{old} -> {rl.rename_key(paper, newkey).key} (settled)")


@main.command()
@click.pass_obj
@_run
def stats(ctx: Context) -> None:
    """Count papers by status and read state.

    \b
    Example:
      readlist stats
    """
    s: dict[str, Any] = ctx.open().stats()
    click.echo(", ".join(plural(s[name], name[:-1]) for name in ("papers", "sources", "notes", "tags")))
    for group in ("status", "state"):
        click.echo(f"{group}: " + ", ".join(f"{k} {v}" for k, v in s[group].items()))
    provisional = s["papers"] - s["settled"]
    click.echo(f"keys: {s['settled']} settled, {provisional} provisional; possible duplicates: {s['duplicates']}")


@main.command()
@click.option(
    "--format",
    "fmt",
    default="bibtex",
    show_default=True,
    help="bibtex, biblatex, markdown, csl-json, or a plugin's format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--ascii", "ascii_", is_flag=True, help="BibTeX: LaTeX escapes instead of UTF-8 (classic BibTeX).")
@click.option("--no-abstract", is_flag=True, help="Leave abstracts out.")
@click.option(
    "--group-by",
    type=click.Choice(["status", "tag", "year"]),
    default="status",
    show_default=True,
    help="Markdown: how to group the list (status = read state).",
)
@click.option("--et-al", type=int, default=3, show_default=True, help="Markdown: authors shown before 'et al.'.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Markdown template.")
@click.option(
    "--aux",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Only the entries a LaTeX document cites (its .aux file).",
)
@filter_options
@click.pass_obj
@_run
def export(
    ctx: Context,
    fmt: str,
    output: Path | None,
    ascii_: bool,
    no_abstract: bool,
    group_by: str,
    et_al: int,
    template: Path | None,
    aux: Path | None,
    status: str | None,
    tag: str | None,
    state: str | None,
    search: str | None,
) -> None:
    """Export papers as BibTeX, BibLaTeX, CSL-JSON or a Markdown reading list.

    \b
    Example:
      readlist export --format bibtex -o exports/reading-list.bib
      readlist export --format markdown --group-by tag -o reading-list.md
      readlist export --aux paper.aux -o paper.bib
    """
    from readlist.export.base import ExportOptions

    options = ExportOptions(
        flavor=fmt if fmt in ("bibtex", "biblatex") else "bibtex",
        ascii=ascii_,
        abstract=not no_abstract,
        group_by=group_by,
        et_al=et_al,
        template=template,
    )
    rl = ctx.open()
    keys = None
    if aux is not None:
        from readlist.export.aux import cited_keys

        keys = cited_keys(aux)
        if "*" in keys:  # \nocite{*}: the whole library
            keys = None
    aliases: dict[str, str] = {}
    if keys is not None:
        keys, aliases, unknown = rl.cited(keys)
        for missing in unknown:
            click.echo(f"warning: {aux}: cited key {missing!r} is not in the library", err=True)
    n = rl.export(
        fmt, output, _filters(status, tag, state, search), options, stream=sys.stdout, keys=keys, aliases=aliases
    )
    if output is not None:
        click.echo(wrote(n, output), err=True)


@main.command()
@click.argument("paper", required=False)
@click.option("--accept", "accept", metavar="CANDIDATE", help="Accept this candidate (arXiv id, S2 id or rank).")
@click.option("--reject", is_flag=True, help="Reject every candidate; the paper becomes unresolved.")
@click.pass_obj
@_run
def review(ctx: Context, paper: str | None, accept: str | None, reject: bool) -> None:
    """Settle papers that need review: accept the right candidate, or reject them all.

    Without options, walks through every paper that needs review, saying why, and asks what to do with each:
    a candidate's number accepts it, r rejects every candidate, s skips the paper, q quits (what was decided is
    kept). --reject works on a matched paper too: it shows what its sources said again, keeps the candidates, and
    --accept takes one back.

    \b
    Example:
      readlist review
      readlist review 12 --accept 2402.15567
      readlist review 12 --reject
    """
    rl = ctx.open()
    if accept and reject:
        raise click.UsageError("--accept and --reject cannot be used together")
    if accept or reject:
        if paper is None:
            raise click.UsageError("give the PAPER to accept or reject candidates for")
        key = rl.get(paper).key
        click.echo(_decided(key, rl.accept(paper, accept) if accept else rl.reject(paper)))
        return
    todo = [rl.get(paper)] if paper else rl.to_review()
    if not todo:
        click.echo("nothing needs review")
        return
    done = {"accepted": 0, "rejected": 0, "skipped": 0}
    for p in todo:
        answer = _ask(rl, p)
        if answer == "q":
            break
        if answer == "s":
            done["skipped"] += 1
            click.echo(f"{p.key}: skipped")
            continue
        decided = rl.reject(str(p.id)) if answer == "r" else rl.accept(str(p.id), answer)
        done["rejected" if answer == "r" else "accepted"] += 1
        click.echo(_decided(p.key, decided))
    click.echo("review: " + ", ".join(f"{n} {what}" for what, n in done.items()))
    left = len(rl.to_review())
    if left:
        needs = "needs" if left == 1 else "need"
        click.echo(f"{plural(left, 'paper')} still {needs} review: `readlist review` continues")


def _ask(rl: ReadingList, paper: Paper) -> str:
    """Show a paper that needs review, why, and its candidates; ask until the answer is one: a candidate's number,
    r, s or q (the end of the input is q)."""
    from readlist.present import candidates_table

    full = rl.get(str(paper.id))
    n = len(full.candidates)
    click.echo(candidates_table(full, why=True))
    numbers = f"1-{n}" if n > 1 else "1"
    while True:
        try:
            answer = click.prompt(
                f"accept a candidate ({numbers}), r reject all, s skip, q quit", default="s", show_default=True
            )
        except click.Abort:  # end of input
            click.echo()
            return "q"
        if not sys.stdin.isatty():  # a terminal shows what was typed; show answers read from a pipe too
            click.echo(answer)
        answer = answer.strip().lower()
        if answer in ("r", "s", "q") or (answer.isdigit() and 1 <= int(answer) <= n):
            return answer
        click.echo(f"{answer!r} is not a choice: type a candidate's number ({numbers}) to accept it, r to reject "
                   "them all, s to skip this paper, q to quit")  # fmt: skip


def _decided(key: str, paper: Paper) -> str:
    """What `review` says it did to a paper (``key``: its key before)."""
    renamed = f" (key now {paper.key})" if paper.key != key else ""
    if paper.status == "matched":
        return f"{key}: matched to {paper.arxiv_id or paper.doi or paper.s2_id}{renamed}"
    return (f"{key}: unresolved, every candidate rejected{renamed}; "
            f"`readlist review {paper.key} --accept N` takes one back")  # fmt: skip


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
@_run
def backup(ctx: Context, file: Path) -> None:
    """Copy the library to FILE (safe while other readlist commands are writing).

    \b
    Example:
      readlist backup ~/backups/readlist-2026-11-23.sqlite
    """
    ctx.open().backup(file)
    click.echo(f"backed up to {file}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
@_run
def restore(ctx: Context, file: Path) -> None:
    """Replace the library with a backup, after checking the backup is sound.

    The current library is kept beside it as LIBRARY.before-restore.bak.

    \b
    Example:
      readlist restore ~/backups/readlist-2026-11-23.sqlite
    """
    ctx.open().restore(file)
    click.echo(f"restored from {file}")


@main.group()
def cache() -> None:
    """Inspect or empty the HTTP cache.

    \b
    Example:
      readlist cache info
    """


@cache.command(name="info")
@click.pass_obj
@_run
def cache_info(ctx: Context) -> None:
    """Show where the cache is, its size and what it holds.

    \b
    Example:
      readlist cache info
    """
    from readlist.resolve.cache import EXPIRY_LABELS
    from readlist.resolve.cache import cache_info as info

    found = info(ctx.settings())
    hosts = ", ".join(f"{host} {n}" for host, n in found["hosts"].items()) or "none"
    expiry = ", ".join(f"{EXPIRY_LABELS[what]} {_duration(delta)}" for what, delta in found["expiry"].items())
    for name, value in (
        ("path", found["path"]), ("size", _size(found["size_bytes"])), ("responses", found["responses"]),
        ("hosts", hosts), ("expiry", expiry),
    ):  # fmt: skip
        click.echo(f"{name}: {value}")


def _size(n: int) -> str:
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _duration(delta: Any) -> str:
    """``30 days``, ``1 hour``: a timedelta in words."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return plural(seconds // size, unit)
    return plural(seconds, "second")


@cache.command(name="clear")
@click.pass_obj
@_run
def cache_clear(ctx: Context) -> None:
    """Remove every cached response.

    \b
    Example:
      readlist cache clear
    """
    from readlist.resolve.cache import cache_clear as clear

    click.echo(f"removed {plural(clear(ctx.settings()), 'cached response')}")


@main.group()
def index() -> None:
    """Build, update and inspect the local arXiv metadata index (its file: the index setting).

    \b
    Example:
      readlist index build arxiv.zip
      readlist index update
      readlist index info
    """


@index.command(name="build")
@click.argument("file")
@click.pass_obj
@_run
def index_build(ctx: Context, file: str) -> None:
    """Build the index from arXiv's metadata snapshot.

    FILE holds the snapshot's JSON lines: the file itself, Kaggle's .zip of it, or '-' for standard input.
    The index is replaced only once the new one is complete: until then (and if the build is interrupted)
    the old one stays in use. Lines that are not records are skipped and counted.

    \b
    Example:
      readlist index build ~/Downloads/arxiv.zip
      readlist index build arxiv-metadata-oai-snapshot.json
      unzip -p arxiv.zip | readlist index build -
    """
    from readlist.index.build import build
    from readlist.index.progress import duration, megabytes

    report = build(file, ctx.settings().index)
    for line, problem in report.problems:
        click.echo(f"warning: {file}:{line}: {problem}; skipped", err=True)
    if report.bad_lines > len(report.problems):
        click.echo(f"warning: {file}: {report.bad_lines - len(report.problems):,} more bad line(s) skipped", err=True)
    click.echo(
        f"built {report.index}: {report.records:,} records, {report.bad_lines:,} bad line(s) skipped, "
        f"last datestamp {report.last_datestamp or 'unknown'}, {megabytes(report.size)}, in {duration(report.seconds)}"
    )


@index.command(name="update")
@click.option("--from", "from_date", metavar="YYYY-MM-DD", help="Harvest from this date, not the last datestamp.")
@click.option(
    "--format",
    "prefix",
    type=click.Choice(["arXiv", "arXivRaw"]),
    default="arXiv",
    show_default=True,
    help="OAI-PMH metadata format: arXiv (authors in parts) or arXivRaw (every version's date).",
)
@click.pass_obj
@_run
def index_update(ctx: Context, from_date: str | None, prefix: str) -> None:
    """Harvest what changed on arXiv since the index's last datestamp.

    Asks arXiv's OAI-PMH interface, one request at a time at arXiv's pace. Run it again after an
    interruption: it resumes where it stopped.

    \b
    Example:
      readlist index update
      readlist index update --from 2026-11-01
    """
    from readlist.index.harvest import update

    settings = ctx.settings()
    try:
        report = update(settings, prefix, from_date)
    except KeyboardInterrupt:
        click.echo(
            "interrupted: the records harvested so far are in the index; `readlist index update` resumes", err=True
        )
        sys.exit(130)
    done = "resumed and finished the harvest" if report.resumed else "harvested"
    pace = f"{report.requests} request(s), {report.waited:.0f} s waited at arXiv's pace"
    if not report.records and not report.deleted:
        click.echo(f"the index is up to date: nothing changed on arXiv since {report.from_date}; {pace}")
    else:
        click.echo(
            f"{done} {report.records:,} record(s) changed since {report.from_date} ({report.new:,} new, "
            f"{report.deleted:,} deleted) into {settings.index}; last datestamp {report.last_datestamp}; {pace}"
        )
    if report.bad:
        click.echo(f"warning: {report.bad:,} record(s) without a usable id or title skipped", err=True)
    if report.restarts:
        click.echo(f"note: the server forgot the harvest's place {report.restarts} time(s); restarted it", err=True)


@index.command(name="info")
@click.pass_obj
@_run
def index_info(ctx: Context) -> None:
    """Show what the index holds and how current it is.

    Records, last datestamp, size on disk, the file it was built from and its last update.

    \b
    Example:
      readlist index info
    """
    from readlist.index.info import describe

    for label, value in describe(ctx.settings().index).items():
        click.echo(f"{label}: {value}")
