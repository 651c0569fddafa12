"""The `mkdocs-recipes` command line.

Exit status: 0 when all is well, 1 when there are findings at the failing level,
2 for a usage or configuration error.
"""

from __future__ import annotations

import functools
import gc
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._version import __version__
from ..base import writing
from ..base.plain_text import visible, visible_lines, without_credentials
from ..report.baseline import BASELINE_NAME
from ..report.findings import Finding, Severity, display_path
from ..report.formats import FORMATS
from . import lazy_modules, regex_cache

if TYPE_CHECKING:
    from ..config import RecipesConfig

# The commands import the rest of the package when they run: a `check` answered from
# its cache starts in a fraction of the time the whole package takes to load.

config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The site's configuration (default: ./properdocs.yml, ./properdocs.yaml, "
    "./mkdocs.yml or ./mkdocs.yaml, the first there is, as ProperDocs finds it).",
)


offline_option = click.option(
    "--offline", is_flag=True, help="Never touch the network: cache and lockfile only."
)


def crds_option(help_text: str) -> Any:
    return click.option(
        "--crds",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        metavar="PATH",
        help=help_text,
    )


class UsageProblem(click.ClickException):
    """A configuration or usage error: printed without a traceback, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(visible_lines(message))


def echo(text: str = "", *, err: bool = False) -> None:
    """Print one line that may quote page paths, files, charts and servers: every control
    character escaped, a line break included (no forged `::error` line, no escape
    sequence or OSC 8 link on the terminal), as findings are."""
    click.echo(visible(without_credentials(text)), err=err)


def echo_lines(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a report of several lines (a diff, `outdated`'s text) whose makers escaped
    what they quote: the line breaks are its own; any other control character is
    escaped. Only the JSON outputs, escaped by their encoder, and the progress line's
    carriage returns bypass these two."""
    click.echo(visible_lines(text), err=err, nl=nl)


@dataclass
class Site:
    root: Path
    docs_dir: Path
    options: RecipesConfig


#: The names a site's configuration may have, in the order ProperDocs looks for them
#: (MkDocs itself knows the last two; a ProperDocs site has `properdocs.yml`).
CONFIG_NAMES = ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")


def site_config(config_file: Path | None) -> Path:
    """The configuration a command works on: `-f`, else the first of `CONFIG_NAMES` in the
    working directory, as `properdocs build` finds it (and `mkdocs build`, which knows
    only the mkdocs ones, for a MkDocs site). From here on, MkDocs' modules are those of
    the site's engine (`engines.use_engine_of`)."""
    from ..site.engines import use_engine_of

    if config_file is not None:
        if not config_file.is_file():
            raise UsageProblem(f"{config_file}: no such file; pass the site's mkdocs.yml with -f")
        use_engine_of(config_file)
        return config_file
    for name in CONFIG_NAMES:
        if Path(name).is_file():
            use_engine_of(Path(name))
            return Path(name)
    raise UsageProblem(
        f"no {', '.join(CONFIG_NAMES[:-1])} or {CONFIG_NAMES[-1]} here; run in the site's "
        "folder or pass its configuration with -f"
    )


def load_site(config_file: Path | None) -> Site:
    """Read the site's configuration as its engine does, and the `recipes` plugin's
    options from it."""
    from ..site.engines import running

    path = site_config(config_file)  # before MkDocs' modules: they may be ProperDocs'
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from ..config import RecipesConfig

    try:
        config = load_config(config_file=str(path))
    except (ConfigurationError, SystemExit) as error:
        engine = running()
        raise UsageProblem(f"{path}: {engine} cannot load this configuration ({error})") from None
    plugin = config.plugins.get("recipes")
    options = getattr(plugin, "config", None)
    if options is None:
        options = RecipesConfig()
        options.load_dict({})
        options.validate()
    return Site(path.resolve().parent, Path(config.docs_dir), options)


def print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        echo(f"{finding.severity.value}: {finding.as_text()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkdocs-recipes")
def main() -> None:
    """Tools for MkDocs recipe sites: each subcommand works on the site of a mkdocs.yml."""
    from ..charts import set_wait_notice

    # A silent chart host is named on the terminal while a command waits for it.
    set_wait_notice(lambda text: echo(text, err=True))


