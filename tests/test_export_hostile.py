"""The attack run's hostile exports: each bad entry or file is reported and skipped, the rest replays.

And a message that appears in several versions replays once: a second replay changes nothing.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.channels import Channel
from bot.cli import main
from bot.outbox import Outbox
from bot.pipeline import Pipeline
from bot.replay import replay
from bot.settings import AlertSettings
from bot.terminal import TerminalSender

GOOD = "ВСУ отступили из Работино."
CID = 1500000001


def entry(mid, text=GOOD, **extra) -> dict:
    return {"id": mid, "type": "message", "date_unixtime": "1795168800", "text": text, **extra}


def write(folder: Path, data, *, raw: bytes | None = None) -> Path:
    folder.mkdir(parents=True)
    file = folder / "result.json"
    file.write_bytes(raw if raw is not None else json.dumps(data, ensure_ascii=True).encode())
    return file


def channel_export(messages: list, cid=CID, name="Канал") -> dict:
    return {"name": name, "type": "public_channel", "id": cid, "messages": messages}


HOSTILE_ENTRIES = {
    2: entry(2, "Бои у \ud800 Купянска"),
    3: entry(3, date_unixtime=1e20),
    4: entry(4, date_unixtime=float("inf")),
    5: entry(5, date_unixtime=None, date="0001-01-01T00:00:00"),
    6: entry(6, date_unixtime=None, date="9999-12-31T23:59:59"),
    7: entry(7, text=[[[[["deep"]]]]]),
    8: entry(8, date_unixtime=-1),
}


def hostile_folder(tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    messages = [entry(1), *HOSTILE_ENTRIES.values(), entry(2**70), entry(9, "Бахмут: сводка.")]
    write(root / "good", channel_export(messages))
    write(root / "id-abc", channel_export([entry(1)], cid="abc"))
    write(root / "id-list", channel_export([entry(1)], cid=[1]))
    write(root / "id-null", channel_export([entry(1)], cid=None))
    write(root / "id-huge", channel_export([entry(1)], cid=2**70))
    write(root / "latin1", None, raw=json.dumps(channel_export([entry(1)], cid=7)).encode().replace(b"1795",
                                                                                                   b"\xe9795"))
    for folder, depth in (("deep", 1000), ("deeper", 100_000)):
        nested = "[" * depth + "]" * depth
        write(root / folder, None,
              raw=f'{{"name": "x", "id": 8, "messages": [{{"id": 1, "text": {nested}}}]}}'.encode())
    write(root / "digits", None, raw=b'{"name": "x", "id": 9, "messages": [{"id": ' + b"9" * 5000 + b"}]}")
    (root / "folder" / "result.json").mkdir(parents=True)
    return root


def test_hostile_export_entries_and_files_are_reported_and_skipped_and_the_rest_replays(tmp_path, capsys, caplog):
    root = hostile_folder(tmp_path)
    db = tmp_path / "fw.sqlite"
    with caplog.at_level(logging.WARNING):
        status = main(["replay", str(root), "--quiet", "--db", str(db)])
    out = capsys.readouterr().out
    assert status == 0
    assert "replayed 2 posts from 1 channels" in out and "2 new" in out and "0 posts failed" in out
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    good = str(root / "good" / "result.json")
    for mid in HOSTILE_ENTRIES:
        assert any(w.startswith(f"{good}: message {mid}: ") for w in warnings), mid
    assert any(w.startswith(f"{good}: message {2**70}: id {2**70} is not a Telegram message id") for w in warnings)
    for folder, problem in [("id-abc", "channel id 'abc' is not"), ("id-list", "channel id a list of 1 item(s)"),
                            ("id-null", "channel id None"), ("id-huge", f"channel id {2**70} is not"),
                            ("latin1", "not UTF-8 text"), ("deeper", "JSON nested too deeply"),
                            ("digits", "not a readable export")]:
        assert any(w.startswith(f"{root / folder / 'result.json'}: {problem}") for w in warnings), folder
    # 1,000 levels parse or not depending on the stack already in use; either way one line names it.
    deep = str(root / "deep" / "result.json")
    assert any(w.startswith((f"{deep}: JSON nested too deeply", f"{deep}: message 1: text piece a list")) for w in warnings)
    assert f"{len(HOSTILE_ENTRIES) + 1 + 8} malformed entries skipped" in out
    assert not any("Traceback" in w for w in warnings) and all(len(w) < 400 for w in warnings)


def test_a_huge_text_piece_is_not_copied_into_the_warning(tmp_path, caplog):
    root = tmp_path / "big"
    write(root, channel_export([entry(1, text=["ok ", {"type": "bold", "txt": "x" * 5_000_000}]), entry(2)]))
    with caplog.at_level(logging.WARNING):
        status = main(["replay", str(root), "--quiet", "--db", str(tmp_path / "fw.sqlite")])
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert status == 0 and "message 1: text piece a table of 2 item(s)" in warning and len(warning) < 400


def test_a_folder_named_result_json_is_not_read_as_an_export(tmp_path, capsys):
    root = tmp_path / "exports"
    write(root / "good", channel_export([entry(1)]))
    (root / "odd" / "result.json").mkdir(parents=True)
    assert main(["replay", str(root), "--quiet", "--db", str(tmp_path / "fw.sqlite")]) == 0
    assert "replayed 1 posts" in capsys.readouterr().out
    assert main(["replay", str(root / "odd" / "result.json"), "--db", str(tmp_path / "fw.sqlite")]) == 2
    assert "no result.json file in this folder" in capsys.readouterr().err


class CountingSender(TerminalSender):
    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.edits = 0

    async def edit(self, message_id: int, html: str) -> None:
        self.edits += 1
        await super().edit(message_id, html)


def versions_export(tmp_path: Path) -> Path:
    """One channel exported twice a day apart, the later export holding the id twice (out of order)."""
    root = tmp_path / "twice"
    first = "Бои у Купянска."
    write(root / "monday", channel_export([entry(5, first), entry(6, "Погода.")]))
    write(root / "tuesday", channel_export([
        entry(5, "Бои у Купянска, обновлено дважды.", edited_unixtime="1795176000"),
        entry(5, "Бои у Купянска, обновлено.", edited_unixtime="1795172400"),
        entry(6, "Погода."),
    ]))
    return root


@pytest.mark.parametrize("rounds", [3])
async def test_replaying_a_message_exported_in_several_versions_again_changes_nothing(tmp_path, store, detector,
                                                                                      rounds):
    root = versions_export(tmp_path)
    known = [Channel(username="kanal", id=CID, name="Канал", side="ru", kind="milblogger")]
    sender = CountingSender()
    pipeline = Pipeline(store, detector, AlertSettings())
    outbox = Outbox(store, sender, rate_limit_per_minute=None)
    first = await replay(root, store, pipeline, known, progress=False, after_each=outbox.flush)
    stored = await store.post_by_key(CID, 5)
    assert stored.post.text == "Бои у Купянска, обновлено дважды."
    assert [text for _, text, _ in await store.versions(stored.post_id)] == [
        "Бои у Купянска.", "Бои у Купянска, обновлено.", "Бои у Купянска, обновлено дважды."]
    assert (first.new, first.edited) == (2, 2)
    edits_after_first = sender.edits
    for _ in range(rounds - 1):
        again = await replay(root, store, pipeline, known, progress=False, after_each=outbox.flush)
        assert (again.new, again.edited, again.duplicates) == (0, 0, 4)
    assert len(await store.versions(stored.post_id)) == 3
    assert sender.edits == edits_after_first and len(sender.messages) == 1


async def test_a_repeated_id_with_the_same_edit_date_keeps_the_later_text_and_replays_once(tmp_path, store,
                                                                                           detector):
    root = tmp_path / "dup"
    write(root, channel_export([entry(5, "Бои у Купянска."), entry(5, "Бои у Купянска и Изюма.")]))
    pipeline = Pipeline(store, detector, AlertSettings())
    for _ in range(3):
        await replay(root, store, pipeline, [], progress=False)
    stored = await store.post_by_key(CID, 5)
    assert stored.post.text == "Бои у Купянска и Изюма."
    assert len(await store.versions(stored.post_id)) == 1
