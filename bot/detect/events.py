"""Claims, not mentions: who withdrew from or took which place, asserted or denied.

Runs only on a post where the withdrawal or capture topic already matched, and reads only
the sentences around those words. Each action word is judged in its clause (the words
between clause marks: ; : — ( ) a comma, or a word such as "но", "що", "while" that opens
a new clause):

- Not news: a question; a plan, forecast, demand, hypothetical or opinion (a modal or
  conditional word before the verb in its clause, "я считаю" before it in its sentence,
  a future form); a generalisation; a past the post dates or recalls (a year that is not
  the report's own date, or "год назад", before the claim in its sentence or in the
  post's dateline; a memorial frame in the post's opening or around the claim; unless
  the clause says "today"); a clause that only sets the time or describes a noun ("когда
  ВСУ отступили...", "армия, которая отступает") when the main clause claims nothing (a
  noun there only names it: "когда оставили Лиман — назвали перегруппировкой"); war words
  in jest about civilian life ("админы отступают на дачу"); a noun named in passing
  ("после сдачи Херсона"). A noun ("отход", "withdrawal") or an infinitive counts only
  when it is denied, ordered, decided or reported as done or under way — so "наше
  отступление — позор" and "отступать некуда" are not claims, while "принято решение о
  перегруппировке" and "получили приказ отходить" are.
- Stance: a negation right before the verb, a denial word in the sentence ("фейк",
  "denies") outside the clauses of other claims, or a following sentence that opens
  with one ("Это ложь"). A denied manner ("отходит, но не бежит") leaves the claim asserted.
- By: the nearest actor word of the clause that is not after a preposition nor before a
  word of a source ("Russian channels"); "наши" and "противник" are resolved against the
  channel's side; with none, a liberation verb means the channel's side and an occupation
  verb the other; then an actor earlier in the same sentence ("Ukraine's commander says
  troops withdrew"; "Russia claims it captured X", but not who denies that X fell). Verbs
  of pushing out take their object ("выбили противника из", "Ворога вибито з"). A
  withdrawal followed by "the place is under Y's control" is Y's capture too. The other
  side's claim against the channel's side, answered by "we hold the place", is denied.
- Place: the places of the clause except destinations ("к Лисичанску"), places that only
  locate another ("Андреевка под Бахмутом", "Купянск Харьковской области") and axes; a
  noun's and an English active verb's place follows them (with none there, the one
  before: "Toretsk came under Russian control"); "в районе X" is X for a withdrawal, not
  for a capture. With none, the places of an earlier clause, of the two sentences before
  in the paragraph, or of the post's heading ("Бахмут: ..."), unless the clause names a
  place the gazetteer does not know.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from bot.detect.eventlex import EventLexicon, JoinedWords
from bot.detect.model import Event, Match, PlaceHit, TopicHit
from bot.detect.normalize import WORD, Normalized

ACTIONS = ("withdrawal", "capture")
ASSERTED, DENIED = "asserted", "denied"

# A full stop after these is an abbreviation, not a sentence end ("с. Іванівка", "Gen. Syrskyi").
_ABBREVIATION = re.compile(r"(?<![^\W\d_])(?:с|г|п|н|пос|смт|им|ул|вул|обл|р|т|е|mr|dr|st|vs|gen|lt|col|maj|sgt|u|s)$",
                           re.IGNORECASE)
# A post's opening this short is read whole: its heading ("Бахмут: ...") may name the place.
_HEADING_CHARS = 300
_REACH = 1200   # characters either side of an action word searched for sentence ends
_CONJUNCTIONS = frozenset({
    "а", "но", "однако", "зато", "пока", "когда", "хотя", "потому", "поскольку", "что", "чтобы", "который",
    "которая", "которые", "которое", "где", "але", "проте", "однак", "поки", "коли", "хоча", "бо", "що", "щоб",
    "який", "яка", "які", "яке", "де", "тоді", "but", "while", "as", "whereas", "although", "though", "when",
    "because", "that", "which", "who", "where", "after", "before", "until", "otherwise", "иначе", "інакше",
})
# Plain character classes: Python's regex engine scans them several times faster than
# alternations with look-arounds, and the few hits are sorted out in code.
# A sentence ends at a line break, or at stops (and closing quotes or brackets) before a space.
_END = re.compile(r"\n|[.!?…]+[\"»”)]*(?=\s|\Z)")
_MARK = re.compile(r"[;:()—–,-]")
_DIGITS = re.compile(r"\d\d\d\d")
_DAY_BEFORE = re.compile(r"\d{1,2}(?:[./]\d{1,2}[./]|\s+[^\W\d_]+\.?\s+)$")
# English names that are capitalised without naming a place
_CALENDAR = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                       "february", "march", "april", "may", "june", "july", "august", "september", "october",
                       "november", "december"})
_YEAR = re.compile(r"(?<!\d)(?:19[4-9]\d|20[0-4]\d)(?!\d)")
# Attributive participles ("по отступающим", "освобождённого посёлка", "жильё, оставленное на
# территории"): they qualify a noun and report nothing by themselves. Russian long passive
# forms have a double "н"; the short ones ("Херсон оставлен") are predicates and stay.
_PARTICIPLE = re.compile(r"(?:ющ|ущ|ащ|ящ|вш)"
                         r"(?:ий|ая|ее|ие|его|ей|ему|им|ими|их|ую|ое|ой|ые|ых|ыми|ого|ому|ої|ою|і|ій)$"
                         r"|нн(?:ый|ая|ое|ые|ого|ой|ому|ую|ых|ым|ыми)$")
_PARTICIPLE_START = re.compile(r"(?:ющ|ущ|ащ|ящ|вш)\w*$")
_INFINITIVE = ("ть", "ти", "чь", "ться", "тись", "тися")
_INFINITIVE_UK = ("ти", "тися", "тись")   # "-ть" ends the present tense too: "тікають", "відходить"
# English words that are nouns after a determiner and verbs after a subject.
_EN_VERB_NOUNS = frozenset({"retreat", "retreats", "capture", "captures", "fall", "falls", "exit", "exits"})
# "Dozens of Ukrainian soldiers": the side after "of" is the subject.
_QUANTITY = frozenset({"dozens", "hundreds", "thousands", "scores", "some", "many", "most", "remnants", "part",
                       "elements", "several"})
# Before a place taken, these say where the forces entered ("увійшли до Торецька"), not a destination.
_INTO = frozenset({"до", "into"})
_PRONOUNS = frozenset({"it", "they"})
_UNDER = frozenset({"под", "під", "under"})
_CONTROL = frozenset({"контролем", "control"})
_BE = frozenset({"is", "are", "was", "were", "been", "be", "being"})
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "this", "that", "another", "of",
                          "for", "about", "from", "after", "before", "on", "in", "by", "with", "without", "against"})


@dataclass(frozen=True, slots=True)
class _Mention:
    action: str
    start: int          # folded offset of the action word
    end: int
    match: Match


class _Post:
    """Words of one folded post with sentence and clause limits, built on demand."""

    def __init__(self, norm: Normalized, original: str, places: Sequence[PlaceHit],
                 mentions: Sequence[int]) -> None:
        self.norm = norm
        self.original = original
        text = norm.text
        self.text = text
        # Sentence ends of the whole post (one regex pass); words only for the sentences
        # around the action words, the one before and the one after, so that a long post
        # costs little more than a short one.
        positions = [0]        # sentence ends, and whether each sentence ends with "?"
        asks = [False]
        add_end, add_ask = positions.append, asks.append
        for low, high in _reach(mentions, len(text)):
            if low > positions[-1]:
                add_end(low)
                add_ask(False)
            for m in _END.finditer(text, low, high):
                pos, j = m.span()
                if j == pos + 1:
                    ch = text[pos]
                    if ch == "\n":
                        add_end(j)
                        add_ask(False)
                        continue
                    if ch == "." and _ABBREVIATION.search(text, max(0, pos - 6), pos):
                        continue
                    add_ask(ch == "?")
                else:
                    add_ask("?" in m.group())
                add_end(j)
            if high > positions[-1]:
                add_end(high)
                add_ask(False)
        windows: list[list[int]] = []
        last_end = len(positions) - 1
        for start in mentions:
            k = bisect_right(positions, start)            # sentence k spans positions[k-1]..positions[k]
            low = positions[k - 2] if k > 1 else 0
            high = positions[k + 1 if k < last_end else last_end]
            if low <= _HEADING_CHARS:
                low = 0
            if windows and low <= windows[-1][1]:
                if high > windows[-1][1]:
                    windows[-1][1] = high
            else:
                windows.append([low, high])
        self.heading = bool(windows) and windows[0][0] == 0
        found = list(WORD.finditer(text, *windows[0])) if len(windows) == 1 else \
            [m for low, high in windows for m in WORD.finditer(text, low, high)]
        # unbound methods mapped in C: no Python call per word
        self.words: list[str] = JoinedWords(list(map(re.Match.group, found)))
        self.starts: list[int] = list(map(re.Match.start, found))
        self.ends: list[int] = list(map(re.Match.end, found))
        # word indices after a year, after a clause mark (";", ":", a dash, a bracket), after a comma
        self.years: set[int] = set()
        self.marks: set[int] = set()
        self.commas: set[int] = set()
        starts = self.starts
        for low, high in windows:
            for m in _MARK.finditer(text, low, high):
                pos = m.start()
                ch = text[pos]
                if ch == ",":
                    self.commas.add(bisect_left(starts, pos))
                elif ch != "-" or (text[pos - 1:pos] == " " and text[pos + 1:pos + 2] == " "):
                    self.marks.add(bisect_left(starts, pos))
            if _DIGITS.search(text, low, high):
                # a year dates a past; the year of a full date ("20 ноября 2026", "21.11.2026")
                # is the day of the report
                self.years.update(bisect_left(starts, m.end()) for m in _YEAR.finditer(text, low, high)
                                  if not _DAY_BEFORE.search(text, max(0, m.start() - 24), m.start()))
        # sentences as word ranges; `question[k]` when sentence k ends with "?"
        self.sentences: list[tuple[int, int]] = []
        self.question: list[bool] = []
        self.paragraph_break: list[bool] = []   # a blank line (or a part not read) before sentence k
        starts = self.starts
        for w_low, w_high in windows:
            for n in range(max(1, bisect_right(positions, w_low)), len(positions)):
                a = positions[n - 1]
                if a >= w_high:
                    break
                low, high = bisect_left(starts, a), bisect_left(starts, positions[n])
                if high > low:
                    self.sentences.append((low, high))
                    self.question.append(asks[n])
                    self.paragraph_break.append(a == w_low and a > 0 or "\n\n" in text[a:starts[low]])
        self.sentence_starts = [s for s, _ in self.sentences]
        # places: for each word index, the place it belongs to
        self.place_of: dict[int, tuple[str, bool, int]] = {}
        deleted = [s + k for k, s in enumerate(norm.shifts)]
        for hit in places:
            for m in hit.matches:
                start = m.start - bisect_left(deleted, m.start)
                end = m.end - bisect_left(deleted, m.end)
                axis = "adjective" in m.rule and not hit.place_id.endswith("-oblast")
                first = bisect_left(self.starts, start)
                i = first
                while i < len(self.words) and self.starts[i] < end:
                    self.place_of[i] = (hit.place_id, axis, first)
                    i += 1
        self._clauses: dict[int, list[tuple[int, int]]] = {}

    def sentence_of(self, i: int) -> int:
        return bisect_right(self.sentence_starts, i) - 1

    def between(self, i: int) -> str:
        """The characters between word i-1 and word i."""
        return self.text[self.ends[i - 1]:self.starts[i]] if i > 0 else self.text[:self.starts[0]]

    def clauses(self, k: int) -> list[tuple[int, int]]:
        cached = self._clauses.get(k)
        if cached is not None:
            return cached
        low, high = self.sentences[k]
        out: list[tuple[int, int]] = []
        start = low
        words, marks, commas, place_of = self.words, self.marks, self.commas, self.place_of
        for i in range(low + 1, high):
            split = i in marks or words[i] in _CONJUNCTIONS
            if not split and i in commas:
                split = not (i - 1 in place_of and i in place_of)
            if split:
                out.append((start, i))
                start = i
        out.append((start, high))
        self._clauses[k] = out
        return out

    def clause_of(self, i: int) -> tuple[int, int]:
        for low, high in self.clauses(self.sentence_of(i)):
            if low <= i < high:
                return low, high
        raise ValueError(i)

    def ends_with_colon(self, clause: tuple[int, int]) -> bool:
        high = clause[1]
        return high < len(self.words) and ":" in self.between(high)

    def capitalised(self, i: int) -> bool:
        pos = self.norm.to_original(self.starts[i])
        return pos < len(self.original) and self.original[pos].isupper()

    def original_match(self, first: int, last: int, rule: str) -> Match:
        a, b = self.norm.original_span(self.starts[first], self.ends[last])
        return Match(a, b, self.original[a:b], rule)


def _reach(mentions: Sequence[int], size: int) -> list[tuple[int, int]]:
    """Stretches of text around the action words in which sentence ends are looked for:
    wide enough for the sentence before and the sentence after."""
    out: list[tuple[int, int]] = []
    for start in mentions:
        low, high = max(0, start - _REACH), min(size, start + _REACH)
        if low <= _HEADING_CHARS:
            low = 0
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


def find_events(lex: EventLexicon, norm: Normalized, original: str, places: Sequence[PlaceHit],
                topics: Sequence[TopicHit], side: str | None, language: str,
                regions: frozenset[str] = frozenset()) -> tuple[Event, ...]:
    mentions = _mentions(norm, topics)
    if not mentions:
        return ()
    post = _Post(norm, original, places, [m.start for m in mentions])
    if not post.words:
        return ()
    judge = _Judge(lex, post, side, language, regions, mentions)
    events: list[Event] = []
    for mention in mentions:
        events += judge.events(mention)
    return _merge(events)


def _mentions(norm: Normalized, topics: Sequence[TopicHit]) -> list[_Mention]:
    deleted = [s + k for k, s in enumerate(norm.shifts)]
    out: list[_Mention] = []
    for hit in topics:
        if hit.topic_id not in ACTIONS:
            continue
        for m in hit.matches:
            start = m.start - bisect_left(deleted, m.start)
            end = m.end - bisect_left(deleted, m.end)
            out.append(_Mention(hit.topic_id, start, end, m))
    out.sort(key=lambda x: x.start)
    return out


class _Judge:
    def __init__(self, lex: EventLexicon, post: _Post, side: str | None, language: str,
                 regions: frozenset[str], mentions: Sequence[_Mention]) -> None:
        self.lex = lex
        self.mentions = mentions
        self.regions = regions
        self.language = language
        self.post = post
        self.side = side if side in ("ru", "ua") else None
        self.words = post.words
        self._frame: bool | None = None
        self._capture = False     # the action word being judged is a capture's

    # --- one action word ------------------------------------------------------------

    def events(self, mention: _Mention) -> list[Event]:
        post, words, lex = self.post, self.words, self.lex
        h = bisect_left(post.starts, mention.start)
        if h >= len(words) or post.starts[h] != mention.start:
            return []
        last = max(h, bisect_left(post.starts, mention.end) - 1)
        k = post.sentence_of(h)
        if post.question[k]:
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
        if head.isascii() and head in lex.occupation and h > low and words[h - 1] in _DETERMINERS:
            return []
        if lex.irrealis.find(words, low, h) >= 0 or lex.generic.find(words, low, high) >= 0 \
                or lex.not_war.find(words, low, high) >= 0 \
                or lex.opinion.find(words, s_low, h) >= 0:
            return []
        if lex.subordinate.length_at(words, low) and not self._main_claim(k, low, high):
            return []
        if self._background(h, k, low, high, form):
            return []
        if form == "noun" and mention.action == "withdrawal" and lex.copula.find(words, max(low, h - 3), h) >= 0:
            return []    # what to call it; "это не «падение Купянска»" denies a capture
        matches = [mention.match]
        stance, cue = self._stance(h, k, low, form)
        if cue is not None:
            matches.append(cue)
        if form in ("noun", "infinitive") and stance == ASSERTED:
            if not self._announced(h, last, low, high, form):
                return []
        action = mention.action
        passive = lex.expelled.length_at(words, h) > 0 or (h > low and lex.expelled.length_at(words, h - 1) > 1)
        expelling = lex.expel.length_at(words, h) > 0 and not passive
        if expelling:
            action = "withdrawal"
        by, actor = self._expelled_object(h, low, high) if passive else (None, None)
        if actor is None:
            by, actor = self._by(h, last, low, high, k, head, expelling, form, action)
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

    def _ours(self, h: int, k: int, mention: _Mention) -> list[Event]:
        """"Торецк наш!": a capture by the channel's own side, said only as an exclamation
        right after the place's name; "Харьков — наш город" and a region ("Крым наш") claim nothing."""
        post = self.post
        before = h - 2 if h > 1 and self.words[h - 1] in ("is", "are") else h - 1     # "Kupiansk is ours!"
        entry = post.place_of.get(before)
        if entry is None or entry[0] in self.regions or entry[1]:
            return []
        after = post.text[post.ends[h]:post.starts[h + 1] if h + 1 < len(post.words) else len(post.text)]
        if "!" not in after and h + 1 != post.sentences[k][1]:
            return []
        by, actor = self._actor(h, 1, "own", "an exclamation after the place")
        where = post.original_match(entry[2], before, f"place {entry[0]}: taken")
        return [Event("capture", entry[0], by, ASSERTED, (mention.match, actor, where))]

    def _mentions_in(self, low: int, high: int) -> bool:
        starts = self.post.starts
        return any(low <= bisect_left(starts, m.start) < high for m in self.mentions)

    def _main_claim(self, k: int, low: int, high: int) -> bool:
        """Whether an action word of the sentence stands outside the clause low..high, in a
        clause that is not itself subordinate."""
        post, lex = self.post, self.lex
        s_low, s_high = post.sentences[k]
        for m in self.mentions:
            i = bisect_left(post.starts, m.start)
            if s_low <= i < s_high and not low <= i < high:
                c_low, _ = post.clause_of(i)
                # a noun there only names what the clause is about ("назвали перегруппировкой")
                if not lex.subordinate.length_at(self.words, c_low) and self._form(i, c_low) != "noun":
                    return True
        return False

    def _form(self, h: int, low: int) -> str:
        head = self.words[h]
        before = self.words[h - 1] if h > low else ""
        if head.isascii():
            if before == "to":
                return "infinitive"
            if head in self.lex.nouns:
                if head in _EN_VERB_NOUNS and before and before not in _DETERMINERS:
                    return "finite"
                return "noun"
            if head.endswith("ing") and (before in _DETERMINERS or h == self.post.sentences[
                    self.post.sentence_of(h)][0]):
                return "noun"
            return "finite"
        if head in self.lex.nouns:
            return "noun"
        if _PARTICIPLE.search(head):
            return "participle"
        if head.endswith(_INFINITIVE_UK if self.language == "uk" else _INFINITIVE):
            return "infinitive"
        return "finite"

    def _background(self, h: int, k: int, low: int, high: int, form: str) -> bool:
        post, lex, words = self.post, self.lex, self.words
        if lex.now.find(words, low, high) >= 0:
            return False
        if form == "noun" and h > low and lex.background_before.length_at(words, h - 1):
            return True
        if form == "noun" and h > low + 1 and lex.background_before.length_at(words, h - 2) == 1 \
                and words[h - 1] not in lex.nouns:
            return True
        s_low, _ = post.sentences[k]
        ranges = [(s_low, high)]    # "Тогда, как говорят в прокуратуре, ВСУ отступили"
        first = post.clauses(0)[0]
        if post.heading and (post.ends_with_colon(first)
                             or (len(post.sentences) > 1 and first == (0, post.sentences[0][1]))):
            ranges.append(first)
        for a, b in ranges:
            if lex.background.find(words, a, b) >= 0 or (post.years and any(a <= i <= b for i in post.years)):
                return True
        return self._post_frame()

    def _post_frame(self) -> bool:
        if self._frame is None:
            # the opening of the post and the sentences read around its claims: a memorial
            # or a look back announces itself there
            words = self.words
            self._frame = self.lex.background_frame.find(words, 0, len(words)) >= 0 or (
                not self.post.heading and self.lex.background_frame.in_text(self.post.text[:_HEADING_CHARS]))
        return self._frame

    def _stance(self, h: int, k: int, low: int, form: str) -> tuple[str, Match | None]:
        post, lex, words = self.post, self.lex, self.words
        for back in (1, 2, 3):
            i = h - back
            if i < low:
                break
            n = lex.negation.length_at(words, i)
            if n and i + n <= h:
                return DENIED, post.original_match(i, i + n - 1, "stance denied: negation")
        s_low, s_high = post.sentences[k]
        i = lex.denial.find(words, s_low, s_high)
        while i >= 0:
            # a denial in a clause that holds another action word is about that one
            c_low, c_high = post.clause_of(i)
            if (c_low <= h < c_high) or not self._mentions_in(c_low, c_high):
                n = lex.denial.length_at(words, i)
                return DENIED, post.original_match(i, i + n - 1, "stance denied: called false in the sentence")
            i = lex.denial.find(words, c_high, s_high)
        if k + 1 < len(post.sentences):
            n_low, n_high = post.sentences[k + 1]
            for i in range(n_low, min(n_low + 2, n_high)):
                n = lex.denial_next.length_at(words, i)
                if n:
                    return DENIED, post.original_match(i, i + n - 1, "stance denied: the next sentence denies it")
        return ASSERTED, None

    def _held_against(self, h: int, k: int, low: int, action: str, by: str | None) -> Match | None:
        """The other side's claim against the channel's side, answered in the post by "we hold
        it" ("Росіяни пишуть, що ЗСУ вийшли з X. Місто тримаємо"): the post denies it."""
        post, lex, words = self.post, self.lex, self.words
        if self.side is None or (by is not None and (by == self.side) != (action == "withdrawal")):
            return None
        other = "ru" if self.side == "ua" else "ua"
        s_low, s_high = post.sentences[k]
        speakers = [i for i in range(s_low, low) if words[i] in lex.actor_starts or any(
            table.length_at(words, i) for table in lex.objects.values())]
        if not any(self._resolve(side) == other for i in speakers
                   for side, _ in filter(None, (self._actor_at(i, lex.actors), self._actor_at(i, lex.objects)))):
            return None
        end = post.sentences[min(k + 2, len(post.sentences) - 1)][1]
        i = lex.held.find(words, h + 1, end)
        if i < 0:
            return None
        n = lex.held.length_at(words, i)
        return post.original_match(i, i + n - 1, "stance denied: the post holds what the other side claims")

    def _announced(self, h: int, last: int, low: int, high: int, form: str) -> bool:
        """An infinitive or a noun that is ordered, decided, or reported done or under way."""
        lex, words = self.lex, self.words
        if lex.order.find(words, max(low, h - 6), h) >= 0:
            return True
        if form == "noun":
            if lex.report.find(words, max(low, h - 6), h) >= 0:
                return True
            if lex.report_after.find(words, last + 1, high) >= 0:
                return True
        return False

    # --- who ------------------------------------------------------------------------

    def _actor_at(self, i: int, table: dict) -> tuple[str, int] | None:
        for side, phrases in table.items():
            n = phrases.length_at(self.words, i)
            if n:
                return side, n
        return None

    def _channel(self) -> str:
        return f"channel {self.side}" if self.side else "a channel of no side"

    def _actor(self, i: int, n: int, side: str, role: str) -> tuple[str | None, Match]:
        by = self._resolve(side)
        if side == "own":
            how = f"our side, {self._channel()}"
        elif side == "enemy":
            how = f"the other side, {self._channel()}"
        else:
            how = "actor word"
        return by, self.post.original_match(i, i + n - 1, f"by {by or '-'}: {how} ({role})")

    def _resolve(self, side: str) -> str | None:
        if side in ("ua", "ru"):
            return side
        if self.side is None:
            return None
        if side == "own":
            return self.side
        return "ru" if self.side == "ua" else "ua"

    def _subjects(self, low: int, high: int, skip: tuple[int, int],
                  speakers: bool = False) -> list[tuple[int, int, str]]:
        lex, words = self.lex, self.words
        found: list[tuple[int, int, str]] = []
        if low >= high or not lex.actor_starts.any_in(words[low:high]):
            return found
        starts = lex.actor_starts
        i = low
        while i < high:
            if skip[0] <= i <= skip[1] or words[i] not in starts:
                i += 1
                continue
            hit = self._actor_at(i, lex.actors)
            if hit is None:
                i += 1
                continue
            side, n = hit
            after = i + n
            if i > low and (lex.not_after.length_at(words, i - 1) and not (
                    words[i - 1] == "of" and i - 1 > low and words[i - 2] in _QUANTITY)
                            or lex.expel.length_at(words, i - 1)):
                i = after     # after a preposition, or the one pushed out ("выбили ВСУ из X и вошли")
                continue
            if not speakers and any(words[j] in lex.source for j in range(after, min(after + 2, high))) \
                    or (after < len(words) and words[after] in lex.emblem):
                i = after
                continue
            found.append((i, after - 1, side))
            i = after
        return found

    def _expelled_object(self, h: int, low: int, high: int) -> tuple[str | None, Match | None]:
        """The object of an impersonal passive of pushing out withdrew ("Ворога вибито з X")."""
        for i in (h - 1, h - 2, h + 1):
            if low <= i < high and i != h:
                hit = self._actor_at(i, self.lex.objects)
                if hit is not None and not (i > low and self.lex.not_after.length_at(self.words, i - 1)):
                    return self._actor(i, hit[1], hit[0], "pushed out")
        return None, None

    def _by(self, h: int, last: int, low: int, high: int, k: int, head: str,
            expelling: bool, form: str, action: str) -> tuple[str | None, Match | None]:
        post, lex = self.post, self.lex
        if expelling:
            for i in range(h + 1, min(high, last + 5)):
                hit = self._actor_at(i, lex.objects)
                if hit is not None:
                    side, n = hit
                    return self._actor(i, n, side, "pushed out")
            if not head.isascii():
                # the object first, no subject: "Противника выбили из X", "Окупантів вибили з X"
                for i in (h - 1, h - 2):
                    hit = self._actor_at(i, lex.objects) if i >= low else None
                    if hit is not None and not (i > low and lex.not_after.length_at(self.words, i - 1)) \
                            and not self._subjects(low, h, (h, h)):
                        return self._actor(i, hit[1], hit[0], "pushed out")
            return None, None
        if form == "noun":
            for i in (*range(h + 1, min(high, last + 4)), *range(h - 1, max(low, h - 4) - 1, -1)):
                hit = self._actor_at(i, lex.objects)
                if hit is not None and not lex.not_after.length_at(self.words, i - 1) \
                        and not (i + hit[1] < len(self.words) and self.words[i + hit[1]] in lex.source):
                    side, n = hit
                    return self._actor(i, n, side, "whose action the noun names")
            if lex.observe.find(self.words, low, h) >= 0:
                return None, None
        if head in lex.fall and last + 2 < high and self.words[last + 1] == "to":
            j = last + 3 if self.words[last + 2] == "the" and last + 3 < high else last + 2
            hit = self._actor_at(j, lex.actors)      # "Vuhledar has fallen to (the) Russian forces"
            if hit is not None:
                return self._actor(j, hit[1], hit[0], "to whom the place fell")
        if action == "capture":
            i = lex.control.find(self.words, low, high)
            if i >= 0:
                j = i + lex.control.length_at(self.words, i)
                hit = self._actor_at(j, lex.objects) if j < high else None
                if hit is not None:
                    return self._actor(j, hit[1], hit[0], "in control")
            for j in range(low + 1, high - 1):
                # "под нашим контролем", "під українським контролем"
                if self.words[j + 1] in _CONTROL and self.words[j - 1] in _UNDER:
                    hit = self._actor_at(j, lex.objects)
                    if hit is not None:
                        return self._actor(j, hit[1], hit[0], "in control")
        # "Russia claims it captured X": the pronoun is the one who claims
        pronoun = any(self.words[i] in _PRONOUNS for i in (h - 1, h - 2) if i >= low)
        admitted = action == "withdrawal" and lex.admit.find(self.words, post.sentences[k][0], h) >= 0
        subjects = self._subjects(low, h if head.isascii() else high, (h, h), speakers=pronoun or admitted)
        if subjects:
            first, end, side = min(subjects, key=lambda s: (min(abs(s[0] - h), abs(s[1] - h)), s[0] > h))
            return self._actor(first, end - first + 1, side, "subject")
        if head in lex.liberation:
            return self.side, post.original_match(h, h, f"by {self.side or '-'}: a liberation verb means the "
                                                     f"channel's side ({self._channel()})")
        if head in lex.occupation:
            other = None if self.side is None else ("ru" if self.side == "ua" else "ua")
            return other, post.original_match(h, h, f"by {other or '-'}: an occupation verb means the other side "
                                                    f"({self._channel()})")
        s_low, _ = post.sentences[k]
        # "Російські пропагандисти брешуть, що взяли X": who lies claimed it
        lying = lex.lie.find(self.words, s_low, low) >= 0
        earlier = self._subjects(s_low, low, (-1, -1), speakers=pronoun or admitted or lying)
        if earlier:
            first, end, side = earlier[-1]
            if action == "capture" and not lying and lex.denial.find(self.words, end + 1, low) >= 0:
                return None, None     # "Kyiv denies that X has fallen": who denies did not take it
            return self._actor(first, end - first + 1, side, "speaking earlier in the sentence")
        return None, None

    # --- where ----------------------------------------------------------------------

    def _eligible(self, low: int, high: int) -> tuple[list[tuple[str, int, int]], bool]:
        """The places of words low..high that can be the place left or taken, and whether a
        place there was only the surroundings of the action ("окрестности Соледара")."""
        post, lex, words = self.post, self.lex, self.words
        out: list[tuple[str, int, int]] = []
        around = False
        i = low
        while i < high:
            entry = post.place_of.get(i)
            if entry is None or entry[2] != i:
                i += 1
                continue
            place_id, axis, _ = entry
            j = i
            while j + 1 < high and post.place_of.get(j + 1, (None, False, -1))[2] == i:
                j += 1
            if any(lex.vicinity.length_at(words, i - n) for n in (1, 2) if i - n >= low):
                around = True
            elif self._capture and any(lex.area.length_at(words, i - n) for n in (1, 2) if i - n >= low):
                pass    # "улучшили положение в районе X" takes no X; "в районе X наши отошли" leaves it
            elif not axis and not self._destination(i, low) and not self._locates(i, low) \
                    and all(place_id != o[0] for o in out):
                out.append((place_id, i, j))
            i = j + 1
        return out, around

    def _destination(self, i: int, low: int) -> bool:
        """A place after "к", "toward", "в сторону", up to a few words back with no "из" between."""
        lex, words = self.lex, self.words
        for j in range(i - 1, max(low, i - 6) - 1, -1):
            n = lex.destination.length_at(words, j)
            if n and j + n <= i and not (self._capture and words[j] in _INTO):
                return True
            if lex.source_preps.length_at(words, j) or (j in self.post.place_of and j < i - 1
                                                        and self.post.place_of[j][2] != self.post.place_of.get(
                                                            i, ("", False, -1))[2]):
                return False
        return False

    def _locates(self, i: int, low: int) -> bool:
        """A place that only says where the name before it lies."""
        post, lex, words = self.post, self.lex, self.words
        if post.place_of.get(i, ("",))[0] in self.regions and i > low and (
                (i - 1 in post.place_of and post.place_of[i - 1][2] != i)
                or (post.capitalised(i - 1) and i - 1 > post.sentences[post.sentence_of(i)][0])):
            return True     # "Купянск Харьковской области", "н.п. Романовка Донецкой области"
        for n in (1, 2, 3):
            j = i - n
            if j <= low:
                return False
            outside = lex.near.length_at(words, j)
            inside = lex.within.length_at(words, j)
            if outside or inside:
                before = j - 1
                while before > low and words[before] in ("the", "a"):
                    before -= 1
                if before in post.place_of:
                    return True
                # after a name we do not know: "под X" lies outside it, "в X" contains it, and
                # only a region is too large to be the place itself ("Ильинка в Донбассе")
                return post.capitalised(before) and (bool(outside) or post.place_of.get(i, ("",))[0] in self.regions)
            if words[j] not in ("the", "a"):
                return False
        return False

    def _named(self, low: int, high: int) -> bool:
        """Whether the clause names something the gazetteer does not know (a capitalised word
        that does not open the sentence): a village, most likely."""
        post = self.post
        s_low = post.sentences[post.sentence_of(low)][0]
        return any(post.capitalised(i) and i not in post.place_of
                   and (i > s_low or bool(self.lex.near.length_at(self.words, i + 1)))
                   for i in range(low, min(high, len(self.words) - 1)))

    def _unknown_name(self, low: int, high: int, h: int) -> bool:
        """A capitalised word after a preposition of place that no place matched: the
        clause names a place we do not know, so no other place may stand in for it."""
        post, lex, words = self.post, self.lex, self.words
        for i in range(low + 1, high):
            if i == h or i in post.place_of or not post.capitalised(i) or words[i] in _CALENDAR \
                    or words[i] in lex.actor_starts:
                continue
            if lex.source_preps.length_at(words, i - 1) or lex.near.length_at(words, i - 1) \
                    or lex.within.length_at(words, i - 1):
                return True
        return False

    def _places(self, h: int, last: int, low: int, high: int, k: int, head: str, action: str,
                form: str) -> list[tuple[str | None, Match | None]] | None:
        found = self._place_words(h, last, low, high, k, head, action, form)
        if found is None:
            return None
        if not found:
            return [(None, None)]
        how = "left or taken" if low <= found[0][1] < high else "named before"
        return [(pid, self.post.original_match(i, j, f"place {pid}: {how}")) for pid, i, j in found]

    def _place_words(self, h: int, last: int, low: int, high: int, k: int, head: str, action: str,
                     form: str) -> list[tuple[str, int, int]] | None:
        post, lex, words = self.post, self.lex, self.words
        if action == "capture" and head in lex.fall:
            beside = [i for i in (h - 1, h - 2, last + 1) if i in post.place_of]
            if not beside or (h - 1 not in post.place_of and last + 1 not in post.place_of
                              and words[h - 1] not in ("has", "had", "have")):
                return None
            first = post.place_of[beside[0]][2]
            return [(post.place_of[beside[0]][0], first, max(beside[0], first))]
        # a noun's place is its complement after it ("отход из X", "capture of X"); so is an
        # English active verb's ("Kyiv said its troops left Vuhledar"), not a passive's
        after = form == "noun" or (head.isascii() and not any(words[j] in _BE for j in range(max(low, h - 2), h)))
        own, around = self._eligible(h + 1 if after else low, high)
        if after and not own and not around and form != "noun":
            own, around = self._eligible(low, h)     # the subject: "Toretsk came under Russian control"
        if own:
            return own
        if around:
            return None if self._capture else []    # "отступил с подступов к X" left no named place
        if self._unknown_name(low, high, h):
            return []
        clauses = post.clauses(k)
        following = [c for c in clauses if c[0] == high]
        if following and _PARTICIPLE_START.search(words[high]):
            found, _ = self._eligible(*following[0])
            if found:
                return found
        for clause in reversed(clauses):
            if clause[1] <= low:
                found, _ = self._eligible(*clause)
                if found:
                    return found
        back = k
        while back > 0 and back > k - 2 and not post.paragraph_break[back]:
            back -= 1
            for clause in reversed(post.clauses(back)):
                found, _ = self._eligible(*clause)
                if found:
                    return found
        first = post.clauses(0)[0]
        short_first = first == (0, post.sentences[0][1]) and first[1] <= 4
        if k > 0 and post.heading and (post.ends_with_colon(first) or short_first):
            found, _ = self._eligible(*first)
            if found:
                return found
        return []


def _merge(events: list[Event]) -> tuple[Event, ...]:
    """One event per claim: an event whose actor or place is unknown is dropped when the
    post makes the same claim with them known."""
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
