"""`mkdocs-recipes check`: the site's pages checked as `mkdocs build` would, without HTML."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..base import writing
from ..report.baseline import BASELINE_NAME
from ..report.findings import Finding, Severity, display_path
from ..report.formats import FORMATS
from . import lazy_modules, regex_cache
from .common import (
    Progress,
    UsageProblem,
    config_file_option,
    crd_schemas,
    crds_option,
    echo,
    echo_lines,
    offline_option,
    print_findings,
    site_config,
    user_cache,
)

if TYPE_CHECKING:
    from ..site.checked import SiteReport


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


@click.command()
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

    reported = _Reported.of(select, ignore, paths)
    path = site_config(config_file)

    def run(use_baseline: bool, use_cache: bool) -> tuple[_Checked, list[Finding]]:
        report = _checked_site(path, offline, use_baseline, use_cache, output_format)
        return report, reported.among(report.findings)

    use_baseline = not no_baseline and baseline_file is None
    # The cache keeps reports, not fixes: a run that fixes or writes reads every page.
    use_cache = not (no_cache or fix or diff or unsafe_fixes) and baseline_file is None
    report, findings = run(use_baseline, use_cache)
    if baseline_file is not None:
        _write_baseline(report, findings, baseline_file)
        return
    fixed = 0
    if fix or diff or unsafe_fixes:
        fixed, written = _fix(report, findings, crds, unsafe_fixes, diff, output_format)
        if written:
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


@dataclass(frozen=True)
class _Reported:
    """Which findings a check reports: `--select`, `--ignore` and the PATHS given."""

    selected: tuple[str, ...]
    ignored: tuple[str, ...]
    wanted: tuple[str, ...]

    @classmethod
    def of(
        cls, select: tuple[str, ...], ignore: tuple[str, ...], paths: tuple[Path, ...]
    ) -> _Reported:
        selected = _code_list(select, "--select")
        ignored = _code_list(ignore, "--ignore")
        for given in paths:
            if not given.exists():
                raise UsageProblem(f"{given}: no such file or folder")
        wanted = tuple(display_path(str(given.resolve())) for given in paths)
        return cls(selected, ignored, wanted)

    def among(self, findings: list[Finding]) -> list[Finding]:
        """The reported ones of `findings`, by file, line and code."""
        chosen = [
            f
            for f in findings
            if (not self.selected or _matches(f.code, self.selected))
            and not _matches(f.code, self.ignored)
            and (
                not self.wanted
                or any(f.path == w or f.path.startswith(w.rstrip("/") + "/") for w in self.wanted)
            )
        ]
        chosen.sort(key=lambda f: (f.path, f.line, f.code))
        return chosen


def _fix(
    report: _Checked,
    findings: list[Finding],
    crds: tuple[Path, ...],
    unsafe: bool,
    diff: bool,
    output_format: str,
) -> tuple[int, bool]:
    """The fixes `findings` carry, applied (or printed as a diff with `diff`): how many,
    and whether files were written (the site is then read again)."""
    from ..report.fixes import plan_fixes, shown_paths

    schemas = crd_schemas(crds, None) if crds else None
    plan = plan_fixes(findings, report.root, unsafe=unsafe, crds=schemas)
    if schemas is not None:
        print_findings(schemas.unchecked)
    for finding, reasons in plan.refused:
        echo(
            f"not fixed: {finding.path}:{finding.line}: the CRDs reject it as "
            f"{finding.fix.new if finding.fix else '?'}: {'; '.join(reasons[:3])}",
            err=True,
        )
    if diff:
        # Nothing is written: every finding is still there, the fixable ones among them,
        # and the summary counts those (`N fixable with --fix`).
        echo_lines(plan.diff(shown_paths(plan)), nl=False, err=output_format != "text")
        return len(plan.fixed), False
    if not plan.texts:
        return len(plan.fixed), False
    try:
        plan.write()
    except OSError as error:
        raise UsageProblem(f"cannot write a fix ({error})") from None
    return len(plan.fixed), True


@dataclass
class _Checked:
    """A check's report: counted pages and recipes, every finding, and the site (None
    when the report came from the check cache)."""

    pages: int
    recipes: int
    findings: list[Finding]
    baseline_used: bool
    site: SiteReport | None = None

    @property
    def root(self) -> Path:
        """The site's folder. Fixes and a new baseline read every page (never the check
        cache), so their reports have it."""
        assert self.site is not None and self.site.root is not None, "a cached report"
        return self.site.root


def _checked_site(
    path: Path, offline: bool, use_baseline: bool, use_cache: bool, output_format: str
) -> _Checked:
    if use_cache:
        from ..site.check_cache import kept_report

        kept = kept_report(path, offline=offline, baseline=use_baseline)
        if kept is not None:
            return _Checked(kept.pages, kept.recipes, kept.findings, kept.baseline_used)
    lazy_modules.defer("requests")  # see lazy_modules: mkdocs-macros imports it unused
    with regex_cache.kept(user_cache()):  # see regex_cache: MkDocs' imports compile ~300
        return _check_loaded_site(path, offline, use_baseline, use_cache, output_format)


def _check_loaded_site(
    path: Path, offline: bool, use_baseline: bool, use_cache: bool, output_format: str
) -> _Checked:
    from ..site_build import SiteCheckError, check_site

    progress = Progress(sys.stderr.isatty() and output_format == "text")
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


def _write_baseline(report: _Checked, findings: list[Finding], chosen: str) -> None:
    from ..report.baseline import write_baseline

    root = report.root
    option = report.site.baseline_option if report.site is not None else ""
    target = Path(chosen) if chosen else root / (option or BASELINE_NAME)
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
