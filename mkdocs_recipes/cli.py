"""The `mkdocs-recipes` command line.

Exit status: 0 when all is well, 1 when there are findings at the failing level,
2 for a usage or configuration error.
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .charts.cache import atomic_write
from .charts.lockfile import LockEntry, Lockfile, LockfileError
from .charts.resolver import ChartResolver
from .config import RecipesConfig
from .findings import Finding, Severity
from .formats import FORMATS
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


@main.command()
@click.option(
    "--write",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write the include files into DIR (the site's macros include_dir).",
)
@click.option("--force", is_flag=True, help="Replace files in DIR that differ from ours.")
def includes(folder: Path | None, force: bool) -> None:
    """List the packaged include files, or write them into a site's include_dir.

    Engines that cannot load the packaged includes (Zensical) need them as files. Each
    file only calls its macro. A file of the same name that differs is the site's own:
    it is kept unless --force is given. Running it again changes nothing.
    """
    from .engine import INCLUDES_DIR, PACKAGED_INCLUDES

    if folder is None:
        for name in PACKAGED_INCLUDES:
            click.echo(name)
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageProblem(f"{folder}: cannot create it ({error.strerror})") from None
    refused = 0
    for name in PACKAGED_INCLUDES:
        ours = (INCLUDES_DIR / name).read_text(encoding="utf-8")
        target = folder / name
        kind = _not_a_file(target)
        if kind is not None:
            # Writing through a link or into a device is never what the site meant.
            click.echo(f"refused   {target} ({kind}; only regular files are written)")
            refused += 1
            continue
        try:
            current = _small_text(target) if target.exists() else None
        except (OSError, UnicodeDecodeError):
            current = ""
        if current == ours:
            click.echo(f"unchanged {target}")
            continue
        if current is not None and not force:
            click.echo(f"kept      {target} (your own file; --force replaces it)")
            continue
        try:
            atomic_write(target, ours.encode("utf-8"), mode=0o644)
        except OSError as error:
            raise UsageProblem(f"{target}: cannot write it ({error.strerror})") from None
        click.echo(f"{'replaced' if current is not None else 'wrote':<9} {target}")
    if refused:
        raise UsageProblem(
            f"{refused} file(s) in {folder} are not regular files and were left alone"
        )


def _not_a_file(path: Path) -> str | None:
    """What `path` is when it exists and is not a regular file (a link, a device...)."""
    import stat

    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot be examined ({error.strerror})"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a device or socket"


def _small_text(path: Path, limit: int = 1024 * 1024) -> str:
    """A regular file's text, read within `limit` (an include file is a few lines)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return "" if len(data) > limit else data.decode("utf-8")


def _code_list(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`--select a,b --select c` -> codes or prefixes (`link-`), each checked."""
    import difflib

    from .findings import CODES

    chosen = tuple(c.strip() for value in values for c in value.split(",") if c.strip())
    for code in chosen:
        if code in CODES or (code.endswith("-") and any(c.startswith(code) for c in CODES)):
            continue
        close = difflib.get_close_matches(code, list(CODES), n=1)
        raise UsageProblem(
            f"{option}: `{code}` is not a finding code"
            + (f"; did you mean `{close[0]}`?" if close else " (see the finding codes reference)")
        )
    return chosen


def _matches(code: str, chosen: tuple[str, ...]) -> bool:
    return any(code == c or (c.endswith("-") and code.startswith(c)) for c in chosen)


class _Progress:
    """One line on a terminal's stderr, rewritten as work advances; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r{stage:>6} [{bar}] {done}/{total}", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_file_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json for scripts; github for workflow annotations; sarif for "
    "code scanning.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too (as mkdocs --strict).")
@click.option("--offline", is_flag=True, help="Never touch the network: cache and lockfile only.")
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Report only these codes (comma-separated; a prefix such as `link-` selects a family).",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not report these codes.")
def check(
    paths: tuple[Path, ...],
    config_file: Path | None,
    output_format: str,
    strict: bool,
    offline: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Check the site's pages as `mkdocs build` would, without building HTML, plus its links
    and its recipes against each other.

    PATHS limit what is reported to those files or folders (a pre-commit hook passes the
    changed files); every page is still read, so checks across pages see the whole site.
    Exit status: 0 clean, 1 findings at the failing level (errors; warnings too with
    --strict), 2 usage or configuration error.
    """
    from .engine import display_path
    from .formats import Summary, render
    from .site_check import SiteCheckError, check_site

    selected = _code_list(select, "--select")
    ignored = _code_list(ignore, "--ignore")
    path = config_file or Path("mkdocs.yml")
    if not path.is_file():
        raise UsageProblem(f"{path}: no such file; pass the site's mkdocs.yml with -f")
    for given in paths:
        if not given.exists():
            raise UsageProblem(f"{given}: no such file or folder")
    progress = _Progress(sys.stderr.isatty() and output_format == "text")
    try:
        # This process ends when the check does: what loading the site made (modules,
        # configuration, plugins) lives until then, so the garbage collector need not walk
        # it again and again while pages are checked.
        report = check_site(path, offline=offline, progress=progress, ready=gc.freeze)
    except SiteCheckError as error:
        raise UsageProblem(str(error)) from None
    finally:
        progress.close()
    wanted = [display_path(str(given.resolve())) for given in paths]
    findings = [
        f
        for f in report.findings
        if (not selected or _matches(f.code, selected))
        and not _matches(f.code, ignored)
        and (
            not wanted or any(f.path == w or f.path.startswith(w.rstrip("/") + "/") for w in wanted)
        )
    ]
    findings.sort(key=lambda f: (f.path, f.line, f.code))
    failing = Severity.WARNING.rank if strict else Severity.ERROR.rank
    failed = any(f.severity.rank >= failing for f in findings)
    summary = Summary(len(report.pages), report.recipes, tuple(findings), failed)
    click.echo(render(output_format, summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
