"""Everything about Helm charts: version constraints (`semver`), repositories (`index`,
`oci`, `fetch`, `mirrors`), archives and their values (`archive`, `helm_values`,
`values_model`, `values_url`), the cache and lockfile (`cache`, `lockfile`), and finding
the version a reader's Flux installs (`resolver`).

May use: `pages` (YAML merging as Helm merges values), `base`.
"""

from __future__ import annotations

from collections.abc import Callable

#: Where "waiting for <host>" goes: empty, the build's log. Kept here so that a command
#: can set it without importing the HTTP client (`fetch`) it may not need.
wait_notice: list[Callable[[str], None]] = []


def set_wait_notice(notice: Callable[[str], None] | None) -> None:
    """Send the waiting notices to `notice` (a line of text each); None: to the log."""
    wait_notice[:] = [] if notice is None else [notice]
