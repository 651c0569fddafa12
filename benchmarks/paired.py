"""Paired measurements: A and B alternate (A B, then B A, ...), and each pair gives one
ratio B/A. The median of the ratios, with their min and max, says more than the ratio of
two medians when the machine's load drifts during the run: both sides of a pair see the
same load."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Paired:
    a: list[float]
    b: list[float]

    @property
    def ratios(self) -> list[float]:
        return [b / a for a, b in zip(self.a, self.b, strict=True)]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    def spread(self) -> str:
        """`1.043 (1.021 - 1.088)`: the median ratio and its range."""
        return f"{self.median:.3f} ({min(self.ratios):.3f} - {max(self.ratios):.3f})"


def paired(run_a: Callable[[], float], run_b: Callable[[], float], pairs: int) -> Paired:
    """`pairs` runs of each, alternating which goes first."""
    a: list[float] = []
    b: list[float] = []
    for number in range(pairs):
        if number % 2 == 0:
            a.append(run_a())
            b.append(run_b())
        else:
            b.append(run_b())
            a.append(run_a())
    return Paired(a, b)
