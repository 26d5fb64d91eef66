"""Properties that must hold for any text: invisible characters and look-alike letters never
lose a match, and every match indexes the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detect import Detector
from bot.detect.normalize import FOLD_MAP, LOOKALIKES, fold, normalize

SENTENCES = [
    ("Колонна замечена под {} ночью", "Изюмом", "izium"),
    ("Вибухи у {} вночі", "Краматорську", "kramatorsk"),
    ("Бои за {} продолжаются", "Покровск", "pokrovsk"),
    ("Новини зі {} сьогодні", "Слов'янська", "sloviansk"),
    ("Удар по {} отражён", "Херсону", "kherson"),
]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CYRILLIC_TO_LATIN = {cyr: lat for lat, cyr in LOOKALIKES.items()}
CYRILLIC_TO_LATIN_UPPER = {cyr.upper(): lat.upper() for lat, cyr in LOOKALIKES.items()}


def _insert(word: str, positions: list[int], chars: list[str]) -> str:
    out = list(word)
    for pos, ch in sorted(zip(positions, chars, strict=False), reverse=True):
        out.insert(1 + pos % (len(word) - 1), ch)
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SENTENCES), st.lists(st.integers(0, 50), min_size=1, max_size=4),
       st.lists(st.sampled_from(INVISIBLE), min_size=4, max_size=4))
def test_invisible_characters_inside_a_name_never_lose_the_match(detector: Detector, case, positions, chars) -> None:
    template, word, place = case
    text = template.format(_insert(word, positions, chars))
    detection = detector.detect(text)
    assert place in detection.place_ids
    match = detection.places[0].matches[0]
    assert text[match.start:match.end] == match.text
    assert fold(match.text) == fold(word)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SENTENCES), st.data())
def test_latin_look_alikes_in_a_cyrillic_name_never_lose_the_match(detector: Detector, case, data) -> None:
    template, word, place = case
    swappable = [i for i, ch in enumerate(word) if ch in CYRILLIC_TO_LATIN or ch in CYRILLIC_TO_LATIN_UPPER]
    chosen = data.draw(st.sets(st.sampled_from(swappable), min_size=1, max_size=max(1, len(word) // 2)))
    chars = list(word)
    for i in chosen:
        chars[i] = CYRILLIC_TO_LATIN.get(chars[i]) or CYRILLIC_TO_LATIN_UPPER[chars[i]]
    text = template.format("".join(chars))
    assert place in detector.detect(text).place_ids


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщьыэюяіїєґ АБВЁЇЄ abcxyzKMH'’ʼ`.,-—\n")
                                        + INVISIBLE + ["\u0301"]), max_size=120))
def test_every_match_indexes_the_original_text(detector: Detector, noise: str) -> None:
    text = noise + " под Купянском и Ізюмом, ВСУ отошли " + noise
    detection = detector.detect(text)
    for hit in (*detection.places, *detection.topics):
        for match in hit.matches:
            assert 0 <= match.start < match.end <= len(text)
            assert text[match.start:match.end] == match.text
    for start, end in detection.spans():
        assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_folding_equals_the_reference_table_and_maps_back(text: str) -> None:
    norm = normalize(text)
    reference = text.translate(str.maketrans(FOLD_MAP)).lower().replace("ё", "е")
    assert len(norm.text) == len(reference)
    for i, ch in enumerate(norm.text):
        original = text[norm.to_original(i)]
        assert original not in FOLD_MAP or FOLD_MAP[original] != ""


@given(st.text(alphabet=st.sampled_from(list("абвгдежзийклмнопрстуфхцчшщьыэюяіїєґ ")), max_size=60))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
