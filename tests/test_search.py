"""Search finds a word in any form, in Russian, Ukrainian and English, newest first."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st
from telethon.extensions import html as tl_html

from bot.pipeline import Pipeline
from bot.query import Archive, Filters
from bot.search import build_query, result_blocks, stem
from bot.settings import AlertSettings

from conftest import MEDIA, RU_BLOG, UA_OFFICIAL, at, entity_text, make_post

pytestmark = pytest.mark.both_backends

POSTS = [
    (RU_BLOG, 1, "Бои в Изюме продолжаются, противник подтягивает резервы.", at(8)),
    (UA_OFFICIAL, 2, "Ситуація в Ізюмі контрольована, тривають бої.", at(9)),
    (MEDIA, 3, "Russian forces shell Izyum again, officials say.", at(10)),
    (RU_BLOG, 4, "Рецепт: булочки с изюмом и корицей.", at(11)),
    (RU_BLOG, 5, "Наши подразделения отступили на новые рубежи под Купянском.", at(12)),
    (RU_BLOG, 6, "Никакого отступления не было, заявили в штабе.", at(13)),
    (UA_OFFICIAL, 7, "Підрозділи відступили з позицій біля Куп'янська.", at(14)),
    (UA_OFFICIAL, 8, "Відступу не буде: командування спростувало чутки.", at(15)),
    (MEDIA, 9, "Troops withdrew from Kupiansk, the ministry confirmed.", at(16)),
    (MEDIA, 10, "The withdrawal from Kupiansk was orderly, analysts said.", at(17)),
    (MEDIA, 11, "Artillery positions near Kharkiv were withdrawn overnight.", at(18)),
    (RU_BLOG, 12, "Оформление: поставьте абзацный отступ, отступили бы от края на 2 см.", at(19)),
]


@pytest.fixture
async def searchable(store, channels, detector):
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23))
    for channel, message_id, text, when in POSTS:
        await pipeline.handle_post(make_post(channel, message_id, text, when))
    return store


async def run_search(store, detector, query: str, *, limit: int, **filters):
    return await Archive(store, detector, "Europe/Kyiv").search(Filters(q=query, **filters), limit=limit)


async def found(store, detector, query: str, **filters) -> list[int]:
    result = await run_search(store, detector, query, limit=20, **filters)
    return [item.stored.post.message_id for item in result.items]


@pytest.mark.parametrize("query", ["Изюм", "Изюме", "изюма", "Ізюм", "Ізюмі", "Izyum", "Izium", "Izium's"])
async def test_a_place_in_any_language_and_case_finds_the_place_in_all_three_and_not_raisins(searchable, detector,
                                                                                          query):
    assert await found(searchable, detector, query) == [3, 2, 1]


WITHDRAWAL_POSTS = [11, 10, 9, 8, 7, 5]


@pytest.mark.parametrize("query", ["отступили", "отступление", "відступили", "відступ", "withdrawal", "withdrawing",
                                   "retreat", "Отступили"])
async def test_a_topic_word_in_any_language_finds_the_posts_about_the_topic_and_not_its_letters(searchable, detector,
                                                                                                query):
    assert await found(searchable, detector, query) == WITHDRAWAL_POSTS


@pytest.mark.parametrize("query, expected", [
    ("подтягивают", [1]),           # ru: подтягивают → подтягивает
    ("контрольований", [2]),        # uk: контрольований → контрольована
    ("confirming", [9]),            # en: confirming → confirmed
])
async def test_an_inflected_word_finds_its_other_forms_in_the_same_language(searchable, detector, query, expected):
    assert await found(searchable, detector, query) == expected


async def test_a_place_and_a_word_together_find_only_posts_with_both(searchable, detector):
    assert await found(searchable, detector, "Купянск отступили") == [10, 9, 7, 5]
    assert await found(searchable, detector, "отступили под Купянском") == [10, 9, 7, 5]
    assert await found(searchable, detector, "Kupiansk withdrawal") == [10, 9, 7, 5]
    assert await found(searchable, detector, "Kupiansk orderly") == [10]


async def test_filters_narrow_a_search_by_side_channel_and_day(searchable, detector):
    assert await found(searchable, detector, "withdrawal", side="ua") == [8, 7]
    assert await found(searchable, detector, "withdrawal", channel=MEDIA.id) == [11, 10, 9]
    assert await found(searchable, detector, "Kupiansk", place="kupiansk", side="other") == [10, 9]


async def test_results_are_newest_first_and_one_more_tells_that_more_exist(searchable, detector):
    result = await run_search(searchable, detector, "Kupiansk", limit=2)
    assert [h.stored.post.message_id for h in result.items] == [10, 9] and result.more
    result = await run_search(searchable, detector, "Kupiansk", limit=10)
    assert [h.stored.post.message_id for h in result.items] == [10, 9, 7, 5] and not result.more


async def test_the_snippet_highlights_the_original_words_and_shows_channel_date_and_link(searchable, detector):
    result = await run_search(searchable, detector, "Ізюм", limit=10)
    blocks = list(result_blocks(result.items, "Europe/Kyiv"))
    text, entities = tl_html.parse(blocks[1])
    assert text.startswith("2. 20 Nov 11:00 Kyiv · Штаб (🇺🇦 UA)\nСитуація в Ізюмі контрольована")
    marked = {entity_text(text, e) for e in entities}
    assert "Ізюмі" in marked and "https://t.me/ua_staff/2" in {getattr(e, "url", None) for e in entities}
    text, entities = tl_html.parse(blocks[0])
    assert "Izyum" in {entity_text(text, e) for e in entities}


async def test_a_topic_search_highlights_the_words_that_made_the_topic(searchable, detector):
    result = await run_search(searchable, detector, "отступили", limit=10)
    spans = {hit.stored.post.message_id: [hit.stored.post.text[s:e] for s, e in hit.spans] for hit in result.items}
    assert spans[5] == ["отступили"] and spans[7] == ["відступили"] and spans[9] == ["withdrew"]


async def test_word_highlights_cover_every_form_that_matched(searchable, detector):
    result = await run_search(searchable, detector, "контрольований", limit=10)
    assert [[h.stored.post.text[s:e] for s, e in h.spans] for h in result.items] == [["контрольована"]]


async def test_accented_latin_letters_match_and_highlight_as_plain_ones(store, channels, detector):
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23))
    await pipeline.handle_post(make_post(MEDIA, 40, "Drone debris hit the Café Europa downtown.", at(9)))
    result = await run_search(store, detector, "cafe", limit=5)
    [hit] = result.items
    assert [hit.stored.post.text[s:e] for s, e in hit.spans] == ["Café"]


def test_a_query_with_nothing_searchable_builds_nothing(detector):
    assert build_query("…!? --", detector) is None
    assert build_query("", detector) is None


def test_multi_word_place_names_are_one_place(detector):
    built = build_query("бои у Великого Бурлука", detector)
    assert built.places == ("velykyi-burluk",) and built.words == ("бои",)


@given(st.text(max_size=40))
def test_stem_is_a_non_empty_prefix_of_the_word(word):
    word = "".join(ch for ch in word.lower() if ch.isalpha()) or "x"
    assert word.startswith(stem(word)) and stem(word)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('абвгдеёжзиІїєґ\'"*():^-+\\ ANDORNOTNEAR{}[]izyum12!&|<>')), max_size=30))
def test_any_query_text_builds_a_valid_full_text_query_for_both_databases(detector, pg_server, query):
    import psycopg

    from bot.store.backend import PostgresBackend, SqliteBackend
    from bot.store.db import place_token

    built = build_query(query, detector)
    if built is None or not (built.places or built.words):
        return
    tokens = [place_token(p) for p in built.places]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE posts_fts USING fts5(text, places, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO posts_fts VALUES ('бои в изюме', 'izium')")
    sql, params = SqliteBackend.match_clause(tokens, built.words)
    conn.execute(sql, params).fetchall()
    sql, params = PostgresBackend.match_clause(tokens, built.words)
    with psycopg.connect(pg_server.url(), autocommit=True) as pg:
        pg.execute("SELECT %s::tsquery", params)


async def _stored_db(tmp_path, detector):
    from bot.store import Store

    store = await Store.open(tmp_path / "cli.sqlite")
    async with store.transaction():
        for ch in (RU_BLOG, UA_OFFICIAL, MEDIA):
            await store.upsert_channel(ch)
    pipeline = Pipeline(store, detector, AlertSettings(), clock=lambda: at(23))
    for channel, message_id, text, when in POSTS:
        await pipeline.handle_post(make_post(channel, message_id, text, when))
    await store.close()
    return tmp_path / "cli.sqlite"


async def test_the_cli_search_takes_the_web_filters_and_names_a_bad_one(tmp_path, detector, capsys, empty_env):
    import asyncio

    from bot.cli import main

    db = await _stored_db(tmp_path, detector)
    base = ["search", "--env", empty_env, "--db", str(db)]
    status = await asyncio.to_thread(main, [*base, "--side", "ua", "відступили"])
    out = capsys.readouterr().out
    assert status == 0 and "2 result(s) for topic withdrawal" in out
    assert "t.me/ua_staff/8" in out and "t.me/ru_blog" not in out
    status = await asyncio.to_thread(main, [*base, "--place", "Atlantis", "Изюм"])
    assert status == 2 and "search: --place: no known place «Atlantis»" in capsys.readouterr().err
