"""The terminal sender of the demo and of replay without a bot."""

from __future__ import annotations

import io

from bot.terminal import TerminalSender


async def test_an_alert_in_the_terminal_shows_its_highlights_and_link_without_tags():
    out = io.StringIO()
    sender = TerminalSender(out, color=False)
    await sender.send('🔴 <b>Withdrawal</b>: ВСУ отошли из <u>Купянска</u> &amp; <a href="https://t.me/c/1/2">post</a>', 1)
    shown = out.getvalue()
    assert "ВСУ отошли из [Купянска] & post <https://t.me/c/1/2>" in shown
    assert "<b>" not in shown and "&amp;" not in shown


async def test_a_quiet_replay_sender_prints_nothing_and_holds_no_copy_of_what_it_sent():
    out = io.StringIO()
    sender = TerminalSender(out, quiet=True, keep=False)
    first = await sender.send("<b>one</b>", 1)
    second = await sender.send("<b>two</b>", 2)
    await sender.edit(first, "<b>one, edited</b>")
    assert (first, second) == (1, 2)
    assert out.getvalue() == "" and sender.messages == {}
