"""Did-you-mean within a budget.

A hint is worth little next to the finding it goes with, and a page decides how many
findings there are: 5,000 undefined references against 3,000 defined labels would be
fifteen million string comparisons. So suggestions look only at candidates of about the
word's length (the nearest lengths first, a few hundred at most) and stop after a fixed
number of words; past that, findings come without a did-you-mean.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

#: Candidates compared with one word, at most.
MAX_CANDIDATES = 300
#: Distinct words one `Suggestions` looks up, at most.
MAX_WORDS = 500


class Suggestions:
    """The close matches among `candidates`, each word looked up once."""

    def __init__(self, candidates: Iterable[str], cutoff: float = 0.6) -> None:
        self.cutoff = cutoff
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for candidate in sorted(set(candidates)):
            self._by_length[len(candidate)].append(candidate)
        self._known: dict[str, str | None] = {}

    def closest(self, word: str) -> str | None:
        if word in self._known:
            return self._known[word]
        if len(self._known) >= MAX_WORDS or not self._by_length:
            return None
        reach = max(2, len(word) // 3)
        nearby: list[str] = []
        for distance in range(reach + 1):
            for length in {len(word) - distance, len(word) + distance}:
                nearby += self._by_length.get(length, ())
            if len(nearby) >= MAX_CANDIDATES:
                break
        close = difflib.get_close_matches(word, nearby[:MAX_CANDIDATES], n=1, cutoff=self.cutoff)
        self._known[word] = close[0] if close else None
        return self._known[word]
