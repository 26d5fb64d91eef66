"""Claims: what posts say happened, in English, and how far independent channels agree.

Pure decisions (no I/O) shared by the pipeline, alerts, `/explain` and the digest. A claim
is an (action, place) pair within the corroboration window; each post that speaks of it is
a voice. Voices are counted by *source*: a forward or near-copy speaks for the channel it
copies, so a Russian post forwarded by a Ukrainian channel is still one Russian source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OPPOSING = {"ru": "ua", "ua": "ru"}
ALERT_ON = ("events", "events_and_tracked", "everything")
TIERS = ("single", "several", "both_sides")
TIER_LABEL = {"single": "one source", "several": "several channels", "both_sides": "both sides"}
SIDE_WORD = {"ru": "RU", "ua": "UA"}
KIND_WORD = {"milblogger": "milblogger", "official": "official", "media": "media"}


@dataclass(frozen=True, slots=True)
class Voice:
    stance: str               # "asserted" | "denied"
    source: str               # the independent channel this voice speaks for
    source_side: str | None   # that channel's side; None when the copy's origin is unknown


@dataclass(frozen=True, slots=True)
class Standing:
    tier: str
    disputed: bool
    channels: int             # independent channels asserting
    sides: tuple[str, ...]    # ru/ua among them, sorted
    denials: int              # independent channels denying


def standing(voices: Iterable[Voice]) -> Standing:
    """Tier from the independent sources that assert.

    Disputed when one side denies what the other side asserts and none of its own channels
    asserts it: a side that first denies and then admits (or a post that says both) has
    come round, and the claim stands on both sides. A source that both asserts and denies
    counts as asserting.
    """
    voices = list(voices)
    asserting = {v.source: v.source_side for v in voices if v.stance == "asserted"}
    denying = {v.source: v.source_side for v in voices if v.stance == "denied" and v.source not in asserting}
    sides = tuple(sorted({s for s in asserting.values() if s in OPPOSING}))
    if len(sides) == 2:
        tier = "both_sides"
    elif len(asserting) >= 2:
        tier = "several"
    else:
        tier = "single"
    disputed = any(side in OPPOSING and OPPOSING[side] in sides and side not in sides for side in denying.values())
    return Standing(tier=tier, disputed=disputed, channels=len(asserting), sides=sides, denials=len(denying))


def actor(by: str | None) -> str:
    return f"{SIDE_WORD[by]} forces" if by in SIDE_WORD else "forces"


def claim_text(action: str, place: str | None, by: str | None) -> str:
    """The asserted event as a short English sentence: `UA forces withdrew from Kupiansk`."""
    if action == "capture":
        if place is None:
            return f"{actor(by)} took a place (none named)"
        return f"{actor(by)} took {place}" if by in SIDE_WORD else f"{place} taken (by whom not said)"
    if place is None:
        return f"{actor(by)} withdrew (no place named)"
    return f"{actor(by)} withdrew from {place}" if by in SIDE_WORD else f"withdrawal from {place} (by whom not said)"


def denial_text(action: str, place: str | None, by: str | None, speaker_side: str | None) -> str:
    """What is denied, as a noun phrase: the speaker denying its own side's retreat needs no actor."""
    who = f"{SIDE_WORD[by]} " if by in SIDE_WORD and by != speaker_side else ""
    noun = "capture" if action == "capture" else "withdrawal"
    where = (" of " if action == "capture" else " from ") + place if place else ""
    return f"{who}{noun}{where}"


def speaker(side: str, kind: str) -> str:
    """`RU milblogger`, `UA official`, `media`: who says it, as a headline names them."""
    word = KIND_WORD.get(kind, kind)
    return f"{SIDE_WORD[side]} {word}" if side in SIDE_WORD else word


def headline(side: str, kind: str, action: str, place: str | None, by: str | None, stance: str) -> str:
    who = speaker(side, kind)
    if stance == "denied":
        return f"{who} denies: {denial_text(action, place, by, side)}"
    return f"{who}: {claim_text(action, place, by)}"


def primary(events: Sequence, tracked: set[str] | None = None):
    """The event the headline leads with: an asserted one with a place (a tracked place first)."""
    def rank(e) -> tuple[int, int, int]:
        return (e.stance != "asserted", e.place is None,
                not (tracked is None or e.place in tracked))
    return min(events, key=rank) if events else None


def should_alert(mode: str, *, has_events: bool, tracked_mentions: bool, flagged: bool) -> bool:
    """What reaches the group under `alerts.alert_on`; everything is stored either way."""
    if mode == "events":
        return has_events
    if mode == "events_and_tracked":
        return has_events or tracked_mentions
    return has_events or flagged
