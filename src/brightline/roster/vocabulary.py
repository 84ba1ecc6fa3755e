"""Finding a typed name among the distinct squashed names of the roster.

Three tiers, tried in this order by the caller: exact, prefix (a sorted list and bisection) and
close (edit distance within :func:`~brightline.roster.names.allowed_typos`). Close matches use
two indexes, each of which finds *every* word within the distance, verified by the exact distance:

- distance 1: every word and each of its one-letter deletions (two words are at most one edit
  apart exactly when they share such a variant);
- distance 2 (typed words of 8 letters or more): padded trigrams. Each edit destroys at most four
  trigrams (a swap of neighbours four, any other edit three), so a word within 2 edits shares at
  least ``distinct trigrams - 8`` of the query's; when that bound is not positive the words of
  nearby length are scanned instead.

Distances count a swap of two neighbouring letters as one edit (see ``names.edit_distance``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable

from brightline.roster.names import allowed_typos, edit_distance


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _trigrams(word: str) -> set[str]:
    padded = f"^^{word}$$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Vocabulary:
    """The distinct words of one name field, indexed for the three tiers."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: list[str] = sorted({w for w in words if w})
        self._known = set(self.words)
        self._variants: dict[str, list[int]] = defaultdict(list)
        self._grams: dict[str, list[int]] = defaultdict(list)
        self._by_length: dict[int, list[int]] = defaultdict(list)
        for number, word in enumerate(self.words):
            for variant in _deletions(word) | {word}:
                self._variants[variant].append(number)
            for gram in _trigrams(word):
                self._grams[gram].append(number)
            self._by_length[len(word)].append(number)

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def prefixed(self, prefix: str) -> list[str]:
        """Every word that starts with ``prefix`` (itself excluded)."""
        found = []
        for word in self.words[bisect_left(self.words, prefix) :]:
            if not word.startswith(prefix):
                break
            if word != prefix:
                found.append(word)
        return found

    def close(self, word: str, limit: int | None = None) -> list[str]:
        """Every other word within ``limit`` edits (default: allowed_typos of its length)."""
        limit = allowed_typos(len(word)) if limit is None else limit
        if limit <= 0:
            return []
        candidates = self._near_one(word) if limit == 1 else self._near_two(word)
        found = [
            self.words[n]
            for n in sorted(candidates)
            if self.words[n] != word and edit_distance(word, self.words[n], limit) <= limit
        ]
        return found

    def _near_one(self, word: str) -> set[int]:
        found: set[int] = set()
        for variant in _deletions(word) | {word}:
            found.update(self._variants.get(variant, ()))
        return found

    def _near_two(self, word: str) -> set[int]:
        grams = _trigrams(word)
        needed = len(grams) - 8
        if needed <= 0:
            sizes = range(len(word) - 2, len(word) + 3)
            return {n for size in sizes for n in self._by_length.get(size, ())}
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self._grams.get(gram, ()))
        size = len(word)
        words = self.words
        return {
            n for n, count in shared.items() if count >= needed and abs(len(words[n]) - size) <= 2
        }
