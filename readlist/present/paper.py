"""Plain-text views of a paper for the terminal: `show` and the review table."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from readlist.model import Candidate, Paper


def _evidence_lines(evidence: dict[str, object], indent: str = "  ") -> list[str]:
    lines = []
    for name, value in sorted(evidence.items()):
        if isinstance(value, dict):
            inner = "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
            lines.append(f"{indent}{name}: {inner or 'none'}")
        elif isinstance(value, list):
            lines.append(f"{indent}{name}: {', '.join(map(str, value)) or 'none'}")
        elif isinstance(value, bool):
            lines.append(f"{indent}{name}: {'yes' if value else 'no'}")
        elif isinstance(value, float):
            lines.append(f"{indent}{name}: {value:.3f}")
        else:
            lines.append(f"{indent}{name}: {value}")
    return lines


def describe(p: Paper, disagreements: Sequence[tuple[str, Sequence[tuple[str, object, object]]]] = ()) -> str:
    """Everything readlist knows about a paper, including why it is (or is not) matched; ``disagreements``: the
    imported .bib entries that disagree with its record (`Store.disagreements`)."""
    settled = "key settled" if p.key_settled else "key provisional: made again as the paper is resolved, until exported"
    out = [f"#{p.id}  {p.key} ({settled})", f"  {p.title}"]
    if p.aliases:
        out.append("  also known as: " + ", ".join(p.aliases))
    if p.authors:
        out.append("  " + ", ".join(p.authors))
    elif p.author_count:
        out.append(f"  ({p.author_count} authors, names not known yet)")
    arxiv = f"{p.arxiv_id}v{p.arxiv_version}" if p.arxiv_version else p.arxiv_id
    facts = [
        ("year", p.year), ("date", p.date), ("arXiv", arxiv),
        ("category", p.primary_class), ("DOI", p.doi), ("venue", p.venue or p.journal), ("volume", p.volume),
        ("pages", p.pages), ("url", p.url),
    ]  # fmt: skip
    out += [f"  {name}: {value}" for name, value in facts if value]
    out.append(f"  read state: {p.state}" + (f" (since {p.state_changed_at})" if p.state_changed_at else ""))
    if p.tags:
        out.append("  tags: " + ", ".join(p.tags))
    out.append(f"  resolution: {p.status}")
    out += _evidence_lines(p.evidence, "    ")
    if p.candidates:
        out.append("  candidates:")
        out += ["    " + line for line in candidates_table(p).splitlines()[1:]]
    if p.notes:
        out.append("  notes:")
        for n in p.notes:
            out.append(f"    [{n.created_at}]")
            out += textwrap.wrap(n.text, 96, initial_indent="      ", subsequent_indent="      ")
    for where, fields in disagreements:
        out.append(f"  differs in {where} (the record is shown):")
        out += [f"    {name}: {theirs} (record: {ours})" for name, theirs, ours in fields]
    out += [f"  possible duplicate of #{d.other_id} {d.other_key}: {d.reason}" for d in p.duplicates]
    out.append("  sources:")
    out += [f"    {s.file}" + (f":{s.line}" if s.line else "") for s in p.sources]
    if p.bib is not None:
        out.append(f"  .bib entry (@{p.bib.type}, fields as imported):")
        out += [f"    {name} = {expr if expr is not None else '{' + value + '}'}" for name, value, expr in p.bib.fields]
    return "\n".join(out)


def _candidate_row(rank: int, c: Candidate) -> list[str]:
    r = c.record
    authors = ", ".join(r.authors[:3]) + (" et al." if len(r.authors) > 3 else "")
    return [
        f"[{rank}] {r.title}",
        f"    {authors or '(no authors)'}",
        f"    {r.published or r.year or 'no date'}  {r.arxiv_id or r.doi or r.s2_id}  score {c.score:.3f}",
        *_evidence_lines(c.evidence, "    "),
    ]


def candidates_table(p: Paper, why: bool = False) -> str:
    """The paper as its sources give it, (``why``) why it needs review, then each candidate with its score and
    evidence."""
    head = f"#{p.id} {p.key}: {p.title}"
    if p.author_count or p.date:
        head += f"  ({p.author_count or '?'} authors, {p.date or 'no date'})"
    rows = [head]
    if why:
        rows.append(f"why: {p.evidence.get('reason') or 'no candidate is certain'}")
    for rank, cand in enumerate(p.candidates, start=1):
        rows += _candidate_row(rank, cand)
    return "\n".join(rows)
