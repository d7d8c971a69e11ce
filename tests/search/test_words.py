"""The word index counts exactly what scanning each PA's texts counts (``text_hits``)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from market.search.ranking import text_hits
from market.search.words import WordIndex, haystack, hits_of

ALPHABET = "abcdeßİ ,.-\n\t'"
texts = st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=4, max_size=4)
words = st.lists(st.text(alphabet="abcdeßİ,.-'", min_size=1, max_size=4), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=12), words)
def test_the_index_counts_what_scanning_the_texts_counts(documents, searched):
    ids = np.arange(1, len(documents) + 1, dtype=np.int64) * 3
    index = WordIndex(ids, [haystack(d) for d in documents])
    folded = [w.casefold() for w in searched]
    found = index.hits(folded)
    for k, document in enumerate(documents):
        expected = text_hits(document, folded)
        assert found[k] == (-1 if expected is None else expected)


def test_an_edited_pa_is_counted_from_the_overlay_and_an_unknown_one_is_not_found():
    index = WordIndex(np.array([1, 2]), [haystack(["cooking", "", "", ""]), haystack(["walks", "", "", ""])])
    overlay = {2: haystack(["Cook and cook again", "", "", ""]), 5: haystack(["cook", "", "", ""])}
    found = hits_of(index, overlay, np.array([1, 2, 5, 9]), ["cook"])
    assert found.tolist() == [1, 2, 1, -1]