@main.command()
@config_file_option
@click.option("--update", is_flag=True, help="Resolve every chart again, not only new ones.")
def lock(config_file: Path | None, update: bool) -> None:
    """Resolve every recipe's chart and write the lockfile (recipes.lock).

    Entries already in the lockfile are kept as they are unless --update is given;
    entries no recipe uses any more are dropped. Builds then install exactly these
    versions, and can run offline once the charts are cached.
    """
    from ..charts.lockfile import LockEntry, Lockfile, LockfileError
    from ..charts.resolver import ChartResolver
    from ..site.project import (
        SettingsError,
        chart_key,
        recipe_pages,
        resolution_findings,
        resolver_settings,
    )

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
    from ..site.engine import INCLUDES_DIR, PACKAGED_INCLUDES

    if folder is None:
        for name in PACKAGED_INCLUDES:
            echo(name)
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageProblem(f"{folder}: cannot create it ({error.strerror})") from None
    refused = 0
    for name in PACKAGED_INCLUDES:
        ours = (INCLUDES_DIR / name).read_text(encoding="utf-8")
        target = folder / name
        try:
            outcome = writing.write_text(target, ours, force=force)
        except OSError as error:
            raise UsageProblem(f"{target}: cannot write it ({error.strerror})") from None
        # Writing through a link or into a device is never what the site meant.
        if outcome.status == writing.REFUSED:
            refused += 1
        echo(writing.outcome_line(outcome, "your own file; --force replaces it"))
    if refused:
        raise UsageProblem(
            f"{refused} file(s) in {folder} are not regular files and were left alone"
        )


def _code_list(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """`--select a,b --select c` -> codes or prefixes (`link-`), each checked."""
    import difflib

    from ..report.findings import CODES

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
@offline_option
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Report only these codes (comma-separated; a prefix such as `link-` selects a family).",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not report these codes.")
@click.option(
    "--fix", is_flag=True, help="Apply the safe fixes in place (Flux apiVersions), then report."
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also the fixes that need a person's look (a values key renamed to its only "
    "close match in the chart).",
)
@click.option(
    "--write-baseline",
    "baseline_file",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    help="Accept today's findings: write them to FILE (default: the `baseline` option, "
    f"{BASELINE_NAME} beside mkdocs.yml).",
)
@click.option("--no-baseline", is_flag=True, help="Report every finding, baselined or not.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every page again; do not read or write the check cache.",
)
@crds_option(
    "With --fix: CRD manifests an object must validate against under its new "
    "apiVersion before the fix is made."
)
def check(
    paths: tuple[Path, ...],
    config_file: Path | None,
    output_format: str,
    strict: bool,
    offline: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    diff: bool,
    unsafe_fixes: bool,
    baseline_file: str | None,
    no_baseline: bool,
    no_cache: bool,
    crds: tuple[Path, ...],
) -> None:
    """Check the site's pages as `mkdocs build` would, without building HTML, plus its links
    and its recipes against each other.

    PATHS limit what is reported to those files or folders (a pre-commit hook passes the
    changed files); every page is still read, so checks across pages see the whole site.
    Exit status: 0 clean, 1 findings at the failing level (errors; warnings too with
    --strict), 2 usage or configuration error.
    """
    from ..report.formats import Summary, render

    selected = _code_list(select, "--select")
    ignored = _code_list(ignore, "--ignore")
    path = site_config(config_file)
    for given in paths:
        if not given.exists():
            raise UsageProblem(f"{given}: no such file or folder")
    wanted = [display_path(str(given.resolve())) for given in paths]

    def run(use_baseline: bool, use_cache: bool) -> tuple[_Checked, list[Finding]]:
        report = _checked_site(path, offline, use_baseline, use_cache, output_format)
        findings = [
            f
            for f in report.findings
            if (not selected or _matches(f.code, selected))
            and not _matches(f.code, ignored)
            and (
                not wanted
                or any(f.path == w or f.path.startswith(w.rstrip("/") + "/") for w in wanted)
            )
        ]
        findings.sort(key=lambda f: (f.path, f.line, f.code))
        return report, findings

    use_baseline = not no_baseline and baseline_file is None
    # The cache keeps reports, not fixes: a run that fixes or writes reads every page.
    use_cache = not (no_cache or fix or diff or unsafe_fixes) and baseline_file is None
    report, findings = run(use_baseline, use_cache)
    if baseline_file is not None:
        _write_baseline(report, findings, baseline_file)
        return
    fixed = 0
    if fix or diff or unsafe_fixes:
        from ..report.fixes import plan_fixes, shown_paths

        schemas = _crd_schemas(crds, None) if crds else None
        plan = plan_fixes(findings, report.root, unsafe=unsafe_fixes, crds=schemas)
        fixed = len(plan.fixed)
        if schemas is not None:
            print_findings(schemas.unchecked)
        for finding, reasons in plan.refused:
            echo(
                f"not fixed: {finding.path}:{finding.line}: the CRDs reject it as "
                f"{finding.fix.new if finding.fix else '?'}: {'; '.join(reasons[:3])}",
                err=True,
            )
        if diff:
            # Nothing is written: every finding is still there, the fixable ones among
            # them, and the summary counts those (`N fixable with --fix`).
            echo_lines(plan.diff(shown_paths(plan)), nl=False, err=output_format != "text")
        elif plan.texts:
            try:
                plan.write()
            except OSError as error:
                raise UsageProblem(f"cannot write a fix ({error})") from None
            report, findings = run(use_baseline, False)  # what remains, read again
    failing = Severity.WARNING.rank if strict else Severity.ERROR.rank
    failed = any(f.severity.rank >= failing for f in findings)
    summary = Summary(
        report.pages,
        report.recipes,
        tuple(findings),
        failed,
        fixed,
        use_baseline and report.baseline_used,
        diff,
    )
    click.echo(render(output_format, summary))
    sys.exit(1 if failed else 0)


