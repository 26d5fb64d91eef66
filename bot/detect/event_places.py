"""Which place was left or taken: the places of an action word's clause, or of the text before it.

The places of the clause except destinations ("к Лисичанску"), places that only
locate another ("Андреевка под Бахмутом", "Купянск Харьковской области") and axes; a
noun's and an English active verb's place follows them (with none there, the one
before: "Toretsk came under Russian control"); "в районе X" is X for a withdrawal, not
for a capture. With none, the places of an earlier clause, of the two sentences before
in the paragraph, or of the post's heading ("Бахмут: ..."), unless the clause names a
place the gazetteer does not know.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from bot.detect.eventlex import EventLexicon, JoinedWords
from bot.detect.event_post import Post
from bot.detect.model import Match
from bot.detect.settlement_words import _CITY_NOUNS
from bot.detect.settlement_words import _VILLAGE_NOUNS as _VILLAGE_WORDS

#: broke through to a place ("прорвалися до Шахового"), which is reaching it, not entering
_BROKE_THROUGH = frozenset({"прорвались", "прорвалися", "прорвался", "прорвався", "прорвалась", "прорвалася"})
#: joining the second place of a list to the first
_AND = frozenset({"и", "і", "й", "та", "and"})
#: "прорвалися до центру X" are inside it
_CENTRE = frozenset({"центру", "центра", "центр"})
#: "южнее X": X only says where what the clause names lies
_COMPASS_ADVERBS = frozenset({"южнее", "севернее", "западнее", "восточнее", "південніше", "північніше", "західніше",
                              "східніше"})
#: after a town's name in English, a noun that makes it an axis ("the Pokrovsk axis")
_AXIS_NOUNS_EN = frozenset({"axis", "direction", "front", "sector"})
# English names that are capitalised without naming a place
_CALENDAR = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                       "february", "march", "april", "may", "june", "july", "august", "september", "october",
                       "november", "december"})
_PARTICIPLE_START = re.compile(r"(?:ющ|ущ|ащ|ящ|вш)\w*$|^\w{4,}[аиыуя]в$")   # and "оставив", "покинув"
# Before a place taken, these say where the forces entered ("увійшли до Торецька"), not a destination.
_INTO = frozenset({"до", "into"})
_BE = frozenset({"is", "are", "was", "were", "been", "be", "being"})
_RAION_WORDS = frozenset({"района", "району", "районе", "районі", "р-на", "р-ну", "громады", "громади", "district",
                          "raion", "rayon", "hromada"})
_INTO_ACCUSATIVE = frozenset({"в", "во", "у", "на"})
# Nouns of a settlement: a region after one only says where it lies ("a village in the Donetsk region")
_SETTLEMENT_NOUNS = frozenset({"village", "villages", "town", "towns", "settlement", "settlements", "city", "село",
                               "села", "сёла", "сел", "сёл", "селище", "поселок", "посёлок", "поселка", "посёлка",
                               "город", "города", "деревню", "деревня", "населенный", "населённый", "населенных",
                               "населённых", "населений", "населених", "місто", "міста", "сіл", "селища"})
_UNNAMED_SETTLEMENTS = frozenset({"villages", "settlements", "towns", "сёл", "сел", "сіл", "селищ", "пунктов",
                                   "пунктів", "пункти", "пункты"})
_BOTH = frozenset({"both", "обоих", "обеих", "обох", "обидвох", "обидва", "обидві", "оба", "обе"})
# Villages "near X" are not X ("сёла под Работино"); positions near X are X's (the labels).
_NEAR_WHAT = _UNNAMED_SETTLEMENTS | {"села", "сёла"}
# ... and so is a settlement near X ("Ocheretyne, a town northwest of Avdiivka"), though
# "the village of X" is X
_NEAR_ONE = frozenset({"village", "town", "city", "settlement", "село", "селище", "посёлок", "поселок", "город",
                       "місто"})
# Words between an action verb and the name of the place it took or left
_OBJECT_LEAD = frozenset({"the", "village", "town", "city", "settlement", "of", "all", "село", "селище", "поселок",
                          "посёлок", "город", "населенный", "населённый", "пункт", "місто", "населений", "н", "п",
                          "пгт", "смт", "деревню"})
# Before a place a capture came from ("entered X from Hlyboke", "зашли со стороны Y")
_FROM_WORDS = frozenset({"from", "из", "с", "со", "з", "із", "зі", "от", "від"})
_FROM_PHRASES = frozenset({("со", "стороны"), ("с", "направления"), ("з", "боку"), ("з", "напрямку"),
                           ("від", "боку"), ("from", "the", "direction", "of"), ("from", "the", "side", "of"),
                           ("direction", "of")})
# The halves of a compound compass word ("юго-восточнее", "south-east of"), before the half
# that is a word of `near`
_COMPASS_PARTS = frozenset({"юго", "северо", "південно", "північно", "south", "north"})
# A distance from a place locates something else ("в 25 км от Сум", "10 km from Kharkiv")
_DISTANCE = frozenset({"км", "километрах", "километров", "кілометрах", "кілометрів", "km", "kilometres",
                       "kilometers", "miles", "метрах", "метрів", "метров"})
# A capital named in another clause speaks for its government ("в Киеве предпочли не
# вспоминать"), not for a place left or taken: the look back passes over it.
_SEATS = frozenset({"kyiv"})
# A settlement the clause speaks of without naming it ("вышли из посёлка", "з міста"): the
# city and village nouns of the settlement rules, a town-type settlement counted a village
_VILLAGE_NOUNS = _VILLAGE_WORDS | {"посёлка", "поселка", "посёлке", "поселке", "посёлок", "поселок", "селища",
                                   "селищі", "селище"}
# English "town" is said of cities and of urban-type settlements alike (Velyka Novosilka)
_ANY_SETTLEMENT = frozenset({"settlement", "town", "пункта", "пункту", "пункте", "пункті"})
# A clause opened by these is about the place that ends the clause before ("в районе села
# Сопич, куда зашла пехота"), whatever that clause said of it.
_WHERE = frozenset({"куда", "куди", "где", "де", "where"})
# a place after these before the action word says where the clause is, when it names another
_NEAR_PREPS = frozenset({"под", "під", "біля", "возле", "около", "поблизу", "вблизи", "near"})
# one set test tells a clause holds none of a list's words
_KIND_NOUNS = _CITY_NOUNS | _VILLAGE_NOUNS | _ANY_SETTLEMENT
_UNNAMED_OR_AREA = _UNNAMED_SETTLEMENTS | {"area"}


_LINES = frozenset({"рубежі", "рубежи", "рубеж", "позиції", "позиции", "рубежах", "позиціях", "позициях", "positions",
                    "lines"})
_ONTO = frozenset({"на", "to"})
# lines of one's own, not the enemy's: "заняли новые рубежи", "зайняли заздалегідь підготовлені позиції"
_NEW_LINES = frozenset({"нові", "новые", "новых", "нових", "підготовлені", "подготовленные", "підготовлених",
                        "подготовленных", "заздалегідь", "заранее", "вигідні", "выгодные", "вигідніші", "выгоднее",
                        "запасні", "запасные", "new", "prepared", "fallback"})
_ACROSS_FROM = frozenset({"навпроти", "напротив", "opposite"})
_SAYS = frozenset({"said", "says", "say", "claimed", "claims", "announced", "stated", "insisted", "denied", "denies",
                   "заявил", "заявила", "заявили", "заявляет", "заявляют", "сообщил", "сообщили", "утверждает",
                   "заявив", "заявляє", "повідомив", "повідомили", "стверджує"})
_AUXILIARIES = frozenset({"has", "have", "had"})


class Places:
    """The judge's choice of the place an action word is about."""

    lex: EventLexicon
    post: Post
    words: JoinedWords
    regions: frozenset[str]
    cities: frozenset[str]
    _capture: bool
    _h: int = -1        # the action word whose place is being chosen
    _clause_end: int = 0     # and where its clause ends

    def _eligible(self, low: int, high: int) -> tuple[list[tuple[str, int, int]], bool]:
        """The places of words low..high that can be the place left or taken, and whether a
        place there was only the surroundings of the action ("окрестности Соледара")."""
        post, lex, words = self.post, self.lex, self.words
        out: list[tuple[str, int, int]] = []
        around = False
        starts = post.place_starts
        for n in range(bisect_left(starts, low), len(starts)):
            i = starts[n]
            if i >= high:
                break
            place_id, axis, _ = post.place_of[i]
            j = post.place_end(i, high)
            # an English axis names its town before the noun: "on the Pokrovsk axis"
            axis = axis or (j + 1 < len(words) and words[j + 1] in _AXIS_NOUNS_EN)
            if (i - 1 >= low and lex.vicinity.length_at(words, i - 1)) \
                    or (i - 2 >= low and lex.vicinity.length_at(words, i - 2)):
                around = True
            elif self._capture and any(lex.area.length_at(words, i - n) for n in (1, 2) if i - n >= low):
                pass    # "улучшили положение в районе X" takes no X; "в районе X наши отошли" leaves it
            elif self._capture and self._h < i < self._clause_end and self._came_from(i, low):
                pass    # "entered the town from the direction of Hlyboke": where they came from
            elif not axis and not self._destination(i, low) and not self._locates(i, low) \
                    and not self._owner(j, high) and not self._speaker(j) \
                    and not self._holds_a_settlement(place_id, i, low) \
                    and all(place_id != o[0] for o in out):
                out.append((place_id, i, j))
        return out, around

    def _came_from(self, i: int, low: int) -> bool:
        """A place after "from", "из", "со стороны", "з боку": where the takers came from."""
        words = self.words
        if i - 1 >= low and words[i - 1] in _FROM_WORDS:
            return True
        return any(i - n >= low and tuple(words[i - n:i]) in _FROM_PHRASES for n in (2, 3, 4))

    def _owner(self, j: int, high: int) -> bool:
        """"Kyiv's forces", "Moscow's troops": a capital whose forces act, not a place."""
        words = self.words
        return j + 2 < high and words[j + 1] == "s" and words[j + 2] in self.lex.force

    def _speaker(self, j: int) -> bool:
        """"…, Kyiv said", «Киев заявил»: a capital that speaks for its side, not a place."""
        words = self.words
        if j + 1 < len(words) and words[j + 1] in _AUXILIARIES:
            j += 1
        # "у Часовому Яру, повідомив речник": a comma after the place, whose speaker follows
        return j + 1 < len(words) and words[j + 1] in _SAYS and "," not in self.post.between(j + 1)

    def _holds_a_settlement(self, place_id: str, i: int, low: int) -> bool:
        """A region that only says where an unnamed settlement lies ("captured a village in
        the Donetsk region"), or where a named one lies a few words before it ("the village
        of Urozhaine in eastern Ukraine's Donetsk region")."""
        if place_id not in self.regions:
            return False
        post, words = self.post, self.words
        for x in range(i - 1, max(low, i - 7) - 1, -1):
            if x in post.place_of:
                return post.place_of[x][0] not in self.regions
            if words[x] in _SETTLEMENT_NOUNS:
                return True
        return False

    def _destination(self, i: int, low: int) -> bool:
        """A place after "к", "toward", "в сторону", up to a few words back with no "из" between;
        for a withdrawal, one in the accusative after "в", "на" ("отошли в Торецк")."""
        lex, words = self.lex, self.words
        if i - 2 >= low and words[i - 1] in _AND and i - 2 in self.post.place_of:
            # "в сторону Родинского и Белицкого": the second of a list of where they went
            return self._destination(self.post.place_of[i - 2][2], low)
        # after the verb of leaving in its own clause, not in a clause looked back at; a Russian
        # feminine name in «-у» after «в», «на» is in the accusative too («бегут на Юнаковку»)
        if not self._capture and low <= self._h < i - 1 and words[i - 1] in _INTO_ACCUSATIVE \
                and (i in self.post.accusative or self.language == "ru" and words[i].endswith(("у", "ю"))):
            return True
        if not self._capture:
            # the lines fallen back to, and where they lie: "відійшли на більш вигідні рубежі в
            # районі Новоселівки", "fell back to positions near X"; not "покинули позиції біля X"
            for j in range(i - 1, max(low, i - 4) - 1, -1):
                if words[j] in _LINES:
                    if any(words[x] in _ONTO for x in range(max(low, j - 3), j)):
                        return True
                    break
        # after the action word when the place follows it: "За тиждень … звільнили Кіндрашівку"
        # is no destination
        first = max(low, i - 6, self._h + 1 if low <= self._h < i else low)
        if lex.destination.absent(words, first, i):
            return False
        for j in range(i - 1, first - 1, -1):
            n = lex.destination.length_at(words, j)
            if n and j + n <= i and not self._into(j, first):
                return True
            if lex.source_preps.length_at(words, j) or (j in self.post.place_of and j < i - 1
                                                        and self.post.place_of[j][2] != self.post.place_of.get(
                                                            i, ("", False, -1))[2]):
                return False
        return False

    def _into(self, j: int, first: int) -> bool:
        """Word j ("до", "into") says where forces went in, not where they headed: for a capture,
        and in a clause looked back at that says forces entered ("зашли в Суджу, укры бегут");
        not after "прорвалися" ("до Шахового" reached it), unless into the centre."""
        words = self.words
        if words[j] not in _INTO or not (self._capture or self._entered(first, j)):
            return False
        return not (words[j] == "до" and words[self._h] in _BROKE_THROUGH and words[j + 1] not in _CENTRE)

    def _entered(self, low: int, high: int) -> bool:
        """A capture's action word among words low..high-1 (of a clause before the one judged)."""
        if low <= self._h < high:
            return False
        starts = self.post.starts
        return any(m.action == "capture" and low <= bisect_left(starts, m.start) < high for m in self.mentions)

    def _locates(self, i: int, low: int) -> bool:
        """A place that only says where the name before it lies."""
        post, lex, words = self.post, self.lex, self.words
        if post.place_of.get(i, ("",))[0] in self.regions and i > low and (
                (i - 1 in post.place_of and post.place_of[i - 1][2] != i)
                or (post.capitalised(i - 1) and i - 1 > post.sentences[post.sentence_of(i)][0])):
            return True     # "Купянск Харьковской области", "н.п. Романовка Донецкой области"
        if post.place_of.get(i, ("",))[0] in self.regions and i > low and self.words[i - 1] in _RAION_WORDS:
            return True     # "Бериславського району Херсонської області": the oblast of a raion
        if i - 2 > low and words[i - 2] in _DISTANCE and lex.source_preps.length_at(words, i - 1):
            return True     # "в 25 км от Сум"
        if i > low and words[i - 1] in _ACROSS_FROM or i - 1 > low and words[i - 2:i] == ["across", "from"]:
            return True     # "на дніпровських островах навпроти Херсона"
        for n in (2, 3, 4):
            j = i - n
            if j > low and lex.near.length_at(words, j) == n:
                before = j - 1     # "Лысовку к югу от Покровска": a phrase of direction ending at the place
                if before in post.place_of or post.capitalised(before) or words[before] in _NEAR_WHAT:
                    return True
        for n in (1, 2, 3):
            j = i - n
            if j <= low:
                return False
            outside = lex.near.length_at(words, j)
            inside = lex.within.length_at(words, j)
            if inside and words[j] == "of" and j - 1 > low and lex.near.length_at(words, j - 1):
                j, outside = j - 1, 1     # "Novomykhailivka south of Kurakhove"
            if outside or inside:
                before = j - 1
                # "Kucheriv Yar and Zolotyi Kolodiaz (both east of Dobropillia)"
                while before > low and (words[before] in ("the", "a", "both", "all")
                                        or words[before] in _COMPASS_PARTS):
                    before -= 1
                if before in post.place_of or words[before] in _NEAR_WHAT or (outside and words[before] in _NEAR_ONE):
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
        preps = lex.place_preps
        for i in range(low + 1, high):
            if preps is not None and words[i - 1] not in preps:
                continue
            if i == h or i in post.place_of or not post.capitalised(i) or words[i] in _CALENDAR \
                    or words[i] in lex.actor_starts or self._destination(i, low) \
                    or (not self._capture and i > h and words[i - 1] in _INTO_ACCUSATIVE):
                continue    # where they went ("бегут по трассе на Юнаковку") is not the place left
            if lex.source_preps.length_at(words, i - 1) or lex.near.length_at(words, i - 1) \
                    or lex.within.length_at(words, i - 1):
                return True
        return False

    def _unknown_object(self, last: int, high: int) -> bool:
        """Whether the action's object is a capitalised name no place matched ("seized all
        of Dalne", "взяли село Дальнее" where the village is not in the gazetteer)."""
        post, words = self.post, self.words
        i = last + 1
        while i < high and words[i] in _OBJECT_LEAD:
            i += 1
        return i < high and i not in post.place_of and post.capitalised(i) and words[i] not in _CALENDAR \
            and words[i] not in self.lex.actor_starts

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
        self._h = h
        self._clause_end = high
        if action == "capture" and head in lex.fall:
            beside = [i for i in (h - 1, h - 2, last + 1) if i in post.place_of]
            if not beside or (h - 1 not in post.place_of and last + 1 not in post.place_of
                              and words[h - 1] not in ("has", "had", "have")):
                return None
            first = post.place_of[beside[0]][2]
            s_low = post.sentences[k][0]
            if first > s_low and self._locates(first, s_low):
                # "Ocheretyne, a village north-west of Avdiivka, has fallen": the name the
                # locator follows fell
                n = bisect_left(post.place_starts, s_low)
                head = post.place_starts[n] if n < len(post.place_starts) else first
                if head < first:
                    first, beside = head, [post.place_end(head)]
            return [(post.place_of[beside[0]][0], first, max(beside[0], first))]
        # a noun's place is its complement after it ("отход из X", "capture of X"); so is an
        # English active verb's ("Kyiv said its troops left Vuhledar"), not a passive's
        after = form == "noun" or (head.isascii() and not any(words[j] in _BE for j in range(max(low, h - 2), h)))
        own, around = self._eligible(h + 1 if after else low, high)
        if after and not own and not around and form != "noun":
            own, around = self._eligible(low, h)     # the subject: "Toretsk came under Russian control"
        own = self._not_setting(own, low, h)
        if own:
            if any(f[1] > h and f[0] not in self.regions for f in own):
                # "На Харківщині окупантів вибито з Глибокого": the region before says where
                own = [f for f in own if f[1] > h or f[0] not in self.regions]
            return own
        if around:
            return None if self._capture else []    # "отступил с подступов к X" left no named place
        if self._capture and head in _BROKE_THROUGH:
            return None     # "прорвалися до Шахового" reached it; one broken into is named ("прорвались в X")
        if self._capture and not _LINES.isdisjoint(words[h + 1:min(high, last + 5)]) \
                and any(words[x] in _LINES and any(words[y] in _NEW_LINES for y in range(h + 1, x))
                        for x in range(h + 1, min(high, last + 5))):
            return None     # "зайняли заздалегідь підготовлені позиції": new lines of their own, no place taken
        if self._unknown_name(low, high, h):
            return []
        if not _BOTH.isdisjoint(words[low:high - 1]) \
                and any(words[x] in _BOTH and words[x + 1] in _NEAR_WHAT for x in range(low, high - 1)):
            found = self._two_before(k, low)
            if found:
                return found     # "pushed out of both villages", «бежал из обоих сёл»: the two named before
        if not _UNNAMED_OR_AREA.isdisjoint(words[low:high]):
            return []     # "have taken over a dozen villages", "had infiltrated the area": none named, none before meant
        if form != "noun" and self._unknown_object(last, high):
            return []     # "captured Dalne": a village we do not know, not the town before it
        if low > 0 and words[low] in _WHERE and low - 1 in post.place_of \
                and post.sentence_of(low - 1) == k:
            place_id, _axis, first = post.place_of[low - 1]
            if place_id not in self.regions:
                return [(place_id, first, low - 1)]
        wanted = self._settlement_named(low, high)
        if wanted is not None:
            # "вихід з міста", "вышли из посёлка": the city or village the post named before
            # ("Заяви про оточення Покровська та «вихід ЗСУ з міста» — фейк")
            found = self._of_kind(self._looked_back(low, h), wanted) if h > low else []
            return found or self._look_back(k, low, high, wanted)
        # a region named before only says where ("Belgorod region: … the enemy retreated");
        # one left is named in the clause ("a retreat from Kharkiv Oblast")
        return [f for f in self._look_back(k, low, high, None) if f[0] not in self.regions]

    def _settlement_named(self, low: int, high: int) -> bool | str | None:
        """Whether the clause speaks of a city (True), a village (False) or any settlement
        ("settlement", "населённого пункта": "any") that it does not name."""
        if _KIND_NOUNS.isdisjoint(self.words[low:high]):
            return None
        for x in range(low, high):
            if self.words[x] in _CITY_NOUNS:
                return True
            if self.words[x] in _VILLAGE_NOUNS:
                return False
            if self.words[x] in _ANY_SETTLEMENT:
                return "any"
        return None

    def _of_kind(self, found: list[tuple[str, int, int]], wanted: bool | str) -> list[tuple[str, int, int]]:
        """The settlements among `found` of the kind the clause spoke of (see `_settlement_named`)."""
        return [f for f in found if f[0] not in self.regions and (wanted == "any" or (f[0] in self.cities) == wanted)]

    def _look_back(self, k: int, low: int, high: int, wanted: bool | str | None) -> list[tuple[str, int, int]]:
        """The places of the clause after a participle's, of an earlier clause, of the two
        sentences before in the paragraph, or of the heading; only cities, or only other
        places, when the clause spoke of a city or a village (`wanted`)."""
        post, words = self.post, self.words

        def kept(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
            return found if wanted is None else self._of_kind(found, wanted)

        clauses = post.clauses(k)
        following = [c for c in clauses if c[0] == high]
        if following and _PARTICIPLE_START.search(words[high]):
            found, _ = self._eligible(*following[0])
            found = kept(found)
            if found:
                return found
        for clause in reversed(clauses):
            if clause[1] <= low:
                found = kept(self._looked_back(*clause))
                if found:
                    return found
        back = k
        while back > 0 and back > k - 2 and not post.paragraph_break[back]:
            back -= 1
            for clause in reversed(post.clauses(back)):
                found = kept(self._looked_back(*clause))
                if found:
                    return found
        first = post.clauses(0)[0]
        short_first = first == (0, post.sentences[0][1]) and first[1] <= 4
        if k > 0 and post.heading and (post.ends_with_colon(first) or short_first):
            found = kept(self._looked_back(*first))
            if found:
                return found
        return []

    def _two_before(self, k: int, low: int) -> list[tuple[str, int, int]]:
        """The last two places named before the clause, in this sentence or the one before."""
        post = self.post
        clauses = [c for c in post.clauses(k) if c[1] <= low]
        if k > 0 and not post.paragraph_break[k]:
            clauses = post.clauses(k - 1) + clauses
        found: list[tuple[str, int, int]] = []
        for clause in reversed(clauses):
            for place in reversed(self._of_kind(self._looked_back(*clause), "any")):
                if all(place[0] != f[0] for f in found):
                    found.append(place)
                if len(found) == 2:
                    return sorted(found, key=lambda f: f[1])
        return []

    def _looked_back(self, low: int, high: int) -> list[tuple[str, int, int]]:
        """The places of an earlier clause that the action may be about: not a capital."""
        found, _ = self._eligible(low, high)
        # "під Куп'янськом наші звільнили Табаївку. Окупанти відступили": the village, not the town it lies by
        return [f for f in self._not_setting(found, low, high) if f[0] not in _SEATS]

    def _not_setting(self, found: list[tuple[str, int, int]], low: int,
                     before: int) -> list[tuple[str, int, int]]:
        """The places of a clause without those that only set it, when another remains: one
        after a compass word («Южнее Угледара наши закрепились в Пречистовке»), or after
        "під", "near" before word `before` («під Куп'янськом наші звільнили Табаївку»)."""
        if len(found) < 2:
            return found
        words = self.words
        return [f for f in found if not (f[1] > low and (words[f[1] - 1] in _COMPASS_ADVERBS
                                                         or f[1] < before and words[f[1] - 1] in _NEAR_PREPS))] or found
