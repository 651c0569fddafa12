"""`check`'s result cache: a second check of an unchanged site answers from it without
loading MkDocs; a changed page, include, snippet, option or chart is seen; what a server
answered is kept while it is fresh (an index, a values_yaml_url) and compared again once
stale; what depended on a failed download is not kept, and costs only its page; a broken
cache file is a slower check, never a wrong one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.paths import TESTS
from support.sites import copy_site

SITE = TESTS / "check_site"


def check(site: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess:
    """`mkdocs-recipes check --format json`, each module import timed on stderr (what
    shows whether MkDocs was loaded)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--format", "json", *arguments],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPROFILEIMPORTTIME": "1", **env},
    )


def codes(done: subprocess.CompletedProcess) -> set[tuple[str, int, str]]:
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return {(f["path"], f["line"], f["code"]) for f in json.loads(done.stdout)["findings"]}


def loaded_mkdocs(done: subprocess.CompletedProcess) -> bool:
    return re.search(r"\|\s+mkdocs\.config$", done.stderr, re.M) is not None


def check_folder(site: Path) -> Path:
    return site / ".recipes-cache" / "check"


@pytest.fixture
def site(tmp_path, chart_server, homelab_repository) -> Path:
    """The check site without its planted defects: clean, and every chart resolves."""
    copied = copy_site(SITE, tmp_path / "site", chart_server.url)
    planted = yaml.safe_load((SITE / "expected.yaml").read_text())["planted"]
    for name in planted:
        target = copied / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return copied


def test_an_unchanged_site_is_answered_from_the_cache_without_mkdocs(site) -> None:
    first = check(site)
    assert first.returncode == 0 and loaded_mkdocs(first)
    assert sorted(p.name.split("-")[0] for p in check_folder(site).iterdir()) == [
        "pages",
        "site",
    ]
    again = check(site)
    assert again.returncode == 0
    assert not loaded_mkdocs(again), "the second check loaded MkDocs"
    assert again.stdout == first.stdout
    # Touched, not changed (a checkout): the content decides.
    page = site / "docs" / "recipes" / "app-one.md"
    os.utime(page, ns=(1, 1))
    touched = check(site)
    assert not loaded_mkdocs(touched) and touched.stdout == first.stdout
    # Another output format, PATHS, --select: the same kept report, filtered.
    text = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--select", "link-", "docs/recipes"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert text.returncode == 0 and "no findings" in text.stdout


def test_an_edited_page_include_snippet_option_or_new_page_is_seen(site) -> None:
    assert codes(check(site)) == set()
    page = site / "docs" / "recipes" / "app-one.md"
    written = page.read_text()
    page.write_text(written.replace("    replicaCount: 2", "    replicaCoutn: 2"))
    typo = codes(check(site))
    assert {c for _, _, c in typo} == {"values-unknown-key"}
    page.write_text(written)
    assert codes(check(site)) == set()
    # The site's include file (read by mkdocs-macros through its include_dir): the
    # heading a link points at comes from it.
    page.write_text(written + '\n{% include "fleet-note.md" %}\n\nSee [the notes](#fleet-notes).\n')
    assert {c for _, _, c in codes(check(site))} == {"link-anchor-missing"}
    include = site / "includes" / "fleet-note.md"
    include.write_text(include.read_text() + "\n## Fleet notes\n")
    assert codes(check(site)) == set()
    page.write_text(written + "\nSee [the guide][nowhere-defined].\n")
    assert {c for _, _, c in codes(check(site))} == {"link-reference-undefined"}
    # A snippet that was looked for and missing, then written, is seen too.
    new = site / "docs" / "later.md"
    new.write_text('# Later\n\n--8<-- "later-refs.md"\n\nSee [the notes][later-notes].\n')
    assert ("docs/later.md", 5, "link-reference-undefined") in codes(check(site))
    (site / "snippets" / "later-refs.md").write_text("[later-notes]: https://example.com/\n")
    assert ("docs/later.md", 5, "link-reference-undefined") not in codes(check(site))
    # An option in mkdocs.yml.
    config = site / "mkdocs.yml"
    turned_off = '      severities:\n        link-reference-undefined: "off"\n'
    config.write_text(
        config.read_text().replace(
            "      check_values_url: false\n", "      check_values_url: false\n" + turned_off
        )
    )
    assert codes(check(site)) == set()