@dataclass
class _Checked:
    """A check's report: counted pages and recipes, every finding, and the site (None
    when the report came from the check cache)."""

    pages: int
    recipes: int
    findings: list[Finding]
    baseline_used: bool
    site: Any = None

    @property
    def root(self) -> Any:
        return self.site.root

    @property
    def engine(self) -> Any:
        return self.site.engine


def _checked_site(
    path: Path, offline: bool, use_baseline: bool, use_cache: bool, output_format: str
) -> _Checked:
    if use_cache:
        from ..site.check_cache import kept_report

        kept = kept_report(path, offline=offline, baseline=use_baseline)
        if kept is not None:
            return _Checked(kept.pages, kept.recipes, kept.findings, kept.baseline_used)
    lazy_modules.defer("requests")  # see lazy_modules: mkdocs-macros imports it unused
    with regex_cache.kept(_user_cache()):  # see regex_cache: MkDocs' imports compile ~300
        return _check_loaded_site(path, offline, use_baseline, use_cache, output_format)


def _user_cache() -> Path:
    from ..charts.cache import default_cache_dir

    return default_cache_dir()


def _check_loaded_site(
    path: Path, offline: bool, use_baseline: bool, use_cache: bool, output_format: str
) -> _Checked:
    from ..site_build import SiteCheckError, check_site

    progress = _Progress(sys.stderr.isatty() and output_format == "text")
    # What loading the site makes (modules, configuration, plugins) lives until the check
    # ends. The garbage collector would walk it over and over while it is made (about 5 %
    # of a check), and then again while pages are checked: it is off until the site is
    # loaded, and what was made by then is set aside (`gc.freeze`) when it comes back on.
    # The pages' own results (findings, YAML nodes, rendered text) live on too: the
    # collector then runs every 10,000 new objects instead of every 700 (2 % of a check).
    collecting = gc.isenabled()
    thresholds = gc.get_threshold()

    def ready() -> None:
        gc.freeze()
        gc.set_threshold(max(thresholds[0], 10_000), *thresholds[1:])
        if collecting:
            gc.enable()

    gc.disable()
    try:
        report = check_site(
            path,
            offline=offline,
            progress=progress,
            ready=ready,
            baseline=use_baseline,
            cache=use_cache,
        )
    except SiteCheckError as error:
        raise UsageProblem(str(error)) from None
    finally:
        gc.set_threshold(*thresholds)
        if collecting:
            gc.enable()
        progress.close()
    pages, recipes = len(report.pages), report.recipes
    return _Checked(pages, recipes, report.findings, report.baseline_used, report)


