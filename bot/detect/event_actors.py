"""Who withdrew or took the place: the actor of an action word in its clause.

The nearest actor word of the clause that is not after a preposition nor before a
word of a source ("Russian channels"); "наши" and "противник" are resolved against the
channel's side; with none, a liberation verb means the channel's side and an occupation
verb the other; then an actor earlier in the same sentence ("Ukraine's commander says
troops withdrew"; "Russia claims it captured X", but not who denies that X fell). Verbs
of pushing out take their object ("выбили противника из", "Ворога вибито з"). A
withdrawal followed by "the place is under Y's control" is Y's capture too. The other
side's claim against the channel's side, answered by "we hold the place", is denied.
"""

from __future__ import annotations

from bisect import bisect_left

from bot.detect.eventlex import EventLexicon, JoinedWords, Sided
from bot.detect.event_post import Post
from bot.detect.event_stance import _QUOTE_PAIRS
from bot.detect.model import Match

# "Dozens of Ukrainian soldiers": the side after "of" is the subject.
_QUANTITY = frozenset({"dozens", "hundreds", "thousands", "scores", "some", "many", "most", "remnants", "part",
                       "elements", "several",
                       # and the units or fighters of a side: "Soldiers of our brigade cleared X"
                       "units", "soldiers", "fighters", "servicemen", "groups", "half"})
_MANAGED = frozenset({"удалось", "вдалося"})
# "Часть российских войск отошла", "Підрозділи Сил оборони відійшли": the side in the
# genitive after a part or a unit is the subject.
_PART = frozenset({"часть", "частина", "половина", "остатки", "залишки", "группа", "група", "колонна", "колона",
                   "сотни", "сотні", "десятки", "тысячи", "тисячі",
                   # and units of a side's forces: "Підрозділи Сил оборони відійшли"
                   "подразделения", "підрозділи", "части", "частини", "бригады", "бригади", "войска", "війська",
                   # and its fighters: "Штурмовики нашої бригади зайшли в X"
                   "штурмовики", "бойцы", "бійці", "десантники", "морпехи", "морпіхи", "военные", "військові"})
_ONE = frozenset({"одна", "один", "одно", "одне", "одной", "две", "дві", "два", "несколько", "кілька"})
_OF_RU = frozenset({"из", "з", "із"})
# marks that open a quotation, and those that only close one ("“" opens „…“ too)
_OPENERS = (*(o for o, _ in _QUOTE_PAIRS), '"')
_CLOSERS = tuple(c for _, c in _QUOTE_PAIRS if c not in _OPENERS)
_PRONOUNS = frozenset({"it", "they"})
_UNDER = frozenset({"под", "під", "under"})
_CONTROL = frozenset({"контролем", "control"})


