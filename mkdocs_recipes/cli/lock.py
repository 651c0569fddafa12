"""`mkdocs-recipes lock`: every recipe's chart resolved, and the lockfile written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..report.findings import Finding, Severity
from .common import (
    Site,
    UsageProblem,
    config_file_option,
    echo,
    load_site,
    print_findings,
)

if TYPE_CHECKING:
    from ..charts.lockfile import Lockfile
    from ..charts.resolver import ChartResolver


@click.command()
@config_file_option
@click.option("--update", is_flag=True, help="Resolve every chart again, not only new ones.")
def lock(config_file: Path | None, update: bool) -> None:
    """Resolve every recipe's chart and write the lockfile (recipes.lock).

    Entries already in the lockfile are kept as they are unless --update is given;
    entries no recipe uses any more are dropped. Builds then install exactly these
    versions, and can run offline once the charts are cached.
    """
    from ..charts.lockfile import Lockfile, LockfileError

    site = load_site(config_file)
    lock_path = site.root / site.options.lockfile
    try:
        previous = Lockfile.load(lock_path)
    except LockfileError as error:
        raise UsageProblem(str(error)) from None
    updated = Lockfile(lock_path)
    problems, changes = _resolve_into(updated, previous, site, update)
    # Why a chart is missing comes first: the summary then reads as its consequence.
    print_findings(problems)
    failed = any(f.severity.rank >= Severity.WARNING.rank for f in problems)
    if not updated.entries and (failed or not lock_path.exists()):
        # An empty lockfile pins nothing; written, it could be committed as if it did.
        why = "no chart could be resolved" if failed else "no recipe page names a chart"
        echo(f"{lock_path.name}: nothing locked ({why}); the file was not written")
        sys.exit(1 if failed else 0)
    if updated.render() != previous.render() or not lock_path.exists():
        updated.save()
    for change in changes:
        echo(change)
    echo(f"{lock_path.name}: {len(updated.entries)} chart(s) locked")
    if failed:
        sys.exit(1)


def _resolver(site: Site, update: bool) -> ChartResolver:
    """The site's chart resolver; with `update`, every cached index is asked again."""
    from ..charts.resolver import ChartResolver
    from ..site.project import SettingsError, resolver_settings

    options = site.options
    try:
        settings = resolver_settings(
            base_dir=site.root,
            offline=options.offline,
            cache_dir=options.cache_dir,
            cache=options.cache,
            mirrors=options.mirrors,
            index_ttl=0 if update else options.index_ttl,
        )
    except SettingsError as error:
        raise UsageProblem(f"invalid option in mkdocs.yml: {error}") from None
    return ChartResolver(settings)


def _resolve_into(
    updated: Lockfile, previous: Lockfile, site: Site, update: bool
) -> tuple[list[Finding], list[str]]:
    """Every recipe's chart entered in `updated`: kept from `previous` (unless `update`),
    else resolved. The problems met, and a line for each entry added, updated or
    removed."""
    from ..charts.lockfile import LockEntry
    from ..site.project import chart_key, recipe_pages, resolution_findings

    resolver = _resolver(site, update)
    problems: list[Finding] = []
    changes: list[str] = []
    for page in recipe_pages(site.docs_dir, site.root):
        if page.recipe is None:
            problems += page.findings
            continue
        key = chart_key(page.recipe)
        if key in updated.entries:
            continue
        kept = previous.get(key)
        if kept is not None and not update:
            updated.entries[key] = kept
            continue
        resolution = resolver.resolve(key, use_lock=False)
        problems += [
            f
            for f in resolution_findings(page.recipe, resolution)
            if f.severity is not Severity.INFO
        ]
        if resolution.chart is None:
            if kept is not None:
                updated.entries[key] = kept
            continue
        chart = resolution.chart
        entry = LockEntry(key, chart.version, "sha256:" + chart.digest, chart.url)
        updated.entries[key] = entry
        if kept is None:
            changes.append(f"added   {key.chart} {key.constraint!r} -> {chart.version}")
        elif (kept.version, kept.digest) != (entry.version, entry.digest):
            changes.append(
                f"updated {key.chart} {key.constraint!r}: {kept.version} -> {chart.version}"
            )
    for key in sorted(set(previous.entries) - set(updated.entries)):
        changes.append(f"removed {key.chart} {key.constraint!r} (no recipe uses it)")
    return problems, changes
