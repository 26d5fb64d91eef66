"""Claims, not mentions: who withdrew from or took which place, asserted or denied.

Runs only on a post where the withdrawal or capture topic already matched, and reads only
the sentences around those words (`event_post`). Each action word is judged in its clause
(the words between clause marks: ; : — ( ) a comma, or a word such as "но", "що", "while"
that opens a new clause): whether it is news at all and asserted or denied
(`event_stance`), who acted (`event_actors`) and which place was left or taken
(`event_places`); this module puts the answers together into events, one per claim.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from operator import attrgetter

from bot.detect.event_actors import Actors
from bot.detect.event_places import Places
from bot.detect.event_post import Mention, Post
from bot.detect.event_stance import ASSERTED, DENIED, DETERMINERS, Stance
from bot.detect.eventlex import EventLexicon
from bot.detect.model import Event, Match, PlaceHit, TopicHit
from bot.detect.normalize import Normalized

ACTIONS = ("withdrawal", "capture")
# between a place and "ours": "Kupiansk is ours!", "Работино снова наше", "Кліщіївка вже наша"
_BETWEEN_OURS = frozenset({"is", "are", "again", "снова", "опять", "вновь", "уже", "знову", "вже", "знов"})
# "Торецк фактически наш", "Село вже повністю наше": said of a place as done, no exclamation needed
_DONE_OURS = frozenset({"фактически", "фактично", "практически", "практично", "полностью", "повністю", "окончательно",
                        "остаточно"})
_START = attrgetter("start")


def find_events(lex: EventLexicon, norm: Normalized, original: str, places: Sequence[PlaceHit],
                topics: Sequence[TopicHit], side: str | None, language: str,
                regions: frozenset[str] = frozenset(), cities: frozenset[str] = frozenset()) -> tuple[Event, ...]:
    deleted = [s + k for k, s in enumerate(norm.shifts)] if norm.shifts else None
    mentions = _mentions(deleted, topics)
    if not mentions:
        return ()
    post = Post(norm, original, places, [m.start for m in mentions], deleted)
    if not post.words:
        return ()
    judge = _Judge(lex, post, side, language, regions, cities, mentions)
    events: list[Event] = []
    for mention in mentions:
        events += judge.events(mention)
    return _merge(events)


def _mentions(deleted: list[int] | None, topics: Sequence[TopicHit]) -> list[Mention]:
    """The action words, at their offsets in the folded text (`deleted`: where the
    invisible characters folding removed stood, None when there were none)."""
    out: list[Mention] = []
    for hit in topics:
        action = hit.topic_id
        if action not in ACTIONS:
            continue
        if deleted is None:
            out += [Mention(action, m.start, m.end, m) for m in hit.matches]
        else:
            out += [Mention(action, m.start - bisect_left(deleted, m.start), m.end - bisect_left(deleted, m.end), m)
                    for m in hit.matches]
    if len(out) > 1:
        out.sort(key=_START)
    return out


class _Judge(Stance, Actors, Places):
    """The events of one post's action words."""

    def __init__(self, lex: EventLexicon, post: Post, side: str | None, language: str,
                 regions: frozenset[str], cities: frozenset[str], mentions: Sequence[Mention]) -> None:
        self.lex = lex
        self.mentions = mentions
        self.regions = regions
        self.cities = cities
        self.language = language
        self.post = post
        self.side = side if side in ("ru", "ua") else None
        self.words = post.words
        self._frame: bool | None = None
        self._dateline: bool | None = None
        self._capture = False     # the action word being judged is a capture's

    # --- one action word ------------------------------------------------------------

    def events(self, mention: Mention) -> list[Event]:
        post, words, lex = self.post, self.words, self.lex
        h = bisect_left(post.starts, mention.start)
        if h >= len(words) or post.starts[h] != mention.start:
            return []
        last = max(h, bisect_left(post.starts, mention.end) - 1)
        k = post.sentence_of(h)
        answer = self._answered_no(k) if post.question[k] else None
        if post.question[k] and answer is None or not post.question[k] and self._asked_if_true(k):
            return []
        s_low, s_high = post.sentences[k]
        low, high = post.clause_of(h)
        head = words[h]
        self._capture = mention.action == "capture"
        if head in lex.ours:
            return self._ours(h, k, mention)
        form = self._form(h, low)
        if form == "participle" or head in lex.states or head in lex.not_claims:
            return []
        if head.isascii() and h > low and self._no_english_claim(h, low, head):
            return []
        offsets = words.offsets
        if lex.not_news is not None and lex.not_news.search(words.joined, offsets[s_low], offsets[high]) is not None \
                and (lex.irrealis.find(words, low, h) >= 0 or lex.generic.find(words, low, high) >= 0
                     or lex.not_war.find(words, low, high) >= 0 or lex.opinion.find(words, s_low, h) >= 0):
            return []
        if lex.subordinate.length_at(words, low) and not self._main_claim(k, low, high) \
                and not (low + 1 < high and words[low + 1] in _FOR_NOW):
            return []       # «Пока же наши зашли в…», «поки що»: for now, not "while"
        if words[low] in _THAT and low > s_low and self._demanded(k, low):
            return []
        if self._background(h, k, low, high, form):
            return []
        if form == "noun" and mention.action == "withdrawal" and lex.copula.find(words, max(low, h - 3), h) >= 0:
            return []    # what to call it; "это не «падение Купянска»" denies a capture
        matches = [mention.match]
        ironic = self._scare_quoted(h)      # «взяли», «звільнили», 'liberated': said with irony
        stance, cue = self._stance(h, k, low, form)
        if ironic and stance == ASSERTED and lex.mockery.find(words, max(low, h - 4), h) >= 0:
            stance, cue = DENIED, post.original_match(h, h, "stance denied: a claim mocked in scare quotes")
        if answer is not None:
            stance, cue = DENIED, post.original_match(answer, answer, "stance denied: the question answered no")
        if cue is not None:
            matches.append(cue)
        if form in ("noun", "infinitive") and stance == ASSERTED:
            if not self._announced(h, last, low, high, form):
                return []
        action = mention.action
        passive = lex.expelled.length_at(words, h) > 0 or (h > low and lex.expelled.length_at(words, h - 1) > 1)
        # a capture phrase that opens with a verb of pushing ("pushed into X") enters the place
        expelling = lex.expel.length_at(words, h) > 0 and not passive and not (self._capture and last > h)
        if expelling:
            action = "withdrawal"
        by, actor = self._expelled_object(h, low, high) if passive else (None, None)
        if actor is None:
            by, actor = self._by(h, last, low, high, k, head, expelling, form, action, ironic)
        if actor is not None:
            matches.append(actor)
        if stance == ASSERTED:
            held = self._held_against(h, k, low, action, by)
            if held is not None:
                stance = DENIED
                matches.append(held)
        places = self._places(h, last, low, high, k, head, action, form)
        if places is None:
            return []
        if places == [(None, None)]:
            if head in lex.needs_place:
                return []
            sentence = words[s_low:s_high]
            if by is None and not (lex.force.any_in(sentence) or lex.ground.any_in(sentence)
                                   or self._named(low, high)):
                return []
        out = [Event(action, place, by, stance, tuple(matches) + ((where,) if where is not None else ()))
               for place, where in places]
        if action == "withdrawal" and stance == ASSERTED:
            out += self._held_after(k, high, by, places)
        return out

    def _next_sentence(self, k: int) -> int | None:
        """The first word of the sentence after sentence k in the same paragraph, if any."""
        post = self.post
        if k + 1 >= len(post.sentences) or post.paragraph_break[k + 1]:
            return None
        return post.sentences[k + 1][0]

    def _answered_no(self, k: int) -> int | None:
        """The word of the next sentence answering the question k about a claim "no"
        («…правда ли, что ВСУ вышли из посёлка? Нет.»): the claim is denied."""
        first = self._next_sentence(k)
        return first if first is not None and self.words[first] in _NO else None

    def _asked_if_true(self, k: int) -> bool:
        """Whether the next sentence asks if the claim of sentence k is true («…начали выходить
        из Гуляйполя. Правда или опять фантазии?»): a rumour asked about, not news."""
        first = self._next_sentence(k)
        if first is None or not self.post.question[k + 1]:
            return False
        words = self.words
        return words[first] in _TRUE or (words[first] in _IS_IT and first + 1 < len(words)
                                         and words[first + 1] in _TRUE)

    def _no_english_claim(self, h: int, low: int, head: str) -> bool:
        """An English action word that tells no news: a participle describing a noun ("the
        occupied territories", "the captured territory"), or a base form after "or" opening
        its clause ("keep defending X, or retreat to a new line": a choice)."""
        before = self.words[h - 1]
        if head in self.lex.occupation and before in DETERMINERS or head.endswith(("ed", "en")) and before in _ARTICLES:
            return True
        return h == low + 1 and before in _OR_AND and head not in _PAST and not head.endswith(("ed", "s", "ing"))

    def _demanded(self, k: int, low: int) -> bool:
        """The clause before "that" ("Putin demanded that Ukraine withdraw") wants it done."""
        clauses = self.post.clauses(k)
        before = next((a for a, b in clauses if b == low), None)
        return before is not None and self.lex.demand.find(self.words, before, low) >= 0

    def _held_after(self, k: int, high: int, by: str | None,
                    places: list[tuple[str | None, Match | None]]) -> list[Event]:
        """A withdrawal followed by "the place is under the control of Y" ("Ворога вибито з X,
        селище під контролем ЗСУ") also claims Y took it; followed by "the town is ours"
        ("орки драпанули з X, місто наше!"), the channel's side took it."""
        post, lex, words = self.post, self.lex, self.words
        stop = post.sentences[min(k + 1, len(post.sentences) - 1)][1]
        i = lex.control.find(words, high, stop)
        hit = None
        if i >= 0 and not any(lex.negation.length_at(words, j) for j in range(max(high, i - 2), i)):
            j = i + lex.control.length_at(words, i)
            hit = self._actor_at(j, lex.objects) if j < stop else None
        if hit is not None:
            taker, actor = self._actor(j, hit[1], hit[0], "in control after the other side left")
        else:
            i = lex.ours_now.find(words, high, stop)
            if i < 0:
                return []
            j = i + lex.ours_now.length_at(words, i)
            taker, actor = self._actor(i, j - i, "own", "the place is ours after the other side left")
        if taker is None or taker == by:
            return []
        held = post.original_match(i, j - 1, "capture: held after a withdrawal")
        return [Event("capture", place, taker, ASSERTED, (held, actor) + ((where,) if where is not None else ()))
                for place, where in places if place is not None]

    def _ours(self, h: int, k: int, mention: Mention) -> list[Event]:
        """"Торецк наш!": a capture by the channel's own side, said only as an exclamation
        right after the place's name; "Харьков — наш город" and a region ("Крым наш") claim nothing."""
        post, words = self.post, self.words
        before, settled = h - 1, False
        while before > h - 3 and before > 0 and (words[before] in _BETWEEN_OURS or words[before] in _DONE_OURS):
            settled = settled or words[before] in _DONE_OURS     # "Торецк фактически наш", "Kupiansk is ours!"
            before -= 1
        entry = post.place_of.get(before)
        if entry is None or entry[0] in self.regions or entry[1]:
            return []
        after = post.text[post.end(h):post.starts[h + 1] if h + 1 < len(post.words) else len(post.text)]
        if "," in after:
            # "Украинск — наш, флаги подняты над поссоветом 🇷🇺": the exclamation ends the sentence
            end = post.sentences[k][1]
            after = post.text[post.end(h):post.starts[end] if end < len(post.words) else len(post.text)]
        if "!" not in after and h + 1 != post.sentences[k][1] and not any(c >= "\U0001F000" for c in after) \
                and not settled:
            return []       # an emoji after it is an exclamation too: "Работино снова наше 🇷🇺"
        if self.lex.irrealis.find(self.words, post.sentences[k][0], before) >= 0:
            return []       # "Не надо писать «Красноармейск наш»", "Скоро будет Покровск наш!"
        by, actor = self._actor(h, 1, "own", "an exclamation after the place")
        where = post.original_match(entry[2], before, f"place {entry[0]}: taken")
        return [Event("capture", entry[0], by, ASSERTED, (mention.match, actor, where))]