def test_a_baseline_written_or_removed_after_a_check_is_seen(site) -> None:
    # In a folder nothing lists (the site's root is listed: a file there is seen anyway).
    (site / "ci").mkdir()
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      check_values_url: false\n",
            "      check_values_url: false\n      baseline: ci/accepted.json\n",
        )
    )
    page = site / "docs" / "recipes" / "app-one.md"
    page.write_text(page.read_text().replace("    replicaCount: 2", "    replicaCoutn: 2"))
    assert check(site).returncode == 1  # the charts fetched: now all in the cache
    offline = {"MKDOCS_RECIPES_OFFLINE": "1"}
    assert check(site, **offline).returncode == 1
    kept = check(site, **offline)
    assert kept.returncode == 1 and not loaded_mkdocs(kept)
    written = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--write-baseline"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **offline},
    )
    assert written.returncode == 0, written.stdout + written.stderr
    # Where the `baseline` option says (not the default name beside mkdocs.yml).
    assert (site / "ci" / "accepted.json").is_file()
    assert not (site / "recipes-baseline.json").exists()
    accepted = check(site, **offline)
    assert accepted.returncode == 0, accepted.stdout
    assert json.loads(accepted.stdout)["summary"]["baselined"] == 1
    (site / "ci" / "accepted.json").unlink()
    again = check(site, **offline)
    assert again.returncode == 1
    assert json.loads(again.stdout)["summary"]["baselined"] == 0


def test_pages_are_reused_one_by_one_and_a_chart_that_resolves_otherwise_is_not(site) -> None:
    from mkdocs_recipes.site_build import check_site

    config = site / "mkdocs.yml"
    cwd = os.getcwd()
    os.chdir(site)
    try:
        first = check_site(config, cache=True)
        assert first.cache is not None and first.cache.reused == []
        pages = len(first.pages)
        second = check_site(config, cache=True)
        assert len(second.cache.reused) == pages
        page = site / "docs" / "recipes" / "app-one.md"
        page.write_text(page.read_text().replace("    replicaCount: 2", "    replicaCoutn: 2"))
        third = check_site(config, cache=True)
        assert len(third.cache.reused) == pages - 1
        assert "recipes/app-one.md" not in third.cache.reused
        fresh = check_site(config)
        assert sorted(map(repr, third.findings)) == sorted(map(repr, fresh.findings))
        # A kept chart digest that is no longer what the chart resolves to: the page is
        # analysed again.
        (kept,) = check_folder(site).glob("pages-*")
        import zlib

        entries = json.loads(zlib.decompress(kept.read_bytes()))
        target = "recipes/deep/app-two.md"
        assert entries["pages"][target]["charts"], "the recipe's chart is kept"
        for chart in entries["pages"][target]["charts"]:
            entries["pages"][target]["charts"][chart] = "0" * 64
        kept.write_bytes(zlib.compress(json.dumps(entries).encode()))
        fourth = check_site(config, cache=True)
        assert target not in fourth.cache.reused
        assert len(fourth.cache.reused) == pages - 1
    finally:
        os.chdir(cwd)


def test_a_result_that_needed_the_network_is_not_kept(tmp_path, chart_server, homelab_repository):
    planted = copy_site(SITE, tmp_path / "planted", chart_server.url)
    first = check(planted)
    assert ("docs/planted/other-repo.md", 5, "chart-unavailable") in codes(first)
    assert not list(check_folder(planted).glob("site-*")), "a result kept that needed the network"
    again = check(planted)
    assert loaded_mkdocs(again) and codes(again) == codes(first)
    # The page whose host did not answer costs only itself: every other page is reused.
    from mkdocs_recipes.site_build import check_site

    cwd = os.getcwd()
    os.chdir(planted)
    try:
        report = check_site(planted / "mkdocs.yml", cache=True)
    finally:
        os.chdir(cwd)
    assert report.cache is not None
    assert "planted/other-repo.md" not in report.cache.reused
    assert len(report.cache.reused) == len(report.pages) - 1


def test_an_unresolved_chart_that_no_download_decided_is_kept(site) -> None:
    """Offline with an empty chart cache, no chart resolves, and that is decided by the
    cache's files, not by a host: the result is kept, and an online check that fills the
    cache makes the next offline check read the site again."""
    first = check(site, "--offline")
    assert ("docs/recipes/app-one.md", 6, "chart-unavailable") in codes(first)
    again = check(site, "--offline")
    assert not loaded_mkdocs(again), "an unresolved chart made every check read the site"
    assert codes(again) == codes(first)
    online = check(site)
    assert not any(code == "chart-unavailable" for _, _, code in codes(online))
    after = check(site, "--offline")
    assert loaded_mkdocs(after), "the offline result outlived the cache it was judged by"
    assert codes(after) == codes(online)


