"""The words a post is found by, worked out the same way for both databases.

SQLite's FTS5 (`unicode61 remove_diacritics 2`) reads the folded text itself. PostgreSQL is
given the words ready made, as a `tsvector` of exact lexemes: its own parsers split and
stem differently, and a search must find the same posts whichever database holds them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.detect.normalize import fold

_ALNUM_RUN = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_LEXEME_BYTES = 2046


def plain(text: str) -> str:
    """Lower case, accents off Latin letters only (`é` is `e`, `й` stays `й`), as FTS5 does."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def index_words(text: str) -> list[str]:
    """Distinct words of a post's folded text; a word too long for a lexeme is no word anyone types."""
    words = {w for w in _ALNUM_RUN.findall(plain(fold(text))) if len(w.encode("utf-8")) <= _MAX_LEXEME_BYTES}
    return sorted(words)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(place_tokens: Sequence[str], words: Sequence[str]) -> str:
    """Every place among the post's place tokens (weight A), every word a prefix of its text's (weight D)."""
    terms = [f"{_lexeme(t)}:A" for t in place_tokens] + [f"{_lexeme(plain(w))}:*D" for w in words]
    return " & ".join(terms)
