"""Whether an action word is news, and whether the post asserts or denies it.

Not news: a question; a plan, forecast, demand, hypothetical or opinion (a modal or
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

Stance: a negation right before the verb, a denial word in the sentence ("фейк",
"denies") outside the clauses of other claims, or a following sentence that opens
with one ("Это ложь") or, making no claim of its own, denies "this" ("The brigade denied
this on Friday"). A denied manner ("отходит, но не бежит") leaves the claim asserted.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from bot.detect.eventlex import EventLexicon, JoinedWords
from bot.detect.event_post import HEADING_CHARS, Mention, Post
from bot.detect.model import Match

ASSERTED, DENIED = "asserted", "denied"

# Attributive participles ("по отступающим", "освобождённого посёлка", "жильё, оставленное на
# территории"): they qualify a noun and report nothing by themselves. Russian long passive
# forms have a double "н"; the short ones ("Херсон оставлен") are predicates and stay.
_AGO = frozenset({"ago", "назад", "тому"})
_LINKS = frozenset({"and", "but", "и", "а", "но", "і", "й", "та", "але", "однак", "однако", "while", "then", "потом",
                    "затем", "потім"})
_PARTICIPLE = re.compile(r"(?:ющ|ущ|ащ|ящ|вш)"
                         r"(?:ий|ая|ее|ие|его|ей|ему|им|ими|их|ую|ое|ой|ые|ых|ыми|ого|ому|ої|ою|і|ій)$"
                         r"|нн(?:ый|ая|ое|ые|ого|ой|ому|ую|ых|ым|ыми)$")
_INFINITIVE = ("ть", "ти", "чь", "ться", "тись", "тися")
_INFINITIVE_UK = ("ти", "тися", "тись")   # "-ть" ends the present tense too: "тікають", "відходить"
# English words that are nouns after a determiner and verbs after a subject.
_EN_VERB_NOUNS = frozenset({"retreat", "retreats", "capture", "captures", "fall", "falls", "exit", "exits"})
DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "this", "that", "another", "of",
                          "for", "about", "from", "after", "before", "on", "in", "by", "with", "without", "against"})


_NONE = frozenset({"нет", "немає", "нема"})
_NO = frozenset({"ні", "нет", "no", "nope"})     # answering a rumour: "…«наші здали Покровськ». Ні, не здали"
# Quotation marks: guillemets, curly and straight quotes
_QUOTE_PAIRS = (("«", "»"), ("“", "”"), ("„", "“"))
_OPENING = frozenset(o for o, _ in _QUOTE_PAIRS) | {'"', "'"}
_CLOSING = frozenset(c for _, c in _QUOTE_PAIRS) | {'"', "'"}
_SINGLE_QUOTED = re.compile(r"(?<![^\W\d_])'(?=[^\W\d_])[^']*[^\s']'(?![^\W\d_])")
_HELD_PLACE = frozenset({"місто", "город", "село", "поселок", "посёлок", "селище", "контролем", "control", "втрачено",
                         "втрачене", "втрачений", "втрачена", "потерян", "потеряно", "потеряна", "lost", "held"})

class Stance:
    """The judge's tests of news (not a plan, a past or an opinion) and of stance."""

    lex: EventLexicon
    post: Post
    words: JoinedWords
    side: str | None
    mentions: Sequence[Mention]
    language: str
    _frame: bool | None
    _dateline: bool | None

    def _form(self, h: int, low: int) -> str:
        """How the action word reads: a noun, a participle, an infinitive or a finite verb."""
        head = self.words[h]
        before = self.words[h - 1] if h > low else ""
        if head.isascii():
            if h + 1 < len(self.words) and self.post.between(h + 1) == "-" \
                    and f"{head}-{self.words[h + 1]}" in self.lex.nouns:
                return "noun"     # "a Ukrainian pull-back is possible"
            if before == "to":
                return "infinitive"
            if head in self.lex.nouns:
                if head in _EN_VERB_NOUNS and before and before not in DETERMINERS:
                    return "finite"
                return "noun"
            if head.endswith("ing") and (before in DETERMINERS or h == self.post.sentences[
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

    def _mentions_in(self, low: int, high: int) -> bool:
        starts = self.post.starts
        return any(low <= bisect_left(starts, m.start) < high for m in self.mentions)

    def _negated_echo(self, low: int, high: int) -> int | None:
        """The negation before the action words of words low..high when every one of them
        is negated ("Ні, не здали"), else None."""
        starts, lex, words = self.post.starts, self.lex, self.words
        found = None
        for m in self.mentions:
            i = bisect_left(starts, m.start)
            if low <= i < high:
                if i == low or lex.negation.length_at(words, i - 1) != 1:
                    return None
                found = i - 1 if found is None else found
        return found

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

    def _background(self, h: int, k: int, low: int, high: int, form: str) -> bool:
        post, lex, words = self.post, self.lex, self.words
        now = lex.now.find(words, low, high)
        if now >= 0 and not (_AGO.intersection(words[max(0, now - 1):now]) or _AGO.intersection(words[now + 1:now + 3])):
            return False    # news now; not "two years ago today", "сегодня год назад"
        if form == "noun" and h > low and lex.background_before.length_at(words, h - 1):
            return True
        if form == "noun" and h > low + 1 and lex.background_before.length_at(words, h - 2) == 2:
            return True     # "бои за освобождение"
        if form == "noun" and h > low + 1 and lex.background_before.length_at(words, h - 2) == 1 \
                and words[h - 1] not in lex.nouns:
            return True
        s_low, _ = post.sentences[k]
        # "Тогда, как говорят в прокуратуре, ВСУ отступили"; but "recalled the 2022 retreat,
        # and claimed that Russian forces entered Kupiansk" reports news after the recalled past
        cue = lex.background.find(words, s_low, high)
        years = [i for i in post.years if s_low <= i <= high] if post.years else []
        if cue >= 0 or years:
            last_cue = max(years) if years else cue
            while cue >= 0:
                last_cue = max(last_cue, cue)
                cue = lex.background.find(words, cue + 1, high)
            report = lex.report.find(words, last_cue + 1, h) if last_cue < low else -1
            # news after the recalled past ("recalled the 2022 retreat, and claimed that ..."),
            # not a report the cue dates ("Two years ago today, Russia announced it had taken X")
            if report < 0 or not _LINKS.intersection(words[last_cue + 1:report]):
                return True
        return self._dated_heading() or (self._post_frame() and not self._moved_to_now(k)) or self._continues_past(k)

    def _moved_to_now(self, k: int) -> bool:
        """Whether the post has come to the present by sentence k ("Год назад мы стояли под
        Авдеевкой... Сегодня наши зашли в Покровск... Противник отходит"): a look back that
        opens a post frames only what comes before its news."""
        post = self.post
        return self.lex.now.find(self.words, post.sentences[max(0, k - 2)][0], post.sentences[k][1]) >= 0

    def _continues_past(self, k: int) -> bool:
        """A sentence that names no place of its own goes on with the one before it in the
        same paragraph; when that one recalls or dates a past, so does this one ("Нагадаю, у
        травні 2024 року росіяни обіцяли взяти Харків за тиждень. Не взяли.")."""
        post, lex, words = self.post, self.lex, self.words
        if k == 0 or post.paragraph_break[k]:
            return False
        s_low, s_high = post.sentences[k]
        i = bisect_left(post.place_starts, s_low)
        if i < len(post.place_starts) and post.place_starts[i] < s_high or lex.now.find(words, s_low, s_high) >= 0:
            return False
        p_low, p_high = post.sentences[k - 1]
        if lex.now.find(words, p_low, p_high) >= 0:
            return False
        return lex.background.find(words, p_low, p_high) >= 0 or any(p_low <= i <= p_high for i in post.years)

    def _dated_heading(self) -> bool:
        """Whether the post's heading or dateline ("Бахмут, 2023:") sets its claims in the
        past; the same for every action word of the post, so it is read once."""
        if self._dateline is None:
            post = self.post
            self._dateline = False
            if post.heading:
                first = post.clauses(0)[0]
                a, b = first
                self._dateline = (post.ends_with_colon(first)
                                  or (len(post.sentences) > 1 and first == (0, post.sentences[0][1]))) \
                    and (self.lex.background.find(self.words, a, b) >= 0
                         or (bool(post.years) and any(a <= i <= b for i in post.years)))
        return self._dateline

    def _post_frame(self) -> bool:
        if self._frame is None:
            # the opening of the post and the sentences read around its claims: a memorial
            # or a look back announces itself there
            words = self.words
            self._frame = self._framing_sentence() or (
                not self.post.heading and self.lex.background_frame.in_text(self.post.text[:HEADING_CHARS]))
        return self._frame

    def _framing_sentence(self) -> bool:
        """Whether a look back frames the post: a sentence with a frame word that opens the
        post's talk of action ("11 листопада — день звільнення Херсона"), or comes later but
        names no place and holds no action word of its own ("Сьогодні, через три роки,
        місто живе..."); a later one that does ("Год назад за эту же Боровую мы бились")
        dates only itself."""
        post, frame, words = self.post, self.lex.background_frame, self.words
        first = bisect_left(post.starts, self.mentions[0].start)
        i = frame.find(words, 0, len(words))
        while i >= 0:
            low, high = post.sentences[post.sentence_of(i)]
            n = bisect_left(post.place_starts, low)
            if low <= first or not (n < len(post.place_starts) and post.place_starts[n] < high) \
                    and not self._mentions_in(low, high):
                return True
            i = frame.find(words, high, len(words))
        return False

    def _stance(self, h: int, k: int, low: int, form: str) -> tuple[str, Match | None]:
        post, lex, words = self.post, self.lex, self.words
        if not lex.negation.absent(words, max(low, h - 3), h):
            for back in (1, 2, 3):
                i = h - back
                if i < low:
                    break
                n = lex.negation.length_at(words, i)
                if n and i + n <= h:
                    return DENIED, post.original_match(i, i + n - 1, "stance denied: negation")
        if form == "noun":
            # "Виходу з міста немає", "отхода из Купянска нет": there is none
            c_high = post.clause_of(h)[1]
            for i in range(h + 1, min(c_high, h + 6)):
                if words[i] in _NONE:
                    return DENIED, post.original_match(i, i, "stance denied: there is none")
        s_low, s_high = post.sentences[k]
        i = lex.denial.find(words, s_low, s_high)
        while i >= 0:
            # a denial in a clause that holds another action word is about that one
            c_low, c_high = post.clause_of(i)
            # "X withdrew, but denied claims that Y was seized": a denial before another
            # action word is about that one, not one earlier in the sentence
            if (c_low <= h < c_high) or not self._mentions_in(c_low, c_high) and not (
                    h < c_low and self._mentions_in(c_high, s_high)):
                n = lex.denial.length_at(words, i)
                return DENIED, post.original_match(i, i + n - 1, "stance denied: called false in the sentence")
            i = lex.denial.find(words, c_high, s_high)
        if lex.hearsay.find(words, s_low, s_high) >= 0:
            i = lex.unconfirmed.find(words, s_low, s_high)
            if i >= 0:
                n = lex.unconfirmed.length_at(words, i)
                return DENIED, post.original_match(i, i + n - 1, "stance denied: a rumour not confirmed")
        if k + 1 < len(post.sentences):
            n_low, n_high = post.sentences[k + 1]
            for i in range(n_low, min(n_low + 2, n_high)):
                n = lex.denial_next.length_at(words, i)
                if n:
                    return DENIED, post.original_match(i, i + n - 1, "stance denied: the next sentence denies it")
            # "The brigade denied this"; not "denied that its troops had withdrawn", about its own claim
            i = lex.denial_of_it.find(words, n_low, n_high)
            if i >= 0 and not self._mentions_in(n_low, n_high):
                n = lex.denial_of_it.length_at(words, i)
                return DENIED, post.original_match(i, i + n - 1, "stance denied: the next sentence denies it")
            # a rumour passed on, or quoted, then answered: "...будто мы ушли из X. Говорил с
            # ротным — враньё", "«ЗСУ покинули Торецьк». Перевірили — фейк"
            if lex.hearsay.find(words, s_low, h) >= 0 or self._quoted(h, s_low):
                if words[n_low] in _NO:
                    return DENIED, post.original_match(n_low, n_low, "stance denied: the next sentence says no")
                if not self._mentions_in(n_low, n_high):
                    for table in (lex.denial, lex.denial_next):
                        i = table.find(words, n_low, n_high)
                        if i >= 0:
                            n = table.length_at(words, i)
                            return DENIED, post.original_match(i, i + n - 1, "stance denied: a rumour the next "
                                                                                "sentence calls false")
                else:
                    # answered by saying it again, negated: "«ЗСУ залишили X» — пишуть. Ні, не залишили"
                    echo = self._negated_echo(n_low, n_high)
                    if echo is not None:
                        return DENIED, post.original_match(echo, echo + 1, "stance denied: the next sentence "
                                                                           "says it did not happen")
        return ASSERTED, None

    def _quoted(self, h: int, s_low: int) -> bool:
        """Whether word h stands inside quotation marks opened in its sentence."""
        post = self.post
        text, start = post.text, post.starts[h]
        # from just before the sentence's first word: a quotation may open it
        low = max(0, post.starts[s_low] - 1)
        high = start + 300
        for opening, closing in _QUOTE_PAIRS:
            o = text.rfind(opening, low, start)
            if o >= 0 and text.find(closing, o + 1, start) < 0 and text.find(closing, start, high) >= 0:
                return True
        if text.count('"', low, start) % 2 and text.find('"', start, high) >= 0:
            return True
        # single quotes only as quotation marks, not the apostrophe of "п'ять" or "Russia's"
        return "'" in text[low:start] and any(m.start() < start < m.end()
                                              for m in _SINGLE_QUOTED.finditer(text, low, high))

    def _scare_quoted(self, h: int) -> bool:
        """Word h alone in quotation marks: «звільнили», "liberated" — said with irony."""
        post = self.post
        a, b = post.starts[h], post.end(h)
        return a > 0 and b < len(post.text) and post.text[a - 1] in _OPENING and post.text[b] in _CLOSING

    def _held_against(self, h: int, k: int, low: int, action: str, by: str | None) -> Match | None:
        """The other side's claim against the channel's side, answered in the post by "we hold
        it" ("Росіяни пишуть, що ЗСУ вийшли з X. Місто тримаємо"): the post denies it."""
        post, lex, words = self.post, self.lex, self.words
        if self.side is None or (by is not None and (by == self.side) != (action == "withdrawal")):
            return None
        other = "ru" if self.side == "ua" else "ua"
        s_low, s_high = post.sentences[k]
        objects = lex.objects
        speakers = [i for i in range(s_low, low) if words[i] in lex.actor_starts or words[i] in objects.starts and any(
            table.length_at(words, i) for table in objects.values())]
        claimed = any(self._resolve(side) == other for i in speakers
                      for side, _ in filter(None, (self._actor_at(i, lex.actors), self._actor_at(i, lex.objects))))
        # or the other side is said to have taken it, and the post says the place itself is
        # held ("Росіяни заявили про «звільнення» Торецька ... місто не втрачено"); "наші
        # стоять" alone may be on new lines after it
        if not claimed and not (by == other and action == "capture"):
            return None
        end = post.sentences[min(k + 2, len(post.sentences) - 1)][1]
        i = lex.held.find(words, h + 1, end)
        if i < 0:
            return None
        n = lex.held.length_at(words, i)
        if not claimed and _HELD_PLACE.isdisjoint(words[i:i + n]):
            return None
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
