"""Counts the suite prints at its end: inputs the fuzz tests tried, faults the servers
injected (pytest_terminal_summary in conftest.py)."""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()
