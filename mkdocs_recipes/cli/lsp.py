"""`mkdocs-recipes lsp`: the language server, for editors (over stdin and stdout)."""

from __future__ import annotations

import click

from .common import UsageProblem


@click.command()
@click.option(
    "--offline",
    is_flag=True,
    help="Resolve charts from the cache and the lockfile only (no network).",
)
def lsp(offline: bool) -> None:
    """Run the language server on stdin and stdout, for an editor's LSP client.

    It works on the site whose mkdocs.yml or properdocs.yml is the nearest above each
    open page: the page's findings as you type, the chart's values keys completed, their
    comments and defaults on hover, fixes and "accept in the baseline" as code actions,
    and go to definition (a values key's line in the chart, a link's page). Needs the
    `lsp` extra: pip install 'mkdocs-recipes[lsp]'.
    """
    try:
        from ..lsp.server import serve
    except ImportError as error:
        raise UsageProblem(str(error)) from None

    serve(offline=offline)
