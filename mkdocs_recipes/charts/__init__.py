"""Everything about Helm charts: version constraints, repositories, archives and caching."""

from __future__ import annotations

from collections.abc import Callable

#: Where "waiting for <host>" goes: empty, the build's log. Kept here so that a command
#: can set it without importing the HTTP client (`fetch`) it may not need.
wait_notice: list[Callable[[str], None]] = []


def set_wait_notice(notice: Callable[[str], None] | None) -> None:
    """Send the waiting notices to `notice` (a line of text each); None: to the log."""
    wait_notice[:] = [] if notice is None else [notice]
