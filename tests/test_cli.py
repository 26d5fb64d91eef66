"""The command line as a new user meets it: what each command offers, says and refuses."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
DEMO = ROOT / "corpus" / "demo"


def subparsers() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert re.fullmatch(r"frontwatch \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_every_argument_of_every_command_has_help_text():
    for name, parser in subparsers().items():
        for action in parser._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


@pytest.mark.parametrize("command", ["check", "eval", "login"])
def test_commands_that_never_open_the_store_do_not_offer_db(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--db" not in capsys.readouterr().out


def test_demo_help_names_where_its_database_really_goes(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "default: OUT/frontwatch.sqlite" in out and "var/frontwatch.sqlite" not in out


def test_demo_writes_its_database_where_db_says(tmp_path, capsys):
    db = tmp_path / "elsewhere" / "demo.sqlite"
    assert main(["demo", "--quiet", "--out", str(tmp_path / "out"), "--db", str(db)]) == 0
    assert db.is_file() and not (tmp_path / "out" / "frontwatch.sqlite").exists()
    assert str(db) in capsys.readouterr().out


def test_check_dash_reads_the_text_from_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Бои у Купянска.".encode()), encoding="utf-8"))
    assert main(["check", "--json", "-"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in found["places"]] == ["kupiansk"]


@pytest.mark.parametrize("command", [["digest"], ["search", "Купянск"]])
def test_a_command_that_reads_the_store_refuses_a_missing_database_and_creates_nothing(tmp_path, capsys, command):
    db = tmp_path / "typo.sqlite"
    status = main([*command, "--db", str(db), "--out", str(tmp_path / "out")] if command == ["digest"]
                  else [*command, "--db", str(db)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.startswith(f"frontwatch: error: {db}: database not found") and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given", ["21.11.2026", "2026-11-31", "20261121", "0001-01-01", "9999-12-31"])
def test_a_digest_date_in_another_format_is_refused_with_the_expected_format(tmp_path, capsys, given):
    with pytest.raises(SystemExit) as done:
        main(["digest", "--db", str(tmp_path / "x.sqlite"), "--date", given])
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert "YYYY-MM-DD" in err or "expected a date from 2000-01-01" in err
    assert "fromisoformat" not in err and "Invalid isoformat" not in err


def replay_summary(capsys, tmp_path, *extra: str) -> str:
    status = main(["replay", str(DEMO), "--quiet", "--db", str(tmp_path / "fw.sqlite"), *extra])
    assert status == 0
    return capsys.readouterr().out


def test_replay_names_the_channels_missing_from_the_channel_list(tmp_path, capsys):
    out = replay_summary(capsys, tmp_path)
    assert "0 both-sides" in out
    unlisted = next(line for line in out.splitlines() if "not in" in line)
    assert unlisted.startswith(f"9 channel(s) not in {Path('config') / 'channels.toml'}, replayed as media of side "
                               "'other'")
    assert "Передок Z (1804417263)" in unlisted and "--channels FILE" in unlisted


def test_replay_with_the_demo_channel_list_gives_both_sides_alerts(tmp_path, capsys):
    out = replay_summary(capsys, tmp_path, "--channels", str(DEMO / "channels.toml"))
    assert re.search(r"; [1-9]\d* both-sides;", out)
    assert "not in" not in out


def test_replay_with_a_missing_channel_list_is_refused(tmp_path, capsys):
    status = main(["replay", str(DEMO), "--db", str(tmp_path / "fw.sqlite"), "--channels", str(tmp_path / "no.toml")])
    assert status == 2 and "no.toml: channel list not found" in capsys.readouterr().err
    assert not (tmp_path / "fw.sqlite").exists()


@pytest.mark.parametrize("args, expected", [
    (["replay", str(DEMO), "--export-tz", "Europe/" + "x" * 300], "--export-tz: unknown time zone"),
    (["replay", str(DEMO), "--export-tz", "Mars/Olympus"], "--export-tz: unknown time zone 'Mars/Olympus'"),
    (["search", "Купянск", "--limit", "99999999999999999999"], "--limit: expected a number from 1 to 1000"),
    (["search", "Купянск", "--limit", "-3"], "--limit: expected a number from 1 to 1000"),
])
def test_a_bad_command_line_value_is_one_line_and_exit_2(tmp_path, capsys, args, expected):
    db = tmp_path / "fw.sqlite"
    db.touch()
    status = main([*args, "--db", str(db)])
    err = capsys.readouterr().err.strip()
    assert status == 2 and expected in err and len(err.splitlines()) == 1 and len(err) < 200
