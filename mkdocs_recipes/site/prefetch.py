"""A site's charts and values links, fetched before its pages are analysed.

Distinct hosts are asked concurrently. On each host, one request goes first: the index of
a chart repository there, else the host's first task (a host that is down is then asked
once, and an index is read once). The rest follow a few at a time, so a repository's
charts arrive in about the time of its index and its slowest archive, and no host is
flooded. What is fetched lands in the resolver's memo, where the analysis of
each page finds it; nothing here reports anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from ..charts.fetch import host_of
from ..charts.mirrors import apply_mirrors
from ..charts.resolver import ChartResolver
from ..charts.values_url import known_non_values_page, raw_url
from ..recipe.model import Recipe
from .project import chart_key

log = logging.getLogger("mkdocs.plugins.recipes.prefetch")

#: Hosts fetched from at the same time, at most.
MAX_WORKERS = 8
#: Requests to one host at the same time, at most (as many as browsers allow).
PER_HOST = 6


def prefetch(
    resolver: ChartResolver,
    recipes: Iterable[Recipe],
    values_urls: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Resolve every recipe's chart (and fetch its values_yaml_url when `values_urls`),
    grouped by host. Returns how many distinct fetches each host got. `progress` is told
    `("charts", done, total)` as fetches end."""
    tasks: dict[str, dict[object, Callable[[], object]]] = {}
    leads: dict[str, Callable[[], object]] = {}

    def add(url: str, identity: object, task: Callable[[], object]) -> str:
        host = host_of(apply_mirrors(url, resolver.settings.mirrors)) or "(local)"
        tasks.setdefault(host, {}).setdefault(identity, task)
        return host

    for recipe in recipes:
        key = chart_key(recipe)
        host = add(key.repository, key, partial(resolver.resolve, key))
        if not apply_mirrors(key.repository, resolver.settings.mirrors).startswith("oci://"):
            # Every chart of an HTTP repository needs its index: read it first, once.
            leads.setdefault(host, partial(resolver.chart_names, key.repository))
        link = recipe.values_yaml_url
        if values_urls and link and not known_non_values_page(link):
            raw = raw_url(link)
            add(raw, raw, partial(resolver.fetch_text, raw))
    if not tasks:
        return {}
    total = sum(len(host_tasks) for host_tasks in tasks.values())
    done = [0]
    lock = threading.Lock()

    def finished() -> None:
        if progress is not None:
            with lock:
                done[0] += 1
                progress("charts", done[0], total)

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(tasks))) as pool:
        for host, host_tasks in tasks.items():
            pool.submit(_run, leads.get(host), list(host_tasks.values()), finished)
    return {host: len(host_tasks) for host, host_tasks in tasks.items()}


def _run(
    lead: Callable[[], object] | None,
    tasks: list[Callable[[], object]],
    finished: Callable[[], None],
) -> None:
    """One host's tasks: `lead` (or else the first task) alone, then the rest up to
    PER_HOST at a time."""

    def one(task: Callable[[], object], counted: bool = True) -> None:
        try:
            task()
        except Exception:  # the page's own analysis runs it again and reports what fails
            log.debug("recipes: prefetch failed", exc_info=True)
        if counted:
            finished()

    if lead is not None:
        one(lead, counted=False)
    else:
        one(tasks[0])
        tasks = tasks[1:]
    if not tasks:
        return
    with ThreadPoolExecutor(max_workers=min(PER_HOST, len(tasks))) as pool:
        for task in tasks:
            pool.submit(one, task)