class Actors:
    """The judge's reading of who acted (`by`), and the channel's side they resolve against."""

    lex: EventLexicon
    post: Post
    words: JoinedWords
    side: str | None

    def _actor_at(self, i: int, table: Sided) -> tuple[str, int] | None:
        if self.words[i] not in table.starts:
            return None
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
        if side in ("own", "enemy"):
            quoted = self._quoted_voice(i)
            if quoted is not None:
                # «Один із Z-каналів пише: «Наши штурмовики зашли в Ямполовку»»: "наши" of who is quoted
                by = quoted if side == "own" else ("ru" if quoted == "ua" else "ua")
                how = f"{'our' if side == 'own' else 'the other'} side of the quoted {quoted} source"
        return by, self.post.original_match(i, i + n - 1, f"by {by or '-'}: {how} ({role})")

    def _quoted_voice(self, i: int) -> str | None:
        """The side of who is quoted, when word i stands inside quotation marks opened in its
        sentence after a side is named ("Один із Z-каналів пише: «Наши зашли…»", "Russian
        milbloggers wrote: "our troops entered…"")."""
        post = self.post
        s_low = post.sentences[post.sentence_of(i)][0]
        text, start = post.text, post.starts[i]
        opened = max(text.rfind(o, post.starts[s_low], start) for o in _OPENERS)
        if opened < 0 or any(text.find(c, opened, start) >= 0 for c in _CLOSERS):
            return None
        for j in range(bisect_left(post.starts, opened) - 1, s_low - 1, -1):
            hit = self._actor_at(j, self.lex.actors) or self._actor_at(j, self.lex.objects)
            if hit is not None and hit[0] in ("ru", "ua"):
                return hit[0]      # the side named nearest before the quotation: its source speaks
        return None

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
        i = low
        for c in lex.actor_starts.indices(words, low, high):
            if c < i or skip[0] <= c <= skip[1]:
                continue
            i = c
            hit = self._actor_at(i, lex.actors)
            if hit is None:
                continue
            side, n = hit
            after = i + n
            if i > low and (lex.not_after.length_at(words, i - 1) and not (
                    words[i - 1] == "of" and i - 1 > low and words[i - 2] in _QUANTITY)
                            or lex.expel.length_at(words, i - 1)):
                i = after     # after a preposition, or the one pushed out ("выбили ВСУ из X и вошли")
                continue
            if i > low and not words[i - 1].isascii() and words[i - 1] in lex.ground:
                i = after     # whose ground it is: "опорник ВСУ захвачен", "прорвали оборону ВСУ"
                continue
            # "Russian channels claim" speak; "Russian forces claim" are the forces themselves
            troops = after < high and words[after] in lex.force
            if not speakers and not troops and any(words[j] in lex.source for j in range(after, min(after + 2, high))) \
                    or (after < len(words) and words[after] in lex.emblem):
                i = after
                continue
            found.append((i, after - 1, side))
            i = after
        return found

    def _before_aside(self, k: int, low: int) -> tuple[int, int, str] | None:
        """The subject at the end of the clause before an aside that opens the clause before
        the action word's ("Противник, по данным наших источников, отошёл из X")."""
        clauses = self.post.clauses(k)
        n = next((n for n, (a, _) in enumerate(clauses) if a == low), 0)
        if n < 2 or not self.lex.aside.length_at(self.words, clauses[n - 1][0]):
            return None
        a, b = clauses[n - 2]
        found = self._subjects(a, b, (-1, -1))
        return found[-1] if found and found[-1][1] == b - 1 else None

    def _part_of(self, low: int, h: int) -> tuple[int, int, str] | None:
        """The last "part of X's forces" before word h: (first word of X, its length, side)."""
        words, lex = self.words, self.lex
        for i in range(h - 2, low - 1, -1):
            if words[i] in _PART:
                side_at = i + 1
            elif words[i] in _ONE and i + 2 < h and words[i + 1] in _OF_RU:
                side_at = i + 2     # "одна из наших рот отошла", "одна з бригад ЗСУ": the side after "из"
            else:
                continue
            hit = self._actor_at(side_at, lex.objects)
            if hit is not None:
                # no other side named between: "..., не позволяя украинским силам
                # закрепиться на позициях, куда те отходят" is theirs
                if any(self._actor_at(j, lex.objects) or self._actor_at(j, lex.actors)
                       for j in range(side_at + hit[1], h)):
                    return None
                return side_at, hit[1], hit[0]
        return None

    def _expelled_object(self, h: int, low: int, high: int) -> tuple[str | None, Match | None]:
        """The object of an impersonal passive of pushing out withdrew ("Ворога вибито з X")."""
        for i in (h - 1, h - 2, h + 1):
            if low <= i < high and i != h:
                hit = self._actor_at(i, self.lex.objects)
                if hit is not None and not (i > low and self.lex.not_after.length_at(self.words, i - 1)):
                    return self._actor(i, hit[1], hit[0], "pushed out")
        return None, None

    def _by(self, h: int, last: int, low: int, high: int, k: int, head: str,
            expelling: bool, form: str, action: str, ironic: bool = False) -> tuple[str | None, Match | None]:
        post, lex = self.post, self.lex
        if expelling:
            for i in range(h + 1, min(high, last + 5)):
                # inside the phrase ("выбили наши подразделения из"), a plural's accusative is
                # its nominative: an actor word there is the one pushed out
                hit = self._actor_at(i, lex.objects) or (self._actor_at(i, lex.actors) if i < last else None)
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
            claimer = None
            for i in (*range(h + 1, min(high, last + 4)), *range(h - 1, max(low, h - 4) - 1, -1)):
                hit = self._actor_at(i, lex.objects)
                if hit is None or lex.not_after.length_at(self.words, i - 1):
                    continue
                if i + hit[1] < len(self.words) and self.words[i + hit[1]] in lex.source:
                    # "заяви російської пропаганди про захоплення X": the side whose voices claim a capture
                    claimer = claimer or (i, hit) if action == "capture" and i < h else claimer
                    continue
                side, n = hit
                return self._actor(i, n, side, "whose action the noun names")
            if claimer is not None:
                i, (side, n) = claimer
                return self._actor(i, n, side, "whose voices claim the capture")
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
                if j + 1 < high and self.words[j] == "the":
                    j += 1          # "under the full control of the Russian Armed Forces"
                hit = self._actor_at(j, lex.objects) if j < high else None
                if hit is not None:
                    return self._actor(j, hit[1], hit[0], "in control")
            for j in range(low + 1, high - 1):
                # "под нашим контролем", "під українським контролем"
                if self.words[j + 1] in _CONTROL and self.words[j - 1] in _UNDER:
                    hit = self._actor_at(j, lex.objects)
                    if hit is not None:
                        return self._actor(j, hit[1], hit[0], "in control")
        if head in _MANAGED:
            # "Российским захватчикам не удалось войти": who managed it, or not, is in the dative
            for i in range(h - 1, max(low, h - 4) - 1, -1):
                hit = self._actor_at(i, lex.objects)
                if hit is not None:
                    return self._actor(i, hit[1], hit[0], "who managed it, or not")
        # "Russia claims it captured X": the pronoun is the one who claims
        pronoun = h - 1 >= low and self.words[h - 1] in _PRONOUNS or h - 2 >= low and self.words[h - 2] in _PRONOUNS
        admitted = action == "withdrawal" and lex.admit.find(self.words, post.sentences[k][0], h) >= 0
        # who says a word in scare quotes is who claims it: "Российские пропагандисты «взяли» Часов Яр"
        subjects = self._subjects(low, h if head.isascii() else high, (h, h), speakers=pronoun or admitted or ironic)
        if subjects:
            first, end, side = subjects[0] if len(subjects) == 1 else \
                min(subjects, key=lambda s: (min(abs(s[0] - h), abs(s[1] - h)), s[0] > h))
            return self._actor(first, end - first + 1, side, "subject")
        aside = self._before_aside(k, low)
        if aside is not None:
            first, end, side = aside
            return self._actor(first, end - first + 1, side, "subject before an aside")
        s_low, _ = post.sentences[k]
        part = self._part_of(s_low, h)
        if part is not None and not self._subjects(part[0], h, (h, h)):
            first, n, side = part
            return self._actor(first, n, side, "the forces a part of which did it")
        if head in lex.liberation and ironic:
            # "вкотре «звільнили» Суджу": the other side's liberation, mocked
            other = None if self.side is None else ("ru" if self.side == "ua" else "ua")
            return other, post.original_match(h, h, f"by {other or '-'}: a liberation in scare quotes is the other "
                                                    f"side's ({self._channel()})")
        if head in lex.liberation:
            # "Укры заявляют, что «освободили» Работино": who claims it liberated it
            earlier = self._subjects(s_low, low, (-1, -1), speakers=True)
            if earlier and lex.denial.find(self.words, earlier[-1][1] + 1, low) < 0:
                first, end, side = earlier[-1]
                return self._actor(first, end - first + 1, side, "claiming the liberation earlier in the sentence")
            return self.side, post.original_match(h, h, f"by {self.side or '-'}: a liberation verb means the "
                                                     f"channel's side ({self._channel()})")
        if head in lex.occupation:
            other = None if self.side is None else ("ru" if self.side == "ua" else "ua")
            return other, post.original_match(h, h, f"by {other or '-'}: an occupation verb means the other side "
                                                    f"({self._channel()})")
        # "Російські пропагандисти брешуть, що взяли X": who lies claimed it
        lying = lex.lie.find(self.words, s_low, low) >= 0
        earlier = self._subjects(s_low, low, (-1, -1), speakers=pronoun or admitted or lying)
        if earlier:
            first, end, side = earlier[-1]
            if action == "capture" and not lying and (lex.denial.find(self.words, end + 1, low) >= 0
                                                       or lex.admit.find(self.words, end + 1, low) >= 0):
                return None, None     # "Kyiv denies that X has fallen", "Kyiv acknowledged that X had fallen"
            return self._actor(first, end - first + 1, side, "speaking earlier in the sentence")
        if action == "capture":
            # "Russia claims full control of Vuhledar": a side claiming a capture, no one else named
            claimers = [c for c in self._subjects(s_low, h, (h, h), speakers=True)
                        if c[1] + 1 < h and lex.report.length_at(self.words, c[1] + 1)]     # not "Russian milbloggers"
            if claimers and lex.denial.find(self.words, claimers[-1][1] + 1, h) < 0:
                first, end, side = claimers[-1]
                return self._actor(first, end - first + 1, side, "claiming the capture")
        return None, None
