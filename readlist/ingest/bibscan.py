"""Read .bib text the way BibTeX and biber do: entries, ``@string`` macros, ``#`` concatenation, ``@preamble``.

What is read, and kept or expanded (docs/exports.md, "Importing .bib files"):

- An entry keeps its type, key, and every field in order, with the field's name as written and its value as
  written between its delimiters (``{...}`` or ``"..."``, or a bare number): the raw LaTeX, newlines included.
- ``@string`` macros defined in the file are expanded, and ``#`` joins the pieces, as BibTeX does; a field
  whose value still names a macro (BibTeX's month macros ``jan``..``dec``, or a macro the file does not define,
  such as those of IEEEabrv.bib) keeps the expression as written (``jul``, ``{10~} # jan``), so that the styles
  and ``@string`` files that define them still do.
- ``@preamble`` blocks are kept (expanded the same way). ``@comment`` blocks are skipped as biber skips them
  (a balanced block); text outside blocks is ignored, as BibTeX ignores it.
- A repeated field (names compare without case) keeps the first value, as BibTeX does, and is reported.
- Braces count as BibTeX counts them: every ``{`` and ``}``, a backslash before one included.

A block that cannot be read (unbalanced braces, a missing ``=``) is reported with its line and skipped, and
reading resumes at the next line that starts with ``@``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class Field:
    """One field as written: ``value`` is the raw LaTeX (macros defined in the file expanded, ``#`` pieces
    joined); ``expression`` is set when the value still names a macro: the BibTeX expression to write back."""

    name: str
    value: str
    expression: str | None = None


@dataclass
class Block:
    """An entry (``type`` and ``key``), or a ``@preamble`` (``type`` "preamble", its text in ``value``)."""

    type: str
    key: str | None
    line: int
    fields: list[Field] = field(default_factory=list)
    value: str = ""
    warnings: list[str] = field(default_factory=list)  # repeated fields, undefined macros


@dataclass
class Scan:
    blocks: list[Block]
    problems: list[tuple[int, str]]  # (line, message) of blocks skipped
    comments: int = 0  # @comment blocks skipped


class _Error(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos, self.message = pos, message


_AT = re.compile(r"@[ \t\r\n]*")
_IDENT = re.compile(r"[^\s\"#%'(),={}@]+")
_SPACE = re.compile(r"\s*")
_LINE_START_AT = re.compile(r"\n[ \t]*@")
_BARE = re.compile(r"[^\s\"#%'(),={}]+")  # a number or a macro name
_PLAIN_BRACED = re.compile(r"\{([^{}]*)\}")
_PLAIN_QUOTED = re.compile(r'"([^"{}]*)"')


def _nested(depth: int) -> str:
    """Text with braces nested at most ``depth`` deep (every brace counts, as in BibTeX)."""
    text = r"[^{}]*+"
    for _ in range(depth):
        text = rf"(?:[^{{}}]++|\{{{text}\}})*+"
    return text


# The common field, read with one match: `name = {value}` (braces nested up to 4 deep), `"value"` without braces,
# or a number, followed by "," or the end of the entry. Anything else takes the general path (`_Reader.value`).
_SIMPLE_FIELD = re.compile(
    rf'[\s,]*+([^\s"#%\'(),={{}}@]++)\s*+=\s*+(?:\{{({_nested(4)})\}}|"([^"{{}}]*+)"|(\d++))(?=\s*+[,)}}])'
)
# a key: anything up to a comma, white space or the closing delimiter (BibTeX's rule)
_BRACE_KEY = re.compile(r"[^\s,{}]+")
_PAREN_KEY = re.compile(r"[^\s,()]+")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.macros: dict[str, list[tuple[str, str]]] = {}  # lower-case name -> its value's pieces
        self.line, self.counted = 1, 0

    def line_at(self, pos: int) -> int:
        """The 1-based line of ``pos`` (positions are asked for in increasing order, mostly)."""
        if pos < self.counted:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def skip_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]  # a run of spaces, maybe empty, always matches

    def expect(self, pos: int, char: str, what: str) -> int:
        pos = self.skip_space(pos)
        if self.text.startswith(char, pos):
            return pos + 1
        found = self.text[pos : pos + 1] or "the end of the file"
        raise _Error(pos, f"expected {what}, found {found!r}")

    def braced(self, pos: int) -> tuple[str, int]:
        """The text of the ``{...}`` group opening at ``pos`` (every brace counts) and the position after it."""
        if m := _PLAIN_BRACED.match(self.text, pos):
            return m[1], m.end()
        depth, i, text = 0, pos, self.text
        n = len(text)
        while i < n:
            j = min((k for k in (text.find("{", i), text.find("}", i)) if k >= 0), default=-1)
            if j < 0:
                break
            depth += 1 if text[j] == "{" else -1
            if depth == 0:
                return text[pos + 1 : j], j + 1
            i = j + 1
        raise _Error(pos, "unbalanced braces: this value is never closed")

    def quoted(self, pos: int) -> tuple[str, int]:
        """The text of the ``"..."`` value opening at ``pos``: a quote inside braces is text."""
        if m := _PLAIN_QUOTED.match(self.text, pos):
            return m[1], m.end()
        depth, i, text = 0, pos + 1, self.text
        n = len(text)
        while i < n:
            ch = text[i]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    raise _Error(i, 'unbalanced braces inside a "..." value')
            elif ch == '"' and depth == 0:
                return text[pos + 1 : i], i + 1
            i += 1
        raise _Error(pos, 'unbalanced quotes: this "..." value is never closed')

    def value(self, pos: int, warnings: list[str]) -> tuple[list[tuple[str, str]], int]:
        """The value expression at ``pos`` as pieces (``("text", raw)`` or ``("macro", name)``), macros the
        file defines expanded, adjacent text joined; and the position after it."""
        pieces: list[tuple[str, str]] = []
        while True:
            pos = self.skip_space(pos)
            ch = self.text[pos : pos + 1]
            if ch == "{":
                raw, pos = self.braced(pos)
                _add(pieces, ("text", raw))
            elif ch == '"':
                raw, pos = self.quoted(pos)
                _add(pieces, ("text", raw))
            elif m := _BARE.match(self.text, pos):
                word, pos = m[0], m.end()
                if word.isdigit():
                    _add(pieces, ("text", word))
                elif (known := self.macros.get(word.lower())) is not None:
                    for piece in known:
                        _add(pieces, piece)
                else:
                    if word.lower() not in MONTHS:
                        warnings.append(f"macro {word!r} is not defined in this file; kept as a macro")
                    pieces.append(("macro", word))
            else:
                found = ch or "the end of the file"
                raise _Error(pos, f'expected a value ({{...}}, "...", a number or a macro), found {found!r}')
            after = self.skip_space(pos)
            if not self.text.startswith("#", after):
                return pieces, pos
            pos = after + 1


def _add(pieces: list[tuple[str, str]], piece: tuple[str, str]) -> None:
    if piece[0] == "text" and pieces and pieces[-1][0] == "text":
        pieces[-1] = ("text", pieces[-1][1] + piece[1])
    else:
        pieces.append(piece)


def field_value(pieces: list[tuple[str, str]]) -> tuple[str, str | None]:
    """(raw text, expression): the text of a value whose pieces are all text, else the text it decodes from
    (month macros as month names, other macros by name) and the expression to write back."""
    if len(pieces) == 1 and pieces[0][0] == "text":
        return pieces[0][1], None
    if not pieces:
        return "", None
    expr = expression(pieces)
    return expression_text(expr), expr


def expression(pieces: list[tuple[str, str]]) -> str:
    """A BibTeX value expression: braced text pieces and macro names joined by `` # ``."""
    return " # ".join("{" + text + "}" if kind == "text" else text for kind, text in pieces)


