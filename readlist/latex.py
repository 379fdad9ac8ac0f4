"""LaTeX (in .bib fields, in arXiv's metadata) -> Unicode text for search, matching and display; it never deletes what
it cannot read. Below the layers: ingest, the index and its source use it.

Decoded: accents (``{\\'e}``, ``\\'{e}``, ``\\c c``, ``{\\"\\i}``), letters (``\\ss``, ``\\L``, ``\\o``), escaped
specials (``\\&`` ``\\%`` ``\\_`` ``\\{``), the text symbol commands exporters write (``\\textless``,
``\\textbraceleft``, ``\\ldots``), logos (``\\TeX`` -> "TeX"), the content of formatting commands (``\\emph{x}``,
``\\mbox{x}``, ``\\url{x}``, ``\\path|x|``), ``~`` as a space, protective braces. Kept as typed: ``$...$`` math,
``%`` (a .bib value has no comments), ``--`` and quote ligatures, and any command it does not know, with the
brace groups right after it (``\\noopsort{1973b}``). So every letter and digit of a value outside command names
is in its decoding (``tests/test_decode.py`` checks it).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# accent command -> combining mark
ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306", ".": "\u0307",
    '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323", "c": "\u0327", "k": "\u0328",
    "b": "\u0331", "t": "\u0361",
}  # fmt: skip
_SPACING = {"`": "`", "'": "´", "^": "^", "~": "~", "=": "¯", '"': "¨", ".": "˙"}
LETTERS = {
    "i": "ı", "j": "ȷ", "l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "ss": "ß", "SS": "SS", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ",
    "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
}  # fmt: skip
SYMBOLS = {
    "textbraceleft": "{", "textbraceright": "}", "textless": "<", "textgreater": ">", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textbar": "|", "textdollar": "$",
    "textperiodcentered": "·", "textbullet": "•", "textcopyright": "©", "copyright": "©", "textdegree": "°",
    "textdiv": "÷", "texteuro": "€", "euro": "€", "textexclamdown": "¡", "textmu": "µ", "textpm": "±",
    "textquestiondown": "¿", "textregistered": "®", "texttimes": "×", "texttrademark": "™", "pounds": "£",
    "textsterling": "£", "S": "§", "textsection": "§", "P": "¶", "textparagraph": "¶", "dag": "†",
    "textdagger": "†", "ddag": "‡", "textdaggerdbl": "‡", "ldots": "…", "dots": "…", "textellipsis": "…",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹",
    "guilsinglright": "›", "quotedblbase": "„", "quotesinglbase": "‚", "textquotesingle": "'",
    "textquotedbl": '"', "slash": "/", "textslash": "/", "textasciigrave": "`", "textasciiacute": "´",
    "textcent": "¢", "textyen": "¥", "textordfeminine": "ª", "textordmasculine": "º", "textonehalf": "½",
    "textonequarter": "¼", "textthreequarters": "¾", "textperthousand": "‰", "textnumero": "№",
    "textvisiblespace": "␣", "textleftarrow": "←", "textrightarrow": "→", "textuparrow": "↑",
    "textdownarrow": "↓", "textcelsius": "℃", "textohm": "Ω", "textminus": "−", "textlangle": "⟨",
    "textrangle": "⟩", "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX", "METAFONT": "METAFONT", "MF": "METAFONT", "MP": "MetaPost", "AmS": "AMS", "AMS": "AMS",
    "emdash": "—", "endash": "–", "relax": "", "empty": "", "null": "", "noindent": "",
    "hskip": "", "nobreak": "", "unskip": "", "protect": "", "ignorespaces": "", "newblock": " ", "par": " ",
    "quad": " ", "qquad": " ", "space": " ", "enspace": " ", "thinspace": " ", "negthinspace": "",
    "allowbreak": "", "break": " ", "linebreak": " ", "newline": " ", "normalfont": "",
    "em": "", "it": "", "bf": "", "sc": "", "tt": "", "rm": "", "sf": "", "sl": "", "itshape": "",
    "bfseries": "", "scshape": "", "ttfamily": "", "rmfamily": "", "sffamily": "", "slshape": "", "upshape": "",
    "mdseries": "", "small": "", "footnotesize": "", "scriptsize": "", "tiny": "", "large": "", "Large": "",
    "LARGE": "", "huge": "", "Huge": "", "normalsize": "", "bgroup": "", "egroup": "",
}  # fmt: skip
# commands whose argument is text to keep (their braces dropped)
WRAPPERS = frozenset(
    "emph textit textbf textsc texttt textrm textsf textsl textup textmd textnormal mbox hbox fbox text "
    "textsuperscript textsubscript uppercase lowercase MakeUppercase MakeLowercase MakeTextUppercase "
    "MakeTextLowercase NoCaseChange ensuremath underline textsubscript enquote mkbibquote mkbibemph "
    "mkbibitalic mkbibbold foreignlanguage".split()
)
# commands whose argument is verbatim: its characters kept as they are (no ~ as space, no escapes)
VERBATIM = frozenset("url nolinkurl path verb doi".split())
# commands whose (first) argument is dropped: it prints nothing (Zotero escapes a lone brace with \vphantom)
INVISIBLE = frozenset("vphantom phantom hphantom".split())
_ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": " ", ";": " ",
            ":": " ", "!": "", "-": "", "/": "", "@": "", "\\": " ", "\n": " ", "\t": " ", "\r": " "}  # fmt: skip
# math that stands for one character: how exporters (readlist's, Mendeley's) escape < > \\ | in text
_MATH_CHARACTERS = {"$<$": "<", "$>$": ">", "$\\backslash$": "\\", "$|$": "|", "$\\sim$": "~"}
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.S)
_SPACES = re.compile(r"[ \t\r\n]*")
_PLAIN = re.compile(r"[^\\{}$~]+")
_NEEDS_WORK = re.compile(r"[\\{}$~]")


def latex_to_text(value: str) -> str:
    """The text a LaTeX field value reads as, on one line (white space collapsed)."""
    if not _NEEDS_WORK.search(value):
        return _collapse(value)
    if "\\" not in value and "$" not in value and "~" not in value:
        return _collapse(value.replace("{", "").replace("}", ""))
    return _decoded(value)


def _collapse(text: str) -> str:
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)  # names and venues recur across a library
def _decoded(value: str) -> str:
    out: list[str] = []
    _Decoder(value).run(0, len(value), out)
    return _collapse("".join(out))


class _Decoder:
    def __init__(self, text: str) -> None:
        self.text = text

    def group_end(self, pos: int) -> int:
        """The position after the ``{...}`` group opening at ``pos`` (the end of the text if it never closes);
        as LaTeX reads it, ``\\{`` and ``\\}`` are not braces."""
        depth, text, i, n = 0, self.text, pos, len(self.text)
        while i < n:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n

    def run(self, pos: int, end: int, out: list[str]) -> None:
        text = self.text
        while pos < end:
            ch = text[pos]
            if ch == "\\":
                pos = self.command(pos, end, out)
            elif ch == "{":
                close = min(self.group_end(pos), end)
                inner_end = close - 1 if close <= end and text[close - 1 : close] == "}" else close
                self.run(pos + 1, inner_end, out)
                pos = close
            elif ch == "}":
                pos += 1  # a brace that closes nothing: dropped like any protective brace
            elif ch == "$":
                pos = self.math(pos, end, out)
            elif ch == "~":
                out.append(" ")
                pos += 1
            else:
                m = _PLAIN.match(text, pos, end)
                assert m is not None
                out.append(m[0])
                pos = m.end()

    def math(self, pos: int, end: int, out: list[str]) -> int:
        """``$...$`` (or ``$$...$$``) kept as typed, but for the math that escapes one character (``$<$``); a
        lone ``$`` is kept too."""
        text = self.text
        for body, char in _MATH_CHARACTERS.items():
            if text.startswith(body, pos):
                out.append(char)
                return pos + len(body)
        delim = "$$" if text.startswith("$$", pos) else "$"
        i = pos + len(delim)
        while True:
            close = text.find(delim, i, end)
            if close < 0:
                out.append(text[pos:end] if delim == "$" else "$$")
                return end if delim == "$" else pos + 2
            if text[close - 1] != "\\":
                out.append(text[pos : close + len(delim)])
                return close + len(delim)
            i = close + 1

    def argument(self, pos: int, end: int) -> tuple[int, int, int]:
        """The argument after a command at ``pos``: (start, stop, next position) of its text; a group's text is
        inside its braces, else one character (or a control word). (pos, pos, pos) when there is none."""
        text = self.text
        pos = _SPACES.match(text, pos, end).end()  # type: ignore[union-attr]  # a run of spaces, maybe empty, always matches
        if pos >= end:
            return pos, pos, pos
        if text[pos] == "{":
            close = min(self.group_end(pos), end)
            stop = close - 1 if text[close - 1 : close] == "}" and close - 1 > pos else close
            return pos + 1, stop, close
        if text[pos] == "\\":
            m = _CONTROL.match(text, pos, end)
            stop = m.end() if m else pos + 1
            return pos, stop, stop
        if text[pos] == "}":
            return pos, pos, pos
        return pos, pos + 1, pos + 1

    def command(self, pos: int, end: int, out: list[str]) -> int:
        text = self.text
        m = _CONTROL.match(text, pos, end)
        if m is None:  # a backslash ending the value
            out.append("\\")
            return pos + 1
        word, symbol = m.group(1), m.group(2)
        after = m.end()
        if word is not None:
            name = word
            after = _SPACES.match(text, after, end).end()  # type: ignore[union-attr]  # a run of spaces, maybe empty, always matches
        else:
            name = symbol
        if name in ACCENTS and (word is None or name in "uvHcdbkrt"):
            start, stop, nxt = self.argument(after if word else m.end(), end)
            if start == stop:  # an accent on nothing: the accent itself
                out.append(_SPACING.get(name, ""))
                return nxt
            inner: list[str] = []
            self.run(start, stop, inner)
            base = "".join(inner)
            if not base:
                out.append(_SPACING.get(name, ""))
            else:
                first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])  # {\'\i} is an accented i
                # the accent composed with its letter where Unicode has one (é), as a combining mark otherwise
                out.append(unicodedata.normalize("NFC", first + ACCENTS[name]) + base[1:])
            return nxt
        if word is None:
            if symbol in _ESCAPED:
                out.append(_ESCAPED[symbol])
            else:
                out.append(text[pos:after])  # an unknown control symbol, as typed
            return after
        if name in LETTERS:
            out.append(LETTERS[name])
            return self.skip_empty_group(after, end)
        if name in SYMBOLS:
            out.append(SYMBOLS[name])
            return self.skip_empty_group(after, end)
        if name in WRAPPERS:
            start, stop, nxt = self.argument(after, end)
            self.run(start, stop, out)
            return nxt
        if name in VERBATIM:
            if text[after : after + 1] == "{":
                start, stop, nxt = self.argument(after, end)
                out.append(text[start:stop])
                return nxt
            if after < end:  # \path|...|, \verb+...+
                delim = text[after]
                close = text.find(delim, after + 1, end)
                if close > after:
                    out.append(text[after + 1 : close])
                    return close + 1
        if name in INVISIBLE:  # \vphantom{\}}: prints nothing; an argument with letters is kept as typed below
            start, stop, nxt = self.argument(after, end)
            if not any(ch.isalnum() for ch in text[start:stop]):
                return nxt
        if name == "href":  # \href{url}{text}: the text, then the address
            start, stop, nxt = self.argument(after, end)
            url = text[start:stop]
            start, stop, nxt = self.argument(nxt, end)
            self.run(start, stop, out)
            out.append(f" <{url}>")
            return nxt
        # unknown: the command and the groups right after it, as typed
        stop = m.end()
        while stop < end and text[stop] == "{":
            stop = min(self.group_end(stop), end)
        out.append(text[pos:stop])
        return stop

    def skip_empty_group(self, pos: int, end: int) -> int:
        """``\\ss{}``, ``\\TeX{}``: the empty group that ends a control word is dropped with it."""
        return pos + 2 if self.text.startswith("{}", pos) and pos + 2 <= end else pos
