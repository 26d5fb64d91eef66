"""Alert messages as Telegram HTML that is always valid and always fits.

Post text is hostile input: it may contain `<`, `&`, fake tags or run to thousands of
characters. Every piece of it is escaped, and the message is measured in UTF-16 code
units (how Telegram counts) and shrunk until it fits in one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

TELEGRAM_LIMIT = 4096
CAPTION_LIMIT = 1024
HEADLINE_PLACES = 3

SEVERITY_MARK = {"both": "🟣", "high": "🔴", "medium": "🟠", "low": "🟡", "denial": "⚪", "info": "ℹ️"}
# What each mark means, for README-like help texts (`/help`); one line each, most urgent first.
SEVERITY_LEGEND = (
    ("🟣", "a claim (forces withdrew from or took a place) asserted by channels of both sides"),
    ("🔴", "a claim by one channel or several channels of one side"),
    ("⚪", "a denial: a post saying such a withdrawal or capture did not happen"),
    ("🟠", "talk of a withdrawal without a claim, or any post of an official channel"),
    ("🟡", "a post that only names a tracked place"),
    ("⚠️", "DISPUTED: the other side denies the claim"),
)
CLAIM_VOICES_SHOWN = 8
HEADLINE_CLAIMS = 3
SIDE_LABEL = {"ru": "🇷🇺 RU", "ua": "🇺🇦 UA", "other": "🌐"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    return escape(text, quote=False)


def attr(text: str) -> str:
    return escape(text, quote=True)


def link(url: str, label: str) -> str:
    return f'<a href="{attr(url)}">{esc(label)}</a>'


def local_time(dt: datetime, tz: str) -> str:
    local = dt.astimezone(ZoneInfo(tz))
    city = tz.rsplit("/", 1)[-1].replace("_", " ")
    return f"{local:%d %b %H:%M} {city}"


@dataclass(frozen=True, slots=True)
class Related:
    channel: str
    link: str
    relation: str  # "forward" | "copy"


@dataclass(frozen=True, slots=True)
class VoiceLine:
    channel: str
    side: str
    kind: str
    date: datetime
    link: str
    relation: str  # "asserts" | "denies" | "forward" | "copy"


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim the alert stands for, and where its corroboration stands now."""

    text: str
    tier: str
    disputed: bool
    channels: int
    sides: tuple[str, ...]
    voices: tuple[VoiceLine, ...] = ()


