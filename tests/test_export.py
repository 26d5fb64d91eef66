"""Reading Telegram Desktop exports: every shape the exporter writes, and broken entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sources.export import ExportError, ExportProblem, load_channels, read_posts


def message(mid: int, text, **extra) -> dict:
    base = {"id": mid, "type": "message", "date": "2026-11-20T10:00:00", "date_unixtime": "1795168800",
            "from": "Канал", "from_id": "channel1234567890", "text": text}
    base.update(extra)
    return base


def write_export(path: Path, messages: list, name: str = "Канал", cid: int = 1234567890) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    file = path / "result.json"
    file.write_text(json.dumps({"name": name, "type": "public_channel", "id": cid, "messages": messages},
                               ensure_ascii=False), encoding="utf-8")
    return file


def posts_of(path: Path, problems=None, username=None):
    return [p for ch in load_channels(path) for p in read_posts(ch, username=username, problems=problems)]


def test_plain_string_text_becomes_the_post_text(tmp_path):
    file = write_export(tmp_path / "a", [message(7, "ВСУ отошли от Купянска")])
    [post] = posts_of(file, username="chan")
    assert post.text == "ВСУ отошли от Купянска"
    assert post.message_id == 7 and post.channel_id == 1234567890
    assert post.date == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert post.link == "https://t.me/chan/7"


def test_entity_pieces_are_joined_into_the_text_the_reader_saw(tmp_path):
    pieces = ["⚡️", {"type": "bold", "text": "Срочно:"}, " бои у ",
              {"type": "text_link", "text": "Часов Яра", "href": "https://example.org"}, " ",
              {"type": "hashtag", "text": "#фронт"}]
    [post] = posts_of(write_export(tmp_path / "a", [message(1, pieces)]))
    assert post.text == "⚡️Срочно: бои у Часов Яра #фронт"


def test_a_channel_without_username_links_to_the_private_form(tmp_path):
    [post] = posts_of(write_export(tmp_path / "a", [message(3, "текст")]))
    assert post.link == "https://t.me/c/1234567890/3"


def test_forwarded_post_keeps_its_origin_name(tmp_path):
    file = write_export(tmp_path / "a", [message(2, "текст", forwarded_from="Другой канал")])
    [post] = posts_of(file)
    assert post.forward is not None and post.forward.name == "Другой канал"


def test_edited_post_carries_its_edit_date(tmp_path):
    file = write_export(tmp_path / "a", [message(2, "текст", edited="2026-11-20T11:00:00",
                                                 edited_unixtime="1795172400")])
    [post] = posts_of(file)
    assert post.edit_date == datetime(2026, 11, 20, 11, 0, tzinfo=UTC)


def test_caption_of_a_media_post_is_read_and_captionless_media_is_skipped(tmp_path):
    file = write_export(tmp_path / "a", [
        message(1, "Фото из Изюма", photo="photos/photo_1.jpg", width=1280, height=720),
        message(2, "", file="video_files/v.mp4", media_type="video_file", mime_type="video/mp4"),
    ])
    assert [p.text for p in posts_of(file)] == ["Фото из Изюма"]


def test_service_messages_are_skipped(tmp_path):
    file = write_export(tmp_path / "a", [
        {"id": 1, "type": "service", "date": "2026-11-20T09:00:00", "action": "pin_message", "text": ""},
        message(2, "пост"),
    ])
    assert [p.message_id for p in posts_of(file)] == [2]


def test_broken_entry_is_reported_with_its_id_and_the_rest_is_read(tmp_path):
    file = write_export(tmp_path / "a", [
        message(1, "первый"),
        message(2, "второй", date="вчера", date_unixtime=""),
        message(3, [{"type": "bold"}]),
        message(4, "четвёртый"),
    ])
    problems: list[ExportProblem] = []
    assert [p.message_id for p in posts_of(file, problems)] == [1, 4]
    assert [p.message_id for p in problems] == [2, 3]
    assert "date" in problems[0].problem and str(file) in str(problems[0])


def test_local_dates_without_unixtime_are_read_in_the_given_zone(tmp_path):
    from zoneinfo import ZoneInfo

    file = write_export(tmp_path / "a", [message(1, "x", date_unixtime=None)])
    [ch] = load_channels(file)
    [post] = read_posts(ch, local_tz=ZoneInfo("Europe/Kyiv"))
    assert post.date == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_a_folder_of_exports_reads_every_channel(tmp_path):
    write_export(tmp_path / "one", [message(1, "a")], name="One", cid=111)
    write_export(tmp_path / "two", [message(1, "b")], name="Two", cid=222)
    assert sorted(ch.id for ch in load_channels(tmp_path)) == [111, 222]


def test_full_account_export_reads_channels_from_chats_list_and_ignores_private_chats(tmp_path):
    data = {"about": "…", "chats": {"about": "…", "list": [
        {"name": "Канал", "type": "public_channel", "id": 333, "messages": [message(5, "пост")]},
        {"name": "Friend", "type": "personal_chat", "id": 444, "messages": [message(1, "hi")]},
    ]}}
    file = tmp_path / "result.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [ch] = load_channels(file)
    assert ch.id == 333 and [p.text for p in read_posts(ch)] == ["пост"]


def test_a_file_that_is_not_an_export_is_refused_with_its_name(tmp_path):
    file = tmp_path / "result.json"
    file.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(ExportError, match="result.json"):
        load_channels(file)
    file.write_text('{"messages": [', encoding="utf-8")
    with pytest.raises(ExportError, match="line 1"):
        load_channels(file)
