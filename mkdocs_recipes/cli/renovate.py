"""`mkdocs-recipes renovate`: a Renovate preset that bumps the site's recipe charts."""

from __future__ import annotations

from pathlib import Path

import click

from ..report.findings import display_path
from .common import (
    config_file_option,
    echo,
    load_site,
)


@click.command()
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
