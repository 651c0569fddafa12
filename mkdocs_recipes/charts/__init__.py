"""Everything about Helm charts: version constraints, repositories, archives and caching."""

from __future__ import annotations

from collections.abc import Callable

#: Where "waiting for <host>" goes (`fetch.set_wait_notice`): None, the build's log. Kept
#: here so that a command can set it without importing the HTTP client it may not need.
wait_notice: list[Callable[[str], None]] = []
