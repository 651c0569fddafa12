"""The `mkdocs-recipes` command line.

Exit status: 0 when all is well, 1 when there are findings at the failing level,
2 for a usage or configuration error.
"""

from __future__ import annotations

import click

from .._version import __version__
from .check import check
from .common import echo
from .export import export
from .includes import includes
from .lock import lock
from .lsp import lsp
from .outdated import outdated
from .renovate import renovate

# Each command imports the rest of the package when it runs: a `check` answered from its
# cache starts in a fraction of the time the whole package takes to load.

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkdocs-recipes")
def main() -> None:
    """Tools for MkDocs recipe sites: each subcommand works on the site of a mkdocs.yml."""
    from ..charts import set_wait_notice

    # A silent chart host is named on the terminal while a command waits for it.
    set_wait_notice(lambda text: echo(text, err=True))


for command in (lock, includes, check, export, outdated, renovate, lsp):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