def _write_baseline(report: Any, findings: list[Finding], chosen: str) -> None:
    from ..report.baseline import write_baseline

    root = report.root
    target = Path(chosen) if chosen else root / (report.site.baseline_option or BASELINE_NAME)
    kind = writing.not_a_file(target)
    if kind is not None:
        raise UsageProblem(f"{target}: {kind}; the baseline is written as a regular file")
    try:
        count = write_baseline(target, root, findings)
    except OSError as error:
        raise UsageProblem(f"{target}: cannot write it ({error.strerror})") from None
    echo(
        f"wrote {display_path(target)}: {count} finding(s) accepted for now; `check` reports "
        "them as info until their lines change"
    )


def _load_pages(config_file: Path | None, offline: bool) -> Any:
    """The site analysed page by page (no checks across pages), as `check` reads it."""
    lazy_modules.defer("requests")
    path = site_config(config_file)  # before MkDocs' modules: they may be ProperDocs'
    from ..site_build import SiteCheckError, check_site

    try:
        with regex_cache.kept(_user_cache()):
            return check_site(path, offline=offline, whole_site=False)
    except SiteCheckError as error:
        raise UsageProblem(str(error)) from None


def _recipe_states(report: Any, given: tuple[Path, ...]) -> tuple[list[Any], list[Finding]]:
    """The analysed recipe pages among `given` (files or folders; none: every page), and
    the errors of pages that declare a recipe that cannot be read."""
    from ..report.findings import display_path

    wanted = []
    for item in given:
        if not item.exists():
            raise UsageProblem(f"{item}: no such file or folder")
        wanted.append(display_path(str(item.resolve())))

    def chosen(path: str) -> bool:
        return not wanted or any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)

    states, problems = [], []
    for page in report.pages:
        if not chosen(page.path) or page.state is None:
            continue
        if page.recipe is not None:
            states.append(page.state)
        elif page.declared:
            problems += [f for f in page.state.findings if f.severity is Severity.ERROR]
    for item, shown in zip(given, wanted, strict=True):
        if (
            item.is_file()
            and not any(s.path == shown for s in states)
            and not any(f.path == shown for f in problems)
        ):
            raise UsageProblem(f"{item}: not a recipe page of this site (no helm_chart_name)")
    return states, problems


def _crd_schemas(given: tuple[Path, ...], repository: Path | None) -> Any:
    from ..flux.crd_schemas import CrdSchemas, bootstrap_files

    schemas = CrdSchemas.load(given)
    if given and not schemas.sources:
        raise UsageProblem(
            f"no CustomResourceDefinition in {', '.join(str(p) for p in given)}: pass the "
            "Flux CRDs (`flux install --export`, or the cluster's gotk-components.yaml)"
        )
    if repository is not None and repository.is_dir():
        for file in bootstrap_files(repository):
            schemas.read(file)
    for problem in schemas.problems:
        echo(f"warning: CRDs: {problem}", err=True)
    return schemas