@dataclass(frozen=True, slots=True)
class PostAlertView:
    severity: str
    places: tuple[str, ...]
    topics: tuple[str, ...]
    channel: str
    side: str
    kind: str
    date: datetime
    text: str
    spans: tuple[tuple[int, int], ...]
    link: str
    forwarded_from: str | None = None
    also_in: tuple[Related, ...] = ()
    edited: bool = False
    deleted_at: datetime | None = None
    late: bool = False
    headline: str | None = None
    disputed: bool = False  # the headline's own claim is disputed
    more_events: tuple[str, ...] = ()
    claims: tuple[ClaimView, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryView:
    title: str
    lines: tuple[tuple[str, str | None], ...]  # (plain text, link or None)
    footer: str = ""


def excerpt_pieces(text: str, spans: tuple[tuple[int, int], ...], budget: int) -> list[tuple[str, bool]]:
    """A window of the text around the first match, as (piece, highlighted) pairs."""
    text_len = len(text)
    if text_len <= budget:
        start, end = 0, text_len
    else:
        anchor = spans[0][0] if spans else 0
        start = max(0, anchor - budget // 4)
        end = min(text_len, start + budget)
        start = max(0, end - budget)
        if start > 0:
            space = text.find(" ", start, min(text_len, start + 40))
            if space != -1 and (not spans or space < spans[0][0]):
                start = space + 1
        if end < text_len:
            space = text.rfind(" ", max(start, end - 40), end)
            if space > start:
                end = space
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    cursor = start
    for s, e in spans:
        if e <= cursor or s >= end:
            continue
        s, e = max(s, cursor), min(e, end)
        if s > cursor:
            pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    if cursor < end:
        pieces.append((text[cursor:end], False))
    if end < text_len:
        pieces.append(("…", False))
    return pieces


def _excerpt_html(text: str, spans: tuple[tuple[int, int], ...], budget: int) -> str:
    return "".join(f"<b><u>{esc(p)}</u></b>" if hi else esc(p) for p, hi in excerpt_pieces(text, spans, budget))


def _fit(build, budget: int, limit: int = TELEGRAM_LIMIT) -> str:
    """Shrink the excerpt budget until the whole message fits Telegram's limit."""
    while True:
        html = build(budget)
        if utf16_len(html) <= limit or budget <= 0:
            return html
        over = utf16_len(html) - limit
        budget = max(0, min(budget - over, budget * 3 // 4))


def _tier_line(claim: ClaimView) -> str:
    if claim.tier == "both_sides":
        where = "🟣 <b>BOTH SIDES</b>"
    elif claim.tier == "several":
        where = f"<b>{claim.channels} channels</b>" + (f" of one side ({esc(claim.sides[0].upper())})"
                                                       if len(claim.sides) == 1 else "")
    else:
        where = "<b>one source</b> so far"
    count = f" · {claim.channels} independent channels" if claim.tier == "both_sides" else ""
    disputed = " · ⚠️ <b>DISPUTED</b>: the other side denies it" if claim.disputed else ""
    return f"Claim «{esc(claim.text)}»: {where}{count}{disputed}"


def _short(name: str, limit: int = 48) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _voice_lines(claims: tuple[ClaimView, ...], tz: str, per_line: int = CLAIM_VOICES_SHOWN) -> list[str]:
    lines: list[str] = []
    for claim in claims:
        for relation, label in (("asserts", "Also claimed by"), ("denies", "Denied by")):
            voices = [v for v in claim.voices if v.relation == relation]
            if not voices:
                continue
            shown = voices[:per_line]
            which = f" «{esc(claim.text)}»" if len(claims) > 1 else ""
            if not shown:
                lines.append(f"{'⚪ ' if relation == 'denies' else ''}{label}{which}: {len(voices)} more channel(s)")
                continue
            parts = [f"{link(v.link, _short(v.channel))} ({esc(SIDE_LABEL.get(v.side, v.side))} {esc(v.kind)},"
                     f" {esc(local_time(v.date, tz))})" for v in shown]
            more = len(voices) - len(shown)
            lines.append(f"{'⚪ ' if relation == 'denies' else ''}{label}{which}: " + ", ".join(parts)
                         + (f" and {more} more" if more > 0 else ""))
    return lines


def render_post_alert(view: PostAlertView, tz: str, excerpt_chars: int = 700) -> str:
    severity = view.severity
    if any(c.tier == "both_sides" for c in view.claims):
        severity = "both"
    mark = SEVERITY_MARK.get(severity, "•")
    if view.headline is not None:
        disputed = " · ⚠️ DISPUTED" if view.disputed else ""
        head = [f"{mark} <b>{esc(view.headline)}{disputed}</b>"]
        head += [f"… and: {esc(more)}" for more in view.more_events[:3]]
        head += [_tier_line(c) for c in view.claims[:HEADLINE_CLAIMS]]
    else:
        shown = list(view.places[:HEADLINE_PLACES])
        if len(view.places) > HEADLINE_PLACES:
            shown.append(f"+{len(view.places) - HEADLINE_PLACES} more")
        what = " · ".join([*(t.upper() for t in view.topics), *shown]) or "mention"
        head = [f"{mark} <b>{esc(what)}</b>"]
    if view.deleted_at is not None:
        head.append(f"🗑 <b>deleted by the channel</b> at {esc(local_time(view.deleted_at, tz))} — text kept")
    details = []
    if view.places:
        details.append(f"Places: {esc(', '.join(view.places))}")
    if view.topics:
        details.append(f"Topics: {esc(', '.join(view.topics))}")
    source = (f"📣 <b>{esc(view.channel)}</b> ({esc(SIDE_LABEL.get(view.side, view.side))} {esc(view.kind)})"
              f" · {esc(local_time(view.date, tz))}")
    flags = []
    if view.edited:
        flags.append("✏️ edited")
    if view.late:
        flags.append("⏳ found late")
    if flags:
        source += " · " + " · ".join(flags)
    lines_after = []
    if view.forwarded_from:
        lines_after.append(f"↪️ forwarded from <i>{esc(view.forwarded_from)}</i>")

    def build(budget: int) -> str:
        body = [*head, " · ".join(details), source, *lines_after, "", _excerpt_html(view.text, view.spans, budget), "",
                link(view.link, "Open post"), *_voice_lines(view.claims[:HEADLINE_CLAIMS], tz, voices_shown)]
        if view.also_in:
            shown = view.also_in[:12]
            parts = [link(r.link, r.channel) + (" (fwd)" if r.relation == "forward" else "") for r in shown]
            more = len(view.also_in) - len(shown)
            body.append("also in: " + ", ".join(parts) + (f" and {more} more" if more > 0 else ""))
        return "\n".join(line for line in body if line is not None)

    # The voices of the claims come first to go when even an empty excerpt leaves no room:
    # their count stays in the tier line ("5 independent channels").
    for voices_shown in (CLAIM_VOICES_SHOWN, 4, 2, 1, 0):
        html = _fit(build, excerpt_chars)
        if utf16_len(html) <= TELEGRAM_LIMIT:
            break
    return html


def render_summary(view: SummaryView) -> str:
    def build(budget: int) -> str:
        lines = [f"ℹ️ <b>{esc(view.title)}</b>"]
        used = 0
        for i, (text, url) in enumerate(view.lines):
            line = "• " + (link(url, text) if url else esc(text))
            used += utf16_len(line)
            if used > budget:
                lines.append(f"… and {len(view.lines) - i} more")
                break
            lines.append(line)
        if view.footer:
            lines.append(esc(view.footer))
        return "\n".join(lines)

    return _fit(build, 3600)
