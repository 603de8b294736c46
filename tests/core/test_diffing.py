"""Word diffs and similarity between wordings (core.diffing)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_word_diff_gives_back_the_new_wording_and_marks_words_not_letters():
    from core.diffing import word_diff

    old = "There is no way now to settle the Nagorno-Karabakh issue through diplomacy"
    new = "We have to recognize that there is no diplomatic solution to the Karabakh case"
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "removed") == new

    # changes are whole words of the old and new wordings, never pieces of words
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text))

    assert words(" ".join(p.text for p in parts if p.op == "removed")) <= words(old)
    assert words(" ".join(p.text for p in parts if p.op == "added")) <= words(new)
    assert "Karabakh" not in words(" ".join(p.text for p in parts if p.op != "same"))  # shared, so unchanged
    removed = " ".join(p.text for p in parts if p.op == "removed")
    assert "diplomacy" in removed and "diplomatic" not in removed


def test_similarity_is_the_same_in_both_directions_and_pairs_only_across_outlets():
    from core.diffing import closest_pairs, similarity

    a = "We have to recognize that there is no diplomatic solution to the Karabakh case, now and for a long time"
    b = "There is no way now to settle the Nagorno-Karabakh issue through diplomacy"
    assert similarity(a, b) == similarity(b, a)
    items = [("ap", b), ("ap", "There is no way now to settle it"), ("afp", a), ("afp", "Victory or defeat.")]
    pairs = closest_pairs(items, text=lambda item: item[1], group=lambda item: item[0])
    assert pairs and all(first[0] != second[0] for first, second, _ in pairs)
    assert all(diff.similarity >= 0.2 for _, _, diff in pairs)
