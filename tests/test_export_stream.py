"""Exports read a message at a time and merged by date from sorted runs: the order and the
guarantees of reading the whole file at once, without holding it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.sources import ordered
from bot.sources.export import load_channels, stream_export
from bot.sources.ordered import read_export

T0 = 1795168800


def message(mid: int, minute: int, text: str | None = None, **extra) -> dict:
    return {"id": mid, "type": "message", "date_unixtime": str(T0 + 60 * minute), "text": text or f"post {mid}",
            **extra}


def write(path: Path, raw: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw, encoding="utf-8")
    return path


def runs(tmp_path: Path) -> Path:
    """Beside the exports, not under them: only result.json files are read."""
    folder = tmp_path.parent / f"{tmp_path.name}-runs"
    folder.mkdir()
    return folder


def channel(cid: int, messages: list[dict], name: str = "Канал") -> str:
    return json.dumps({"name": name, "type": "public_channel", "id": cid, "messages": messages}, ensure_ascii=False)


def test_channels_out_of_order_are_merged_by_date_across_many_sorted_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 3)
    monkeypatch.setattr(ordered, "BLOCK", 2)
    write(tmp_path / "a" / "result.json", channel(1, [message(i, m) for i, m in enumerate([9, 1, 7, 3, 5], 1)]))
    write(tmp_path / "b" / "result.json", channel(2, [message(i, m) for i, m in enumerate([8, 2, 6, 4, 0], 1)]))
    runs_folder = runs(tmp_path)
    read = read_export(tmp_path, runs_folder)
    assert len(list(runs_folder.iterdir())) == 3 and read.entries == 10
    posts = [(p.date.timestamp(), p.channel_id) for _, p, _ in read.ordered({})]
    assert [minute for minute, _ in ((int((t - T0) / 60), c) for t, c in posts)] == list(range(10))
    assert [c for _, c in posts] == [2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_a_file_broken_half_way_is_dropped_whole_and_named_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(ordered, "RUN", 2)
    write(tmp_path / "good" / "result.json", channel(1, [message(1, 0), message(2, 1)]))
    broken = channel(2, [message(1, 0), message(2, 1), message(3, 2), {"id": "x"}])
    write(tmp_path / "torn" / "result.json", broken[: broken.rindex("{") + 5])
    with caplog.at_level(logging.WARNING):
        read = read_export(tmp_path, runs(tmp_path))
    assert [p.channel_id for _, p, _ in read.ordered({})] == [1, 1]
    [problem] = read.problems
    assert str(problem).startswith(f"{tmp_path / 'torn' / 'result.json'}: not valid JSON (line 1, column ")
    assert read.entries == 2 and [c.id for c in read.channels] == [1]
    assert "message x" not in caplog.text


def test_the_same_version_in_two_exports_keeps_the_later_file_and_versions_go_oldest_first(tmp_path):
    write(tmp_path / "1-monday" / "result.json", channel(7, [message(5, 0, "first"), message(6, 1, "same")]))
    write(tmp_path / "2-tuesday" / "result.json", channel(7, [
        message(5, 0, "edited twice", edited_unixtime=str(T0 + 7200)),
        message(5, 0, "edited once", edited_unixtime=str(T0 + 3600)),
        message(6, 1, "same, corrected"),
    ]))
    read = read_export(tmp_path, runs(tmp_path))
    assert [(p.message_id, p.text, n) for _, p, n in read.ordered({7: "kanal"})] == [
        (5, "first", 1), (5, "edited once", 1), (5, "edited twice", 1), (6, "same, corrected", 2)]
    assert {p.link for _, p, _ in read.ordered({7: "kanal"})} == {"https://t.me/kanal/5", "https://t.me/kanal/6"}


def test_a_full_account_export_naming_a_chats_id_after_its_messages_still_reads_it(tmp_path):
    data = ('{"about": "x", "chats": {"list": ['
            '{"messages": [' + json.dumps(message(1, 0)) + '], "type": "public_channel", "name": "Late", "id": 44},'
            '{"name": "Friend", "type": "personal_chat", "id": 45, "messages": [' + json.dumps(message(1, 0)) + ']}'
            ']}, "left_chats": {"list": [' + channel(46, [message(2, 3)]) + ']}}')
    file = write(tmp_path / "result.json", data)
    assert [(c.id, len(c.messages)) for c in load_channels(file)] == [(44, 1), (46, 1)]
    assert [m for c, m in stream_export(file) if m is None and c.id == 45] == []


def test_a_message_split_across_read_chunks_is_read_whole(tmp_path, monkeypatch):
    from bot.sources import export

    monkeypatch.setattr(export, "CHUNK", 7)
    texts = ["Бои у Купянска. " * 5, "x" * 30, "1234567890"]
    file = write(tmp_path / "result.json", channel(3, [message(i, i, t) for i, t in enumerate(texts, 1)] +
                                           [{"id": 4, "type": "message", "date_unixtime": T0 + 12345678}]))
    [ch] = load_channels(file)
    assert [m["text"] for m in ch.messages[:3]] == texts and ch.messages[3]["date_unixtime"] == T0 + 12345678
