"""The register search's word index: which listed PAs' profile texts hold a searched word,
and how often, without reading any text from the database.

The rule it answers is the search's (``market.search.ranking.text_hits``): a word is found
when it occurs anywhere, as a substring and ignoring case, in the PA's headline or one of
their three profile texts, and each word's occurrences count up to ``HITS_CAP``. So "cook"
finds "cooking" and "Cook", exactly as scanning the texts would.

Why an inverted index in memory rather than SQLite FTS5 or PostgreSQL ``tsvector``: both
full-text engines match whole (stemmed) tokens, so "cook" would stop finding "cooking" or
find "cooked" on one database and not the other; the results would change, and differ
between the two databases. Here the texts are split on whitespace into tokens (a searched
word holds no whitespace, so every occurrence lies inside one token), each distinct token is
kept once, and a word is looked for in the joined vocabulary of tokens with one regular
expression scan; the postings of the tokens it occurs in say which PAs hold it and how often
(occurrences in the token times the token's count in the PA's texts: exactly what counting
in the joined texts gives). Postings are flat numpy arrays (CSR): about 5 bytes a distinct
token a PA, and no Python object per posting.

Edits do not rewrite the arrays: a PA whose texts changed is kept in a small *overlay*
(their casefolded texts, counted directly), and their base postings are ignored; the owner
rebuilds the whole index when the overlay grows (``SearchExtras`` in ``market.search.extras``).
Pure: no database.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from market.search.ranking import HITS_CAP

SEPARATOR = "\x00"  # between tokens in the joined vocabulary: no token holds it


def haystack(texts: Iterable[str | None]) -> str:
    """The texts as one casefolded string, as ``ranking.text_hits`` scans them."""
    return "\n".join(t or "" for t in texts).casefold()


class WordIndex:
    """Postings of every distinct whitespace-separated token of each PA's texts.

    ``ids`` are the PAs' profile ids, sorted; ``documents`` their texts (as ``haystack``
    makes them), in the same order."""

    def __init__(self, ids: NDArray[np.int64], documents: Sequence[str]) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        token_ids: dict[str, int] = {}
        tokens: array[int] = array("i")
        owners: array[int] = array("i")
        counts: array[int] = array("H")
        for position, document in enumerate(documents):
            for token, count in Counter(document.split()).items():
                tokens.append(token_ids.setdefault(token, len(token_ids)))
                owners.append(position)
                counts.append(min(count, 65535))
        token_array = np.frombuffer(tokens, dtype=np.int32) if tokens else np.empty(0, np.int32)
        order = np.argsort(token_array, kind="stable")
        self.owner: NDArray[np.int32] = (np.frombuffer(owners, dtype=np.int32) if owners else token_array)[
            order
        ]
        self.count: NDArray[np.uint16] = (
            np.frombuffer(counts, dtype=np.uint16) if counts else np.empty(0, np.uint16)
        )[order]
        self.offsets = np.zeros(len(token_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(token_array, minlength=len(token_ids)), out=self.offsets[1:])
        vocabulary = list(token_ids)  # in id order (dicts keep insertion order)
        self.joined = SEPARATOR + SEPARATOR.join(vocabulary) + SEPARATOR
        lengths = np.fromiter((len(t) + 1 for t in vocabulary), dtype=np.int64, count=len(vocabulary))
        self.starts = (
            np.concatenate(([1], 1 + np.cumsum(lengths)[:-1])) if vocabulary else np.empty(0, np.int64)
        )

    def __len__(self) -> int:
        return len(self.ids)

    def _occurrences(self, word: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The tokens holding ``word`` and how often each holds it (non-overlapping, left to
        right, as ``str.count`` counts)."""
        found = np.fromiter((m.start() for m in re.finditer(re.escape(word), self.joined)), dtype=np.int64)
        if not len(found):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        owners = np.searchsorted(self.starts, found, side="right") - 1
        tokens, occurrences = np.unique(owners, return_counts=True)
        return tokens, occurrences

    def word_hits(self, word: str) -> NDArray[np.int64]:
        """Per PA (in ``ids`` order), how often ``word`` occurs in their texts, uncapped."""
        tokens, occurrences = self._occurrences(word)
        if not len(tokens):
            return np.zeros(len(self.ids), dtype=np.int64)
        first, last = self.offsets[tokens], self.offsets[tokens + 1]
        lengths = last - first
        total = int(lengths.sum())
        # The postings of every token found, gathered in one go (a ragged arange).
        steps = np.ones(total, dtype=np.int64)
        steps[0] = first[0]
        if len(tokens) > 1:
            bounds = np.cumsum(lengths)[:-1]
            steps[bounds] = first[1:] - last[:-1] + 1
        at = np.cumsum(steps)
        weights = self.count[at].astype(np.int64) * np.repeat(occurrences, lengths)
        return np.bincount(self.owner[at], weights=weights, minlength=len(self.ids)).astype(np.int64)

    def hits(self, words: Sequence[str]) -> NDArray[np.int64]:
        """Per PA (in ``ids`` order), the capped hits of all ``words`` (casefolded), or -1
        where any word is missing: ``ranking.text_hits`` for every PA at once."""
        total = np.zeros(len(self.ids), dtype=np.int64)
        for word in words:
            found = np.minimum(self.word_hits(word.casefold()), HITS_CAP)
            total = np.where((total < 0) | (found == 0), -1, total + found)
        return total


def document_hits(document: str, words: Sequence[str]) -> int:
    """``WordIndex.hits`` for one PA's haystack (the overlay's edited PAs): -1 if a word is
    missing."""
    total = 0
    for word in words:
        found = document.count(word.casefold())
        if not found:
            return -1
        total += min(found, HITS_CAP)
    return total


def hits_of(
    index: WordIndex, overlay: Mapping[int, str], ids: NDArray[np.int64], words: Sequence[str]
) -> NDArray[np.int64]:
    """The hits (-1: a word missing) of the PAs ``ids``: from the overlay for those edited
    since the index was built, else from the index (-1 for an id in neither)."""
    base = index.hits(words)
    places = np.searchsorted(index.ids, ids)
    places = np.minimum(places, max(len(index.ids) - 1, 0))
    known = (index.ids[places] == ids) if len(index.ids) else np.zeros(len(ids), dtype=bool)
    found = np.where(known, base[places] if len(base) else -1, -1)
    if overlay:
        edited = np.fromiter(overlay, dtype=np.int64, count=len(overlay))
        for k in np.flatnonzero(np.isin(ids, edited)).tolist():
            found[k] = document_hits(overlay[int(ids[k])], words)
    return found
