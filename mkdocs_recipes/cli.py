"""The `mkdocs-recipes` command line.

Exit status: 0 when all is well, 1 when there are findings at the failing level,
2 for a usage or configuration error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .charts.lockfile import LockEntry, Lockfile, LockfileError
from .charts.resolver import ChartResolver
from .config import RecipesConfig
from .findings import Finding, Severity
from .project import (
    SettingsError,
    chart_key,
    recipe_pages,
    resolution_findings,
    resolver_settings,
)

config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The site's mkdocs.yml (default: ./mkdocs.yml), as for `mkdocs build`.",
)


class UsageProblem(click.ClickException):
    """A configuration or usage error: printed without a traceback, exit status 2."""

    exit_code = 2


@dataclass
class Site:
    root: Path
    docs_dir: Path
    options: RecipesConfig


def load_site(config_file: Path | None) -> Site:
    """Read mkdocs.yml as MkDocs does, and the `recipes` plugin's options from it."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    path = config_file or Path("mkdocs.yml")
    if not path.is_file():
        raise UsageProblem(f"{path}: no such file; pass the site's mkdocs.yml with -f")
    try:
        config = load_config(config_file=str(path))
    except (ConfigurationError, SystemExit) as error:
        raise UsageProblem(f"{path}: MkDocs cannot load this configuration ({error})") from None
    plugin = config.plugins.get("recipes")
    options = getattr(plugin, "config", None)
    if options is None:
        options = RecipesConfig()
        options.load_dict({})
        options.validate()
    return Site(path.resolve().parent, Path(config.docs_dir), options)


def print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(f"{finding.severity.value}: {finding.as_text()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkdocs-recipes")
def main() -> None:
    """Tools for MkDocs recipe sites: each subcommand works on the site of a mkdocs.yml."""


@main.command()
@config_file_option
@click.option("--update", is_flag=True, help="Resolve every chart again, not only new ones.")
def lock(config_file: Path | None, update: bool) -> None:
    """Resolve every recipe's chart and write the lockfile (recipes.lock).

    Entries already in the lockfile are kept as they are unless --update is given;
    entries no recipe uses any more are dropped. Builds then install exactly these
    versions, and can run offline once the charts are cached.
    """
    site = load_site(config_file)
    options = site.options
    lock_path = site.root / options.lockfile
    try:
        previous = Lockfile.load(lock_path)
    except LockfileError as error:
        raise UsageProblem(str(error)) from None
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
    resolver = ChartResolver(settings)
    updated = Lockfile(lock_path)
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
    if updated.render() != previous.render() or not lock_path.exists():
        updated.save()
    for change in changes:
        click.echo(change)
    click.echo(f"{lock_path.name}: {len(updated.entries)} chart(s) locked")
    print_findings(problems)
    if any(f.severity.rank >= Severity.WARNING.rank for f in problems):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