@main.command()
@click.argument("pages", nargs=-1, type=click.Path(path_type=Path))
@config_file_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write the objects into DIR (a GitOps repository), one file each.",
)
@click.option(
    "--check",
    "check_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    metavar="DIR",
    help="Write nothing: compare with the GitOps repository in DIR and report the drift.",
)
@click.option(
    "--values",
    "values_mode",
    type=click.Choice(("none", "page", "full")),  # plan_export's `values`
    default="page",
    show_default=True,
    help="HelmRelease values: none; the page's values snippets merged in page order; or "
    "full, the chart's defaults with the page's values merged over them.",
)
@click.option("--force", is_flag=True, help="Replace files in DIR that differ from the export.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would change as a diff.")
@crds_option(
    "CRD manifests (files or folders) to validate the objects against; the "
    "gotk-components.yaml files under DIR are read too."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="With --check: the output format, as for `check`.",
)
@click.option("--strict", is_flag=True, help="With --check: warnings fail it too.")
@offline_option
def export(
    pages: tuple[Path, ...],
    config_file: Path | None,
    out: Path | None,
    check_dir: Path | None,
    values_mode: str,
    force: bool,
    dry_run: bool,
    crds: tuple[Path, ...],
    output_format: str,
    strict: bool,
    offline: bool,
) -> None:
    """Write the Flux objects of recipe pages into a GitOps repository (--out DIR), or
    compare them with one (--check DIR).

    PAGES are recipe pages or folders of them (default: every recipe of the site). Each
    object goes in its own file, at the path the site's `*_path` options give (the titles
    of the page's blocks). A file that differs from the export is yours: it is kept
    unless --force is given. Exporting again changes nothing. Exit status: 0 done (or no
    drift), 1 findings at the failing level or files kept, 2 usage error.
    """
    from ..gitops.export import plan_export

    if (out is None) == (check_dir is None):
        raise UsageProblem("give one of --out DIR (write the files) or --check DIR (compare)")
    if check_dir is not None and (force or dry_run):
        raise UsageProblem("--force and --dry-run go with --out; --check never writes")
    report = _load_pages(config_file, offline)
    states, problems = _recipe_states(report, pages)
    if not states and not problems:
        raise UsageProblem("no recipe page to export (pages with helm_chart_name)")
    schemas = _crd_schemas(crds, out or check_dir)
    plan = plan_export(states, values_mode, schemas)
    if check_dir is not None:
        _export_check(
            report,
            states,
            plan,
            problems + schemas.unchecked,
            check_dir,
            values_mode,
            output_format,
            strict,
        )
        return
    assert out is not None
    flux_version = report.engine.flux.flux_version
    if schemas.sources:
        kinds = ", ".join(sorted(schemas.served))
        echo(f"validated against the CRDs of {kinds} ({len(schemas.sources)} file(s))", err=True)
    else:
        echo(
            f"no Flux CRDs found (pass --crds, or keep gotk-components.yaml in {out}): "
            f"objects follow the API versions Flux {flux_version} serves, unvalidated",
            err=True,
        )
    failed = _write_plan(plan, out, force=force, dry_run=dry_run)
    findings = problems + plan.findings + schemas.unchecked
    print_findings(sorted(findings, key=lambda f: (f.path, f.line, f.code)))
    for state in states:
        errors = sum(1 for f in state.findings if f.severity is Severity.ERROR)
        if errors:
            echo(
                f"note: {state.path} has {errors} error(s) of its own, exported as it is "
                f"(`mkdocs-recipes check {state.path}` lists them)",
                err=True,
            )
    if failed or any(f.severity is Severity.ERROR for f in findings):
        sys.exit(1)


def _write_plan(plan: Any, out: Path, *, force: bool, dry_run: bool) -> bool:
    """Write (or diff) every file of the plan under `out`; True when some were not."""
    from ..gitops.export import holds_same_objects, redact_secrets

    counts: dict[str, int] = {}
    failed = False
    for relative in sorted(plan.files):
        text = plan.text(relative)
        target = writing.inside(out, relative)
        if target is None:
            echo(
                f"refused   {out / relative} (outside {out}, or in a hidden folder of it: "
                "check the *_path options)"
            )
            failed = True
            continue
        if dry_run:
            current, refusal = writing.current_text(target)
            if refusal is not None:
                echo(f"refused   {target} ({refusal})")
                failed = True
            elif current != text:
                # A secret the repository holds is not shown (nor the page's: it is a diff).
                before = redact_secrets(current) if current is not None else None
                shown = writing.unified_diff(before, redact_secrets(text), relative)
                if shown:
                    echo_lines(shown, nl=False)
                else:
                    echo(f"{target}: differs in the values of secret keys (not shown)")
            continue
        try:
            outcome = writing.write_text(
                target,
                text,
                force=force,
                ours=functools.partial(holds_same_objects, ours=text),
            )
        except OSError as error:
            raise UsageProblem(f"{target}: cannot write it ({error.strerror})") from None
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        failed |= outcome.status in (writing.REFUSED, writing.KEPT)
        echo(writing.outcome_line(outcome, "differs from the export; --force replaces it"))
    if not dry_run:
        done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        echo(f"{len(plan.files)} file(s) from {len(plan.pages)} page(s): {done or 'none'}")
    return failed


