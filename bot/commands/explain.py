"""/explain: why a post was or was not flagged, claimed and alerted."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot import claims
from bot.channels import Channel
from bot.commands.context import Context
from bot.commands.specs import Reply, _short, _Usage, channel_html, side_label
from bot.detect import Detection
from bot.detect.model import Match
from bot.post import bare_channel_id
from bot.render import esc, link, local_time
from bot.search import snippet_html
from bot.store import StoredPost


_POST_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?"
    r"(?:c/(?P<cid>\d+)|(?P<user>[A-Za-z][A-Za-z0-9_]{2,}))/(?:\d+/)?(?P<msg>\d+)/?(?:[?#]\S*)?", re.I)
SEVERITY_WORD = {"both": "🟣 a claim by both sides", "high": "🔴 a claim", "denial": "⚪ a denial",
                 "medium": "🟠 medium", "low": "🟡 a mention"}
#: Telegram message ids are 32-bit, channel ids 64-bit.
MAX_MESSAGE_ID = 2**31 - 1
MAX_CHANNEL_ID = 2**63 - 1


class ExplainCommands(Context):
    """Read-only, for anyone allowed."""

    async def _cmd_explain(self, args: list[str], raw: str) -> list[Reply]:
        if len(args) != 1:
            raise _Usage("Give the post's link.")
        found = _POST_LINK.fullmatch(args[0])
        if found is None:
            raise _Usage(f"«{_short(args[0])}» is not a link to a Telegram post.")
        message_id = int(found.group("msg")) if len(found.group("msg")) <= 10 else 0
        if not 0 < message_id <= MAX_MESSAGE_ID or (found.group("cid") and (
                len(found.group("cid")) > 19 or not 0 < int(found.group("cid")) <= MAX_CHANNEL_ID)):
            raise _Usage(f"«{_short(args[0])}» does not point at a Telegram post: the numbers are out of range.")
        if found.group("cid"):
            channel = await self.store.channel(bare_channel_id(int(found.group("cid"))))
            ref = found.group("cid")
        else:
            ref = found.group("user")
            channel = await self._find_channel(ref)
        if channel is None:
            return await self._unknown_channel(ref)
        stored = await self.store.post_by_key(channel.id, message_id)
        if stored is None:
            return [Reply(f"I have no post {message_id} of {channel_html(channel)} stored: it came before the "
                          "channel was followed, or it has not been read yet.")]
        return self._pages(await self._explanation(channel, stored))

    async def _explanation(self, channel: Channel, stored: StoredPost) -> list[str]:
        """The stored verdict, what the detector finds in the text now and with which words, and
        what the alert policy did with it — so a missed or surprising alert can be argued about."""
        post = stored.post
        fresh = self.detector.detect(post.text, side=channel.side)
        flagged = bool(stored.places or stored.topics)
        versions = await self.store.versions(stored.post_id)
        head = [f"🔍 <b>Why this post was {'flagged' if flagged else 'not flagged'}</b>",
                f"{channel_html(channel)} ({esc(side_label(channel.side))} {esc(channel.kind)}) · "
                f"{esc(local_time(post.date, self.tz))} · language {esc(stored.language or fresh.language or '?')}"
                + (f" · ✏️ {len(versions) - 1} edit(s)" if len(versions) > 1 else "")
                + (f" · 🗑 deleted {esc(local_time(stored.deleted_at, self.tz))}" if stored.deleted_at else "")]
        stored_what = self._what(stored.places, stored.topics)
        lines = [*head, f"Stored detection: {stored_what or 'nothing'}", "", "<b>What matched, and by which rule</b>"]
        for hit in fresh.places:
            lines += [f"• place {esc(self._place_label(hit.place_id))}: {self._match_list(post.text, hit.matches)}"]
        for hit in fresh.topics:
            lines += [f"• topic {esc(hit.topic_id)}: {self._match_list(post.text, hit.matches)}"]
        if not fresh.places and not fresh.topics:
            lines.append("• no place name and no withdrawal wording in the text")
        fresh_what = self._what(fresh.place_ids, fresh.topic_ids)
        if fresh_what != stored_what:
            lines.append(f"⚠️ The detector now finds {fresh_what or 'nothing'}: it has changed since the post "
                         "was stored.")
        near = self._near_misses(post.text, fresh)
        if near:
            lines.append("Not counted: " + "; ".join(near))
        lines += ["", "<b>Claims it makes</b> (who withdrew from or took which place)"]
        for event in fresh.events:
            said = claims.headline(channel.side, channel.kind, event.action, self._event_place(event.place),
                                   event.by, event.stance)
            lines.append(f"• {'⚪' if event.stance == 'denied' else '🔴'} {esc(said)}: "
                         f"{self._match_list(post.text, event.matches)}")
        if not fresh.events:
            lines.append("• none: no report that forces left or took a place (plans, questions, opinion and "
                         "background are not claims)")
        lines += await self._claim_verdicts(stored)
        lines += ["", await self._alert_verdict(channel, stored),
                  "", snippet_html(post.text, tuple(sorted(stored.matches)), 600),
                  link(post.link, "Open post")]
        return lines

    def _event_place(self, place_id: str | None) -> str | None:
        return self.detector.place(place_id).en if place_id in self._place_ids() else place_id

    async def _claim_verdicts(self, stored: StoredPost) -> list[str]:
        """Where each claim the post speaks to stands: its tier, independent channels, denials."""
        out = []
        for claim in await self.store.claims_of_post(stored.post_id):
            voices = await self.store.claim_voices(claim.id)
            standing = claims.standing(claims.Voice(v.stance, v.source, v.source_side) for v in voices)
            mine = next((v for v in voices if v.post.post_id == stored.post_id), None)
            by = next((v.by_side for v in voices if v.stance == "asserted"), None)
            text = claims.claim_text(claim.action, self._event_place(claim.place_id), by)
            counted = ""
            if mine is not None and mine.source != f"channel:{stored.post.channel_id}":
                counted = " This post repeats another channel's post (a forward or copy): it counts for that one."
            out.append(f"Claim #{claim.id} «{esc(text)}»: {esc(claims.TIER_LABEL[standing.tier])}, "
                       f"{standing.channels} independent channel(s) assert it, {standing.denials} deny it"
                       + (" — ⚠️ disputed" if standing.disputed else "")
                       + (f"; alert #{claim.alert_id}" if claim.alert_id else "") + "." + esc(counted))
        return out

    def _what(self, places: Sequence[str], topics: Sequence[str]) -> str:
        names = [*(f"topic {t}" for t in topics), *(f"place {self._place_label(p)}" if p in self._place_ids()
                                                   else f"place {p}" for p in places)]
        return esc(", ".join(names))

    @staticmethod
    def _match_list(text: str, matches: Sequence[Match]) -> str:
        parts = []
        for m in matches[:6]:
            parts.append(f"«<b>{esc(text[m.start:m.end])}</b>»" + (f" <i>({esc(m.rule)})</i>" if m.rule else ""))
        more = f" and {len(matches) - 6} more" if len(matches) > 6 else ""
        return ", ".join(parts) + more

    def _near_misses(self, text: str, detection: Detection) -> list[str]:
        """Words that name a place on their own but were not taken as one here (raisins, a river, a surname)."""
        covered = [(m.start, m.end) for hit in detection.places for m in hit.matches]
        out: list[str] = []
        for token in re.finditer(r"\w[\w'’ʼ-]*\w", text):
            if any(s < token.end() and token.start() < e for s, e in covered):
                continue
            place_id = self.detector.resolve_place(token.group())
            if place_id is not None:
                out.append(f"«{esc(token.group())}» looks like {esc(self._place_label(place_id))} but is not "
                           "the place in this context")
            if len(out) >= 5:
                break
        return out

    async def _alert_verdict(self, channel: Channel, stored: StoredPost) -> str:
        alert = await self.store.alert_for_post(stored.post_id)
        if alert is not None:
            relation = next((rel for sp, rel in await self.store.alert_posts(alert.id)
                             if sp.post_id == stored.post_id), "origin")
            if relation == "claim":
                return (f"Alert: counted in the claim's alert #{alert.id} ({esc(alert.state)}), which was edited "
                        "instead of sending another message.")
            if relation != "origin":
                return (f"Alert: merged as a {esc(relation)} into alert #{alert.id} "
                        f"({esc(alert.state)}), not sent again.")
            states = {"sent": "sent to the team", "pending": "waiting in the outbox",
                      "held": "found late, sent in a catch-up summary", "folded": "folded into a summary "
                      "(rate limit)", "failed": "refused by Telegram"}
            severity = SEVERITY_WORD.get(alert.severity, esc(alert.severity))
            return (f"Alert #{alert.id}: {severity}, {states.get(alert.state, esc(alert.state))}; "
                    f"about {self._what(alert.places, alert.topics)}.")
        if not stored.places and not stored.topics:
            return "Alert: none — nothing matched."
        reasons = []
        tracked = await self._tracked()
        mutes = await self._mutes()
        untracked = [p for p in stored.places if tracked is not None and p not in tracked]
        if untracked and not stored.topics and len(untracked) == len(stored.places):
            reasons.append("its places are not tracked (" + ", ".join(map(self._place_label, untracked)) + ")")
        muted = [p for p in stored.places if f"place:{p}" in mutes]
        if muted and not stored.topics:
            reasons.append("muted now: " + ", ".join(map(self._place_label, muted)))
        if f"channel:{channel.id}" in mutes:
            reasons.append("the channel is muted now")
        mode = await self._alert_on()
        if not await self.store.post_events(stored.post_id):
            if mode == "events":
                reasons.append("alerts are set to events (/alerts) and the post makes no claim")
            elif mode == "events_and_tracked" and not stored.places:
                reasons.append("alerts are set to events_and_tracked (/alerts) and the post makes no claim and "
                               "names no place")
        reasons = reasons or ["the place or channel was muted or untracked when the post came, or it arrived "
                              "before the alert policy ran"]
        return "Alert: none — " + esc("; ".join(reasons)) + "."