def expression_text(expr: str) -> str:
    """What a stored expression decodes to: month macros as month names, other macros by name, text as is."""
    out = []
    for piece in split_expression(expr):
        if piece.startswith("{"):
            out.append(piece[1:-1])
        elif piece.lower() in MONTHS:
            out.append(MONTH_NAMES[MONTHS.index(piece.lower())])
        else:
            out.append(piece)
    return "".join(out)


def split_expression(expr: str) -> list[str]:
    """The pieces of an expression written by ``expression``: ``{text}`` groups and macro names."""
    pieces, i, n = [], 0, len(expr)
    while i < n:
        if expr[i] == "{":
            depth, j = 0, i
            while j < n:
                depth += {"{": 1, "}": -1}.get(expr[j], 0)
                if depth == 0:
                    break
                j += 1
            pieces.append(expr[i : j + 1])
            i = j + 1
        elif expr[i] in " #":
            i += 1
        else:
            m = _BARE.match(expr, i)
            assert m is not None
            pieces.append(m[0])
            i = m.end()
    return pieces


def scan(text: str) -> Scan:
    """Every block of ``text`` in order, with the problems of blocks that could not be read."""
    reader = _Reader(text)
    blocks: list[Block] = []
    problems: list[tuple[int, str]] = []
    comments = 0
    pos = 0
    while (start := text.find("@", pos)) >= 0:
        at = _AT.match(text, start)
        assert at is not None
        ident = _IDENT.match(text, at.end())
        if ident is None:  # a lone "@" in text outside blocks: BibTeX complains and goes on
            pos = start + 1
            continue
        kind = ident[0].lower()
        open_pos = reader.skip_space(ident.end())
        opener = text[open_pos : open_pos + 1]
        if opener not in ("{", "("):
            pos = ident.end()  # "@name" in the text between blocks (an e-mail address)
            continue
        if kind == "comment":
            comments += 1
            pos = _skip_comment(reader, open_pos)
            continue
        try:
            block, pos = _block(reader, kind, ident[0], start, open_pos)
        except _Error as exc:
            line = reader.line_at(start)
            problems.append((line, _where(kind, text, open_pos) + exc.message))
            # resume at the next line starting with "@" (the one the error stopped at, if it does)
            nxt = _LINE_START_AT.search(text, max(text.rfind("\n", open_pos, exc.pos + 1), open_pos))
            pos = nxt.start() + 1 if nxt else len(text)
            continue
        if block is not None:
            blocks.append(block)
    return Scan(blocks, problems, comments)


