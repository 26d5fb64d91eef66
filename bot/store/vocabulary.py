"""A word searched as a prefix, turned into the index's own words that start with it.

FTS5 (as in SQLite 3.40) answers `text : "канал"*` by merging the whole doclist of every
word starting with `канал` before it returns its first row: 26 ms for a word in a third
of a million posts, however few rows the page needs, and the same again for each such
word of a query. The same words written out, `text : ("канал" OR "каналы" OR …)`, are
walked newest first and stop at the end of the page (0.5 ms). Reading which words start
with `канал` from the index's vocabulary costs a third of the merge, so a search of
several common words stays well under 50 ms on a million posts.

The two forms find the same posts: the vocabulary is the index's own list of words, read
on the same connection as the search. A word is only written out when the tokenizer
leaves its letters as they are (lower-case Latin and Cyrillic letters and digits, see
`expandable`); a word with more than `MAX_TERMS` continuations, or none, stays a prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: The search index's vocabulary, one row per word; a temporary table of each connection,
#: so no schema change. It looks the index up by name when read, so it can be made before
#: the index exists (a new file) or after a migration rebuilt it.
VOCABULARY_TABLE = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fw_index_words USING fts5vocab(main, posts_fts, row)"
#: Past this many words the OR costs more a row than the merged prefix: a search that walks
#: far (a rare filter beside a common word) would lose more than the page start gains.
MAX_TERMS = 300

_SAME_THROUGH_TOKENIZER = frozenset(
    "abcdefghijklmnopqrstuvwxyz0123456789ґ" + "".join(chr(c) for c in range(0x430, 0x460)))


def expandable(word: str) -> bool:
    """True when FTS5's `unicode61 remove_diacritics 2` reads `word` as this one token, unchanged."""
    return bool(word) and all(ch in _SAME_THROUGH_TOKENIZER for ch in word)


def _after(word: str) -> str:
    """The smallest string above every word starting with `word`."""
    return word[:-1] + chr(ord(word[-1]) + 1)


def words_query(words: Sequence[str]) -> tuple[str, list[object]]:
    """One statement listing, for each of `words` (all `expandable`), up to MAX_TERMS + 1 index
    words it starts, tagged with its position."""
    parts = [f"SELECT * FROM (SELECT {n}, term FROM temp.fw_index_words WHERE term >= ? AND term < ? LIMIT ?)"
             for n in range(len(words))]
    params: list[object] = []
    for word in words:
        params += [word, _after(word), MAX_TERMS + 1]
    return " UNION ALL ".join(parts), params


def continuations(words: Sequence[str], rows: Sequence[Sequence[object]]) -> dict[str, tuple[str, ...]]:
    """The index words of each word, from `words_query`'s rows; a word with none, too many, or
    one the tokenizer would read differently is left out (it stays a prefix)."""
    found: dict[int, list[str]] = {}
    for n, term in rows:
        found.setdefault(int(n), []).append(str(term))
    out: dict[str, tuple[str, ...]] = {}
    for n, word in enumerate(words):
        terms = found.get(n, [])
        if 0 < len(terms) <= MAX_TERMS and all(t.startswith(word) and expandable(t) for t in terms):
            out[word] = tuple(terms)
    return out


def quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def text_term(word: str, terms: Mapping[str, Sequence[str]]) -> str:
    """The MATCH term for a word of the text: its index words OR-ed when known, else the prefix."""
    spelled = terms.get(word)
    if spelled:
        return "text : (" + " OR ".join(quoted(t) for t in spelled) + ")"
    return f"text : {quoted(word)}*"
