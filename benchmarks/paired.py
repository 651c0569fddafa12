"""Paired measurements: A and B alternate (A B, then B A, ...), and each pair gives one
ratio B/A. The median of the ratios, with their min and max, says more than the ratio of
two medians when the machine's load drifts during the run: both sides of a pair see the
same load."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
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
    return Paired(*rounds([run_a, run_b], pairs))


def rounds(runs: Sequence[Callable[[], float]], count: int) -> list[list[float]]:
    """`count` rounds of every one of `runs`, in their order, then in reverse, and so on:
    the times of each, round by round (the first run's times are the A of the others)."""
    times: list[list[float]] = [[] for _ in runs]
    for number in range(count):
        order = range(len(runs)) if number % 2 == 0 else reversed(range(len(runs)))
        for index in order:
            times[index].append(runs[index]())
    return times
