"""`mkdocs-recipes outdated`: recipes whose repository publishes a newer chart, and what on
each page would break on it."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    config_file_option,
    echo_lines,
    load_pages,
    offline_option,
    print_findings,
    recipe_states,
)


@click.command()
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

    report, engine = load_pages(config_file, offline)
    states, problems = recipe_states(report, pages)
    resolver = engine.resolver
    updates = [recipe_update(state, resolver) for state in states]
    if output_format == "json":
        click.echo(as_json(updates))
    elif output_format == "github":
        findings = tuple(as_findings(updates))
        echo_lines(render_findings("github", Summary(len(states), len(states), findings, False)))
    else:
        echo_lines(as_text(updates))
    print_findings(problems)
