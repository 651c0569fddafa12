"""A site's charts and values links, fetched before its pages are analysed.

Distinct hosts are asked concurrently, each host's requests one after another (so a host
that is down is asked once, and none is flooded). What is fetched lands in the resolver's
memo, where the analysis of each page finds it; nothing here reports anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from .charts.fetch import host_of
from .charts.mirrors import apply_mirrors
from .charts.resolver import ChartResolver
from .charts.values_url import known_non_values_page, raw_url
from .project import chart_key
from .recipe import Recipe

log = logging.getLogger("mkdocs.plugins.recipes.prefetch")

#: Hosts fetched from at the same time, at most.
MAX_WORKERS = 8


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

    def add(url: str, identity: object, task: Callable[[], object]) -> None:
        host = host_of(apply_mirrors(url, resolver.settings.mirrors)) or "(local)"
        tasks.setdefault(host, {}).setdefault(identity, task)

    for recipe in recipes:
        key = chart_key(recipe)
        add(key.repository, key, partial(resolver.resolve, key))
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
        for host_tasks in tasks.values():
            pool.submit(_run, list(host_tasks.values()), finished)
    return {host: len(host_tasks) for host, host_tasks in tasks.items()}


def _run(tasks: list[Callable[[], object]], finished: Callable[[], None]) -> None:
    for task in tasks:
        try:
            task()
        except Exception:  # the page's own analysis runs it again and reports what fails
            log.debug("recipes: prefetch failed", exc_info=True)
        finished()