def _where(kind: str, text: str, open_pos: int) -> str:
    if kind in ("string", "preamble"):
        return f"@{kind}: "
    key = _BRACE_KEY.match(text, _SPACE.match(text, open_pos + 1).end())  # type: ignore[union-attr]  # a run of spaces, maybe empty, always matches
    return f"entry {key[0]!r}: " if key and "=" not in key[0] else "entry (no key): "


def _skip_comment(reader: _Reader, open_pos: int) -> int:
    """After a ``@comment`` block (biber skips a balanced one); a comment that never closes ends at its line."""
    text = reader.text
    close = "}" if text[open_pos] == "{" else ")"
    if close == "}":
        try:
            return reader.braced(open_pos)[1]
        except _Error:
            end = text.find("\n", open_pos)
            return len(text) if end < 0 else end
    end = text.find(")", open_pos)
    return len(text) if end < 0 else end + 1


def _block(reader: _Reader, kind: str, written: str, start: int, open_pos: int) -> tuple[Block | None, int]:
    text = reader.text
    close = "}" if text[open_pos] == "{" else ")"
    pos = open_pos + 1
    line = reader.line_at(start)
    if kind == "preamble":
        warnings: list[str] = []
        pieces, pos = reader.value(pos, warnings)
        pos = reader.expect(pos, close, f"{close!r} closing the @preamble")
        raw, expr = field_value(pieces)
        return Block("preamble", None, line, value=expr or "{" + raw + "}", warnings=warnings), pos
    if kind == "string":
        name = _IDENT.match(text, reader.skip_space(pos))
        if name is None:
            raise _Error(pos, "expected a macro name")
        pos = reader.expect(name.end(), "=", "'=' after the macro name")
        warnings = []
        pieces, pos = reader.value(pos, warnings)
        pos = reader.skip_space(pos)
        if text.startswith(",", pos):  # a trailing comma, which biber accepts
            pos += 1
        pos = reader.expect(pos, close, f"{close!r} closing the @string")
        reader.macros[name[0].lower()] = pieces
        return None, pos
    # an entry: the key (BibTeX's: up to a comma, white space or the closing delimiter), then fields
    pos = reader.skip_space(pos)
    key: str | None = None
    m = (_BRACE_KEY if close == "}" else _PAREN_KEY).match(text, pos)
    if m is not None and not text.startswith("=", reader.skip_space(m.end())):
        key, pos = m[0], m.end()  # else no key: the first field starts at once (`@misc{title = ...}`)
    block = Block(written, key, line)
    seen: dict[str, str] = {}
    while True:
        simple = _SIMPLE_FIELD.match(text, pos)
        if simple is not None:  # the common case: one match, and "," or the end follows
            field_name, braced, quoted, number = simple.groups()
            value = braced if braced is not None else quoted if quoted is not None else number
            expr, pos = None, simple.end()
        else:
            pos = reader.skip_space(pos)
            if text.startswith(close, pos):
                return block, pos + 1
            if text.startswith(",", pos):
                pos += 1
                continue
            name = _IDENT.match(text, pos)
            if name is None:
                found = text[pos : pos + 1] or "the end of the file"
                raise _Error(pos, f"expected a field name or {close!r}, found {found!r}")
            field_name = name[0]
            pos = reader.expect(name.end(), "=", f"'=' after the field name {field_name!r}")
            pieces, pos = reader.value(pos, block.warnings)
            value, expr = field_value(pieces)
            after = reader.skip_space(pos)
            if not text.startswith((",", close), after):
                found = text[after : after + 1] or "the end of the file"
                raise _Error(after, f"expected ',' or {close!r} after the field {field_name!r}, found {found!r}")
        lower = field_name.lower()
        if lower in seen:
            block.warnings.append(
                f"field {field_name!r} is repeated; the first value is kept, as BibTeX keeps it"
                f" (the other was {value!r})"
            )
        else:
            seen[lower] = field_name
            block.fields.append(Field(field_name, value, expr))
