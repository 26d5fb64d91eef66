"""`frontwatch demo` runs the bundled corpus end to end, offline."""

from __future__ import annotations

import asyncio
import re
import io
from pathlib import Path

import pytest

from bot.demo import run_demo
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, detector):
    out = tmp_path_factory.mktemp("demo")
    stream = io.StringIO()
    settings = load_settings(ROOT / "config", env_file=None)
    summary = asyncio.run(run_demo(settings, detector, out_dir=out, stream=stream, color=False))
    return summary, stream.getvalue(), out


def test_the_demo_reads_the_whole_corpus_and_alerts_on_a_minority_of_posts(demo):
    summary, printed, _ = demo
    assert summary["posts_read"] >= 400
    assert 0 < summary["alerts_sent"] < summary["posts_read"] / 2
    assert summary["export_problems"] == []
    assert len(re.findall(r"^── alert #\d+ ─", printed, re.M)) == summary["alerts_sent"]


def test_the_demo_merges_forwards_and_copies_and_reports_both_sides(demo):
    summary, printed, _ = demo
    assert summary["merged_into_existing"] >= 5
    assert summary["corroborations"] >= 1
    assert "also in:" in printed and "BOTH SIDES" in printed
    assert "deleted by the channel" in printed


def test_the_demo_writes_a_digest_page_and_its_chart(demo):
    summary, _, out = demo
    page = Path(summary["digest_html"]).read_text(encoding="utf-8")
    png = Path(summary["digest_png"]).read_bytes()
    assert png.startswith(b"\x89PNG") and "Mentions per place" in page
    assert Path(summary["database"]).parent == out
