"""The `mkdocs-recipes` command line."""

from __future__ import annotations

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkdocs-recipes")
def main() -> None:
    """Tools for MkDocs recipe sites: each subcommand works on the site of a mkdocs.yml."""


if __name__ == "__main__":  # pragma: no cover
    main()
