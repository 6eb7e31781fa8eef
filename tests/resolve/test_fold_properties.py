"""Property tests: romanisation variants of real names fold together; different given names stay apart."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from docket.resolve.compare import compare
from docket.resolve.fold import fold_token, name_parts
from tests.conftest import GOLD

REAL = sorted(
    {
        form
        for p in json.loads((GOLD / "persons.json").read_text())
        for form in p["variants"]
        if len(form.split()) == 2 and "(" not in form
    }
)
# (pattern, replacement) both ways; an "h" inside zh/kh/sh/ch is part of a digraph, not a romanised х
SWAPS = [
    (r"kh", "h"),
    (r"(?<![zkscZKSC])h", "kh"),
    (r"zh", "j"),
    (r"j", "zh"),
    (r"zh", "dzh"),
    (r"yev\b", "ev"),
    (r"ayev\b", "aev"),
    (r"bay\b", "bai"),
    (r"bai\b", "bay"),
    (r"mm", "m"),
    (r"\bYe", "E"),
    (r"iy\b", "ii"),
    (r"ts", "c"),
    (r"ks", "x"),
    (r"x", "ks"),
]


@st.composite
def variant(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(REAL))
    words = []
    for word in name.split():  # at most one romanisation change per word, as real spellings differ
        pattern, replacement = draw(st.sampled_from(SWAPS))
        words.append(re.sub(pattern, replacement, word, count=1) if draw(st.booleans()) else word)
    return name, " ".join(words)


@settings(max_examples=300, deadline=None)
@given(variant())
def test_variants_fold_together(pair: tuple[str, str]) -> None:
    a, b = pair
    assert [fold_token(w) for w in a.split()] == [fold_token(w) for w in b.split()]
    assert compare(name_parts(a), name_parts(b)).link


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(REAL), st.sampled_from(REAL))
def test_different_given_names_stay_apart(a: str, b: str) -> None:
    given_a, given_b = a.split()[0], b.split()[0]
    if fold_token(given_a) == fold_token(given_b):
        return
    # the same surname under another given name is another person (father and son, brothers)
    assert not compare(name_parts(f"{given_a} {b.split()[1]}"), name_parts(b)).link


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REAL), st.data())
def test_swapped_letters_share_the_misspelling_key(name: str, data: st.DataObject) -> None:
    """Two letters of a real surname swapped in typing keep its key; a different letter or length does not."""
    from docket.resolve.fold import misspelling_key

    surname = name.split()[-1]
    key = misspelling_key(surname)
    if key is None:
        assert len(re.sub(r"[^a-z]", "", surname.lower())) < 6
        return
    letters = list(surname)
    i = data.draw(st.integers(2, len(letters) - 1))
    j = data.draw(st.integers(2, len(letters) - 1))
    letters[i], letters[j] = letters[j], letters[i]
    assert misspelling_key("".join(letters)) == key
    assert misspelling_key(surname + "a") != key
    assert misspelling_key("Zz" + surname[2:]) != key
