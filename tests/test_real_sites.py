"""The public sites in ../shared/real-sites, built and checked as their projects build them.

Each site is copied, built without the plugin, then with `recipes` added, then checked
with `mkdocs-recipes check`. `tests/real_sites/<site>.yaml` lists every warning and error
the plugin reports there, each judged by hand with one line of why it is real; the test
asserts that exact set, so a new false finding (or a real one lost) fails it. The site's
own plugins come from the `real-sites` extra (scripts/setup installs it).
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
import yaml

from support.html import heading_ids
from support.real_sites import (
    EXPECTED,
    SITES,
    add_recipes_to,
    build,
    check,
    copy_real_site,
    logged_findings,
)

pytestmark = pytest.mark.slow

#: Findings only `check` reports (it sees the whole site at once; the build logs these
#: neither as links nor across pages).
CHECK_ONLY = ("link-", "image-", "recipe-")
#: The site plugins the `real-sites` extra installs, by import name.
SITE_PLUGINS = (
    "mike",
    "mkdocs_awesome_pages_plugin",
    "mkdocs_exclude",
    "markdown_include",
    "properdocs",
    "mkdocs_section_index",
    "mkdocs_git_revision_date_localized_plugin",
    "mkdocs_git_committers_plugin_2",
    "open_in_new_tab",
    "mkdocs_meta_descriptions_plugin",
    "mkdocs_print_site_plugin",
)


def _expected(name: str) -> dict:
    return yaml.safe_load((EXPECTED / f"{name}.yaml").read_text(encoding="utf-8"))


def _keys(entries) -> set[tuple[str, int, str]]:
    return {(e["path"], e["line"], e["code"]) for e in entries}


def test_the_site_plugins_are_installed() -> None:
    # Without them the sites do not build as their projects build them: say so, never skip.
    missing = [name for name in SITE_PLUGINS if importlib.util.find_spec(name) is None]
    assert not missing, f"install the real-sites extra: pip install -e '.[real-sites]' ({missing})"


def test_every_expected_finding_says_why_it_is_real() -> None:
    for name in SITES:
        expected = _expected(name)
        assert expected["site"] == name
        for entry in expected["findings"]:
            assert set(entry) == {"path", "line", "code", "why"}, entry
            assert len(entry["why"].strip()) > 20, entry


@pytest.mark.parametrize("name", sorted(SITES))
def test_real_site(name: str, tmp_path: Path, monkeypatch) -> None:
    site = SITES[name]
    expected = _expected(name)
    folder = copy_real_site(site, tmp_path / name, plugin=False)

    before = build(folder, site)
    assert (before.returncode == 0) == expected["builds_without_plugin"], before.stderr[-3000:]

    add_recipes_to(folder, site)
    after = build(folder, site)
    output = after.stdout + after.stderr
    assert "Traceback" not in output, output[-3000:]
    built = {(path, line, code) for level, path, line, code in logged_findings(output)}
    built_judged = {
        (path, line, code)
        for level, path, line, code in logged_findings(output)
        if level in ("WARNING", "ERROR")
    }
    wanted = _keys(expected["findings"])
    wanted_in_build = {key for key in wanted if not key[2].startswith(CHECK_ONLY)}
    assert built_judged == wanted_in_build, (
        f"not judged: {sorted(built_judged - wanted_in_build)}; "
        f"no longer found: {sorted(wanted_in_build - built_judged)}"
    )
    assert (after.returncode == 0) == expected["builds_with_plugin"], output[-3000:]
    if after.returncode != 0:
        # Only the findings judged real fail it (the site's `strict: true`).
        assert "in strict mode" in output and built_judged, output[-3000:]

    status, findings = check(folder, site, "--no-cache")
    judged = {(f["path"], f["line"], f["code"]) for f in findings if f["severity"] != "info"}
    extra, missing = judged - wanted, wanted - judged
    assert not extra and not missing, f"not judged: {sorted(extra)}; no longer found: {missing}"
    # `check` fails on errors (warnings only with --strict).
    assert status == (1 if any(f["severity"] == "error" for f in findings) else 0)
    # The info findings the build logs are the check's too (one engine, two front ends).
    informed = {(f["path"], f["line"], f["code"]) for f in findings if f["severity"] == "info"}
    assert built - built_judged <= informed
    # The check cache: a check keeps its result; the next one, with nothing changed,
    # answers from it without loading MkDocs, and says exactly what the check said.
    assert check(folder, site) == (status, findings)
    loaded: list[str] = []
    assert check(folder, site, loaded=loaded) == (status, findings)
    assert loaded and "mkdocs.config" not in loaded, "the second check read the site again"

    _heading_ids_are_the_built_ones(folder, site, monkeypatch)


def _heading_ids_are_the_built_ones(folder: Path, site, monkeypatch) -> None:
    """The ids `check` judges anchors by are the ids the built HTML has: every heading id of
    every built page is among the ids the site's own Markdown gives that page."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File

    from mkdocs_recipes.pages.rendering import SiteMarkdown
    from mkdocs_recipes.site_build import check_site

    monkeypatch.chdir(folder)
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", "https://argo-cd.readthedocs.io/en/stable/")
    report = check_site(Path(site.config), offline=True)
    config = load_config(config_file=site.config)
    markdown = SiteMarkdown.from_config(config)
    compared = 0
    destinations = {
        page.src_path: File(
            page.src_path, config.docs_dir, str(folder / "_site"), config.use_directory_urls
        ).dest_uri
        for page in report.pages
    }
    taken = Counter(destinations.values())
    for page in report.pages:
        built = folder / "_site" / destinations[page.src_path]
        if not built.is_file() or taken[destinations[page.src_path]] > 1:
            # Not published (the exclude plugin), or two sources write one file
            # (argo-cd's `x.md` and `x/README.md`): the built file is the other's.
            continue
        rendered = markdown.render(page.src_path, page.markdown)
        assert rendered is not None, page.src_path
        missing = heading_ids(built.read_text(encoding="utf-8")) - rendered.ids
        assert not missing, f"{page.src_path}: built ids {sorted(missing)} not computed"
        compared += 1
    assert compared >= len(report.pages) * 0.9, (compared, len(report.pages))
