"""`mkdocs-recipes includes`: the packaged include files listed, or written into a site's
include_dir."""

from __future__ import annotations

from pathlib import Path

import click

from ..base import writing
from .common import (
    UsageProblem,
    echo,
)


@click.command()
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