def _age_what_servers_said(site: Path, seconds: float) -> None:
    """As if `seconds` had passed: the cached listings (indexes, values links) and the
    kept site result are that much older."""
    for listing in (site / ".recipes-cache" / "listings").glob("*.json"):
        data = json.loads(listing.read_text())
        data["fetched_at"] -= seconds
        listing.write_text(json.dumps(data))
    for kept in check_folder(site).glob("site-*"):
        data = json.loads(kept.read_text())
        data["expires"] -= seconds
        kept.write_text(json.dumps(data))


def test_values_links_are_kept_while_fresh_and_compared_again_once_stale(
    site, chart_server
) -> None:
    """Every recipe links a values.yaml that the test server serves (online): the result
    is kept until the first thing a server said is due to be asked again; then the link is
    fetched again, and a page is analysed again only when what it serves changed."""
    from mkdocs_recipes.site_build import check_site

    served = chart_server.root / "values-links" / site.parent.name / "values.yaml"
    served.parent.mkdir(parents=True)
    shutil.copy(TESTS / "corpus" / "charts" / "homelab-app" / "values.yaml", served)
    link = f"{chart_server.url}/values-links/{site.parent.name}/values.yaml"
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("      check_values_url: false\n", ""))
    recipes = [
        site / "docs" / "recipes" / "app-one.md",
        site / "docs" / "recipes" / "deep" / "app-two.md",
    ]
    for page in recipes:
        page.write_text(
            page.read_text().replace(
                "helm_chart_name:", f"values_yaml_url: {link}\nhelm_chart_name:", 1
            )
        )
    first = check(site)
    assert first.returncode == 0, codes(first)
    (kept,) = check_folder(site).glob("site-*")
    expires = json.loads(kept.read_text())["expires"]
    fetched = [
        json.loads(p.read_text())["fetched_at"]
        for p in (site / ".recipes-cache" / "listings").glob("*.json")
    ]
    assert len(fetched) >= 2, "the index and the values link are cached"
    assert abs(expires - (min(fetched) + 3600)) < 1, "kept past what it depended on"
    again = check(site)
    assert not loaded_mkdocs(again), "a values_yaml_url made every check read the site"
    assert codes(again) == codes(first)

    cwd = os.getcwd()
    os.chdir(site)
    try:
        _age_what_servers_said(site, 7200)
        stale = check_site(config, cache=True)
        assert stale.cache is not None
        assert len(stale.cache.reused) == len(stale.pages), "unchanged links, pages analysed"
        served.write_text(served.read_text() + "\nextraKey: true\n")
        _age_what_servers_said(site, 7200)
        changed = check_site(config, cache=True)
        assert changed.cache is not None
        assert {"recipes/app-one.md", "recipes/deep/app-two.md"}.isdisjoint(changed.cache.reused)
        assert len(changed.cache.reused) == len(changed.pages) - 2
        assert {(f.path, f.code) for f in changed.findings if f.code.startswith("values-url")} == {
            ("docs/recipes/app-one.md", "values-url-differs"),
            ("docs/recipes/deep/app-two.md", "values-url-differs"),
        }
    finally:
        os.chdir(cwd)


def test_broken_cache_files_are_ignored_and_replaced(site) -> None:
    reference = check(site, "--no-cache")
    assert not check_folder(site).exists(), "--no-cache wrote a cache"
    check(site)
    for kept in check_folder(site).iterdir():
        kept.write_bytes(b"\x00not json{")
    done = check(site)
    assert done.returncode == 0 and done.stdout == reference.stdout
    assert loaded_mkdocs(done)
    assert json.loads((next(check_folder(site).glob("site-*"))).read_text())["format"] == 1
    # A kept report of the wrong shape is not trusted either.
    (kept,) = check_folder(site).glob("site-*")
    shape = json.loads(kept.read_text())
    shape["report"]["findings"] = [{"code": 3}]
    kept.write_text(json.dumps(shape))
    assert check(site).stdout == reference.stdout


def test_offline_and_cache_false_are_their_own(site) -> None:
    online = check(site)
    offline = check(site, "--offline")
    assert loaded_mkdocs(offline), "an offline check used the online result"
    assert codes(offline) == codes(online)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("      cache_dir: .recipes-cache\n", ""))
    config.write_text(
        config.read_text().replace("  - recipes:\n", "  - recipes:\n      cache: false\n")
    )
    shutil.rmtree(check_folder(site))
    check(site)
    check(site)
    assert not check_folder(site).exists()
    assert loaded_mkdocs(check(site)), "with cache: false every check reads the site"
