"""`mkdocs-recipes export`: recipe pages' Flux objects written into a GitOps repository, or
compared with one."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..base import writing
from ..report.findings import Finding, Severity
from ..report.formats import FORMATS
from .common import (
    UsageProblem,
    config_file_option,
    crd_schemas,
    crds_option,
    echo,
    echo_lines,
    load_pages,
    offline_option,
    print_findings,
    recipe_states,
)

if TYPE_CHECKING:
    from ..flux.crd_schemas import CrdSchemas
    from ..gitops.export import ExportPlan
    from ..site.analysis import PageState
    from ..site.engine import RecipeEngine


@click.command()
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
    report, engine = load_pages(config_file, offline)
    states, problems = recipe_states(report, pages)
    if not states and not problems:
        raise UsageProblem("no recipe page to export (pages with helm_chart_name)")
    schemas = crd_schemas(crds, out or check_dir)
    plan = plan_export(states, values_mode, schemas)
    if check_dir is not None:
        _export_check(
            engine,
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
    _export_out(engine.flux.flux_version, states, plan, problems, schemas, out, force, dry_run)


def _export_out(
    flux_version: str,
    states: list[PageState],
    plan: ExportPlan,
    problems: list[Finding],
    schemas: CrdSchemas,
    out: Path,
    force: bool,
    dry_run: bool,
) -> None:
    """The plan written into `out` (or shown as a diff with `dry_run`), and what the
    export met; exit status 1 when a file was kept or refused, or on an error."""
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


def _write_plan(plan: ExportPlan, out: Path, *, force: bool, dry_run: bool) -> bool:
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
    engine: RecipeEngine,
    states: list[PageState],
    plan: ExportPlan,
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
    findings = apply_levels(findings, engine.levels)
    findings.sort(key=lambda f: (f.path, f.line, f.code))
    failing = Severity.WARNING.rank if strict else Severity.ERROR.rank
    failed = any(f.severity.rank >= failing for f in findings)
    summary = Summary(len(states), len(states), tuple(findings), failed)
    click.echo(render(output_format, summary))
    sys.exit(1 if failed else 0)
