"""A word searched by its forms written out finds exactly what the word as a prefix finds."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from bot.pipeline import Pipeline
from bot.query import Archive, Filters
from bot.settings import AlertSettings
from bot.store import vocabulary
from bot.store.backend import fts5_expression

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, make_post

pytestmark = pytest.mark.both_backends

TOKENIZER = "unicode61 remove_diacritics 2"

CHANNEL_POSTS = [
    (RU_BLOG, 1, "Новый канал о погоде.", at(8)),
    (UA_OFFICIAL, 2, "Підписуйтесь на канали штабу.", at(9)),
    (MEDIA, 3, "Каналов стало больше, пишет издание.", at(10)),
    (RU_BLOG, 4, "Ремонт канализации на Садовой.", at(11)),
    (RU_BLOG, 5, "Кана́л без ударения тоже канал.", at(12)),
    (MEDIA, 6, "Погода на выходные.", at(13)),
]


def _index(texts: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE posts_fts USING fts5(text, places, tokenize = '{TOKENIZER}')")
    conn.execute(vocabulary.VOCABULARY_TABLE)
    conn.executemany("INSERT INTO posts_fts(rowid, text, places) VALUES (?, ?, '')", enumerate(texts, start=1))
    return conn


async def _stored(store, detector) -> None:
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23))
    for channel, message_id, text, when in CHANNEL_POSTS:
        await pipeline.handle_post(make_post(channel, message_id, text, when))


async def test_a_word_finds_every_form_newest_first_however_many_forms_it_has(store, channels, detector,
                                                                              monkeypatch):
    await _stored(store, detector)
    archive = Archive(store, detector, "Europe/Kyiv")
    expected = [5, 4, 3, 2, 1]
    page = await archive.search(Filters(q="канал"), limit=10)
    assert [i.stored.post.message_id for i in page.items] == expected
    monkeypatch.setattr(vocabulary, "MAX_TERMS", 1)  # too many forms to write out: the prefix itself
    page = await archive.search(Filters(q="канал"), limit=10)
    assert [i.stored.post.message_id for i in page.items] == expected
    page = await archive.search(Filters(q="канал погода"), limit=10)
    assert [i.stored.post.message_id for i in page.items] == [1]


@pytest.mark.sqlite_only
def test_every_letter_a_written_out_word_may_hold_is_read_by_the_index_as_typed():
    letters = sorted(vocabulary._SAME_THROUGH_TOKENIZER)
    conn = _index(["x" + ch + "x" for ch in letters])
    assert sorted(r[0] for r in conn.execute("SELECT term FROM temp.fw_index_words")) == sorted(
        "x" + ch + "x" for ch in letters)


def _rows(conn: sqlite3.Connection, expression: str) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid DESC", (expression,))]


# few letters, so words often share a beginning; some the tokenizer changes or splits on
LETTERS = "аёїґx1é'-"
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=4)


@pytest.mark.sqlite_only
@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.lists(WORDS, max_size=6).map(" ".join), max_size=12),
       words=st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=2), min_size=1, max_size=3),
       limit=st.integers(min_value=1, max_value=6))
def test_a_word_written_out_as_its_forms_finds_exactly_the_posts_its_prefix_finds(texts, words, limit):
    conn = _index(texts)
    spelled = [w for w in dict.fromkeys(words) if vocabulary.expandable(w)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vocabulary, "MAX_TERMS", limit)
        rows = conn.execute(*vocabulary.words_query(spelled)).fetchall() if spelled else []
        written_out = fts5_expression([], words, vocabulary.continuations(spelled, rows))
    assert _rows(conn, written_out) == _rows(conn, fts5_expression([], words))