def _export_check(
    report: Any,
    states: list[Any],
    plan: Any,
    problems: list[Finding],
    folder: Path,
    values_mode: str,
    output_format: str,
    strict: bool,
) -> None:
    from ..gitops.drift import drift_findings
    from ..report.formats import Summary, render
    from ..report.severities import apply_levels

    # What concerns committing the export (secrets, placeholders) is not drift.
    kept = {"export-invalid", "export-conflict", "export-values-unavailable"}
    findings = problems + [f for f in plan.findings if f.code in kept]
    findings += drift_findings(plan, folder, compare_values=values_mode != "none")
    findings = apply_levels(findings, report.engine.levels, ())
    findings.sort(key=lambda f: (f.path, f.line, f.code))
    failing = Severity.WARNING.rank if strict else Severity.ERROR.rank
    failed = any(f.severity.rank >= failing for f in findings)
    summary = Summary(len(states), len(states), tuple(findings), failed)
    click.echo(render(output_format, summary))
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("pages", nargs=-1, type=click.Path(path_type=Path))
@config_file_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json", "github")),
    default="text",
    show_default=True,
    help="text for people; json for scripts; github for workflow annotations.",
)
@offline_option
def outdated(
    pages: tuple[Path, ...], config_file: Path | None, output_format: str, offline: bool
) -> None:
    """Per recipe: its version range, what it resolves to, the newest stable chart, and
    what on the page would break on that chart (values keys it no longer has, with the
    closest key it does have; values its schema newly requires).

    Offline, the cached indexes, charts and the lockfile answer, and what they cannot
    answer is said. Exit status: 0 (a report, not a check; `check` is the gate), 2 usage
    error.
    """
    from ..gitops.outdated import as_findings, as_json, as_text, recipe_update
    from ..report.formats import Summary
    from ..report.formats import render as render_findings

    report = _load_pages(config_file, offline)
    states, problems = _recipe_states(report, pages)
    resolver = report.engine.resolver
    updates = [recipe_update(state, resolver) for state in states]
    if output_format == "json":
        click.echo(as_json(updates))
    elif output_format == "github":
        findings = tuple(as_findings(updates))
        echo_lines(render_findings("github", Summary(len(states), len(states), findings, False)))
    else:
        echo_lines(as_text(updates))
    print_findings(problems)


@main.command()
@config_file_option
def renovate(config_file: Path | None) -> None:
    """Print a Renovate preset (JSON5) that bumps `helm_chart_version` in the site's
    recipe pages, for Renovate's `extends` or a renovate.json5 of its own.

    It matches the pages under the site's docs_dir (relative to the Git repository the
    site is in), in every order in which its recipes write their chart keys. Charts from
    HTTP repositories are looked up with Renovate's Helm datasource, charts from OCI
    registries with its Docker datasource; the page's range style is kept.
    """
    from ..gitops.renovate import as_json5, file_pattern, key_order, preset
    from ..recipe.frontmatter import read_front_matter
    from ..recipe.model import recipe_from_front_matter

    site = load_site(config_file)
    orders = []
    for file in sorted(site.docs_dir.rglob("*.md")):
        try:
            source = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if "helm_chart_name" not in source:
            continue
        front_matter, _ = read_front_matter(source, str(file))
        if "helm_chart_name" not in front_matter.data:
            continue
        lines = front_matter.key_lines
        order = key_order(sorted(lines, key=lines.__getitem__))
        if order is not None:
            orders.append(order)
        recipe, _ = recipe_from_front_matter(front_matter, str(file))
        url = recipe.helm_chart_repo_url.rstrip("/") if recipe else ""
        if recipe and recipe.is_oci and url.endswith("/" + recipe.helm_chart_name):
            echo(
                f"warning: {display_path(file)}: Renovate looks OCI charts up at "
                "helm_chart_repo_url plus the chart name; write the registry path "
                f"{url[: -len(recipe.helm_chart_name) - 1]} so it finds this one",
                err=True,
            )
    if not orders:
        echo(
            f"note: no recipe page under {display_path(site.docs_dir)}; the preset matches "
            "pages that write helm_chart_name, helm_chart_version, helm_chart_repo_url in "
            "that order",
            err=True,
        )
    repository_root = _repository_root(site.root)
    try:
        docs = site.docs_dir.resolve().relative_to(repository_root).as_posix()
    except ValueError:
        docs = site.docs_dir.name
    header = [
        "Renovate preset written by `mkdocs-recipes renovate`: it bumps helm_chart_version",
        "in the recipe pages' front-matter. Run it again when pages write their chart keys",
        "in another order. Renovate's pull request is then checked by `mkdocs-recipes check`.",
    ]
    click.echo(as_json5(preset(orders, file_pattern(docs)), header), nl=False)


def _repository_root(folder: Path) -> Path:
    """The Git repository `folder` is in (its own folder when there is none)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


if __name__ == "__main__":  # pragma: no cover
    main()
