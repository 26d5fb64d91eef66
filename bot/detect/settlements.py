"""Every settlement of Ukraine, and which one a post means.

The codifier has 29,707 settlements and most names are shared (Іванівка is 119 villages),
so a name alone rarely says which place it is. The rules are the README's: a place of
`places.toml` wins a bare name (the main gazetteer handles it), then the only city of
that name; any other homonym counts only when the post says which one — it names the
oblast, raion or hromada, or another settlement of the same raion in the same sentence
(an axis such as "на Купянском направлении" is a mention of its place, so it counts as a
neighbour). Names that are everyday words (Веселе, Мирне) count only where the text uses
them as a place.

Cost: one Aho-Corasick pass over the folded post finds word starts that begin a name
form's stem (a few tens of thousands of keys, not the half million forms); only those
words are looked up in the form table, and only posts with a capitalised hit go further.

The work is split by what it does: settlement_book (the shipped data in memory),
settlement_finder (the cheap pass that finds candidate names), settlement_resolver (the
homonym rules), settlement_usage (whether a name is used as a place) and settlement_words
(the word lists those rules read). This module is the name the rest of the product uses.
"""

from bot.detect.settlement_book import DATA, Area, PlaceNames, Settlement, SettlementBook, load_book, name_forms
from bot.detect.settlement_finder import AREA_NOUNS, SHORT_AREA_NOUN, SettlementMatcher
from bot.detect.settlement_resolver import MAX_OCCURRENCES
from bot.detect.settlement_words import WAR_STEMS

__all__ = ["AREA_NOUNS", "DATA", "MAX_OCCURRENCES", "SHORT_AREA_NOUN", "WAR_STEMS", "Area", "PlaceNames",
           "Settlement", "SettlementBook", "SettlementMatcher", "load_book", "name_forms"]
