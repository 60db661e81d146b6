"""Plain text: what catalogue text and anything printed may hold.

Control characters (C0, DEL and C1) are commands to a receipt printer: ESC p opens the cash
drawer, ESC @ resets the printer, GS V cuts the paper. Text from any source (a request, a
catalogue file, a hub message) that carries one is refused; a description may hold line breaks.
What reaches a printer anyway (older data) is stripped of them."""

from __future__ import annotations

import re
import unicodedata

from edge.domain.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LF = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
REFUSED = "control characters (NUL, ESC, line breaks…) are not allowed"


def has_control(text: str, *, multiline: bool = False) -> bool:
    return bool((_CONTROL_BUT_LF if multiline else _CONTROL).search(text))


def check_plain(text: str, what: str = "text", *, multiline: bool = False) -> str:
    """`text` unchanged, or InvalidInput naming `what`. `multiline` allows LF (CRLF → LF)."""
    if multiline:
        text = text.replace("\r\n", "\n")
    if has_control(text, multiline=multiline):
        raise InvalidInput(f"{what}: {REFUSED}")
    return text


def printable(text: str) -> str:
    """`text` without any control character (a line break becomes a space)."""
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))


# Letters that carry their stroke in the glyph, not as a combining mark: Unicode gives them no
# decomposition, so neither NFKD nor SQLite's remove_diacritics takes them to a base letter.
UNDECOMPOSED = {"ł": "l", "Ł": "L"}


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", UNDECOMPOSED.get(ch, ch))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _Folded(dict[int, str]):
    """Each character's folded form, worked out the first time it is met: folding a name is
    then one str.translate (ranking a page of search results folds hundreds of names)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLDED = _Folded()


def fold(text: str) -> str:
    """`text` as search compares it: lower case, without diacritics ("Żółć" -> "zolc"), so a
    shopper who types on a keyboard without Polish letters finds "Masło" with "maslo"."""
    return text.translate(_FOLDED)