#: a question about a claim answered by the next sentence opening with one of these denies it
_NO = frozenset({"нет", "ні", "no"})
#: a question opening with these after a claim asks whether it is true
_TRUE = frozenset({"правда", "true"})
_IS_IT = frozenset({"это", "це", "чи", "is", "неужели", "невже"})
#: a clause opened by one of these and a verb in its base form is an option, not news
_OR_AND = frozenset({"or", "and"})
#: past tenses of the English action verbs that do not end in "-ed"
_PAST = frozenset({"withdrew", "fled", "left", "fell", "took", "overran", "drove", "broke", "retook", "won", "lost",
                   "gave", "ran"})
#: after «пока», «поки», making it "for now", not "while"
_FOR_NOW = frozenset({"же", "что", "що"})
#: opening a clause that says what someone wants done ("demanded that …")
_THAT = frozenset({"that", "что", "чтобы", "що", "щоб", "щоби"})
#: before an English participle, words that make it describe the noun after it
_ARTICLES = frozenset({"a", "an", "the", "its", "their", "his", "her", "this", "these", "those"})


def _merge(events: list[Event]) -> tuple[Event, ...]:
    """One event per claim: an event whose actor or place is unknown is dropped when the
    post makes the same claim with them known."""
    if len(events) < 2:
        return tuple(events)
    by_key: dict[tuple, Event] = {}
    for e in events:
        key = (e.action, e.place, e.by, e.stance)
        if key in by_key:
            kept = by_key[key]
            by_key[key] = Event(*key, _union(kept.matches, e.matches))
        else:
            by_key[key] = e
    kept: list[Event] = []
    values = list(by_key.values())
    asserted = {(e.action, e.place) for e in values if e.stance == ASSERTED}
    for e in values:
        if e.stance == DENIED and (e.action, e.place) in asserted:
            continue    # "отходит с боями, но не бежит": the manner is denied, not the withdrawal
        if e.by is None and any(o.by is not None and (o.action, o.place, o.stance) == (e.action, e.place, e.stance)
                                for o in values):
            continue
        if e.place is None and any(o.place is not None and o.action == e.action and o.stance == e.stance
                                   and (o.by == e.by or e.by is None) for o in values):
            continue
        kept.append(e)
    return tuple(kept)


def _union(a: tuple[Match, ...], b: tuple[Match, ...]) -> tuple[Match, ...]:
    seen = {(m.start, m.end) for m in a}
    return a + tuple(m for m in b if (m.start, m.end) not in seen)


__all__ = ["ACTIONS", "find_events"]
