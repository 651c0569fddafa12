"""`mkdocs-recipes lock` and what builds do with the lockfile, offline and online."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

pytestmark = pytest.mark.slow

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1"}


def seed_with(seed_text: str, key: str, value: str) -> str:
    return re.sub(rf"^{key}:.*$", f"{key}: {value}", seed_text, count=1, flags=re.M)


def test_lock_writes_versions_and_digests_then_builds_run_offline(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    done = site.run("mkdocs_recipes", "lock", "-f", "mkdocs.yml")
    assert done.returncode == 0, done.output
    assert "added   oauth2-proxy '6.18.x' -> 6.18.3" in done.output
    lock = yaml.safe_load((site.root / "recipes.lock").read_text())
    (entry,) = lock["charts"]
    assert entry["repository"] == "https://oauth2-proxy.github.io/manifests/"
    assert (entry["chart"], entry["constraint"], entry["version"]) == (
        "oauth2-proxy",
        "6.18.x",
        "6.18.3",
    )
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", entry["digest"])
    # The URL the index publishes (this test index lists absolute URLs on its own server).
    assert entry["url"].endswith("/oauth2-proxy/oauth2-proxy-6.18.3.tgz")

    build = site.build(env=OFFLINE)
    assert build.ok, build.output
    assert "resolves to <code>6.18.3</code>" in build.html("recipes/oauth2-proxy")


def test_lock_again_keeps_entries_and_does_not_rewrite(site, seed_text) -> None:
    site.page("r.md", seed_text)
    assert site.run("mkdocs_recipes", "lock").returncode == 0
    before = (site.root / "recipes.lock").stat().st_mtime_ns
    again = site.run("mkdocs_recipes", "lock", env=OFFLINE)
    assert again.returncode == 0, again.output
    assert "added" not in again.output
    assert (site.root / "recipes.lock").stat().st_mtime_ns == before


def test_stale_lock_is_honoured_and_reported_then_updated(site, seed_text) -> None:
    site.page("r.md", seed_text)
    assert site.run("mkdocs_recipes", "lock").returncode == 0
    lock_path = site.root / "recipes.lock"
    # A lock written when `6.x` still meant 6.18.3; the index now resolves it to 6.24.2.
    lock_path.write_text(lock_path.read_text().replace("constraint: 6.18.x", "constraint: 6.x"))
    site.page("r.md", seed_with(seed_text, "helm_chart_version", '"6.x"'))
    build = site.build()
    assert build.ok, build.output  # info only: the build stays reproducible
    assert "[lock-stale]" in build.output and "6.24.2" in build.output
    assert "resolves to <code>6.18.3</code>" in build.html("r")
    # `lock` keeps it; `lock --update` follows the repository (6.24.2 is not served here).
    assert site.run("mkdocs_recipes", "lock").returncode == 0
    assert "version: 6.18.3" in lock_path.read_text()
    update = site.run("mkdocs_recipes", "lock", "--update")
    assert update.returncode == 1
    assert "[chart-unavailable]" in update.output and "oauth2-proxy-6.24.2.tgz" in update.output
    assert "version: 6.18.3" in lock_path.read_text()  # a failed update keeps the old pin


def test_lock_reports_unresolvable_recipes_with_their_line(site, seed_text) -> None:
    text = seed_with(seed_text, "helm_chart_version", '"5.99.x"')
    site.page("r.md", text)
    done = site.run("mkdocs_recipes", "lock")
    assert done.returncode == 1
    assert "docs/r.md:5: [chart-version-not-found]" in done.output, done.output
    assert "Traceback" not in done.output
    # Nothing was locked: no empty lockfile to commit, and the reason comes first (both
    # streams into one, as a terminal shows them).
    assert not (site.root / "recipes.lock").exists()
    together = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "lock"],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    ).stdout
    reason = together.index("[chart-version-not-found]")
    summary = together.index("recipes.lock: nothing locked (no chart could be resolved)")
    assert reason < summary and "chart(s) locked" not in together
    # A site without recipes gets no lockfile either, and no error.
    (site.root / "docs" / "r.md").unlink()
    empty = site.run("mkdocs_recipes", "lock")
    assert empty.returncode == 0, empty.output
    assert "nothing locked (no recipe page names a chart)" in empty.output
    assert not (site.root / "recipes.lock").exists()


def test_lock_without_a_config_file_is_a_usage_error(tmp_path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "lock", "-f", "nowhere.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "nowhere.yml" in done.stderr and "Traceback" not in done.stderr


def test_broken_lockfile_is_a_clear_configuration_error(site, seed_text) -> None:
    site.page("r.md", seed_text)
    site.write("recipes.lock", "version: 1\ncharts: [\n")
    build = site.build()
    assert not build.ok
    assert "recipes.lock:3" in build.output and "Traceback" not in build.output
    done = site.run("mkdocs_recipes", "lock")
    assert done.returncode == 2 and "recipes.lock" in done.output


def test_unpublished_version_fails_the_strict_build_at_its_line(site, seed_text) -> None:
    site.page("r.md", seed_with(seed_text, "helm_chart_version", '"6.18.9"'))
    build = site.build()
    assert not build.ok
    assert "docs/r.md:5: [chart-version-not-found]" in build.output


def test_offline_build_without_cache_or_lock_warns_and_never_crashes(site, seed_text) -> None:
    site.page("r.md", seed_text)
    build = site.build(env=OFFLINE)
    assert not build.ok  # --strict: a chart that cannot be checked is a warning
    assert "[chart-unavailable] offline mode" in build.output
    assert "Traceback" not in build.output
    assert build.html("r")  # the page itself was still built: strict aborts at the end


def test_bad_mirrors_are_configuration_errors_for_build_and_lock(site, seed_text) -> None:
    site.page("r.md", seed_text)
    site.recipes_options = {**site.recipes_options, "mirrors": {"https://x.example/": 5}}
    build = site.build()
    assert not build.ok and "mirrors maps a URL prefix" in build.output
    done = site.run("mkdocs_recipes", "lock")
    assert done.returncode == 2 and "mirrors maps a URL prefix" in done.output
    assert "Traceback" not in build.output + done.output


def test_cache_off_leaves_no_cache_behind(site, seed_text) -> None:
    site.page("r.md", seed_text)
    site.recipes_options = {**site.recipes_options, "cache": False}
    build = site.build()
    assert build.ok, build.output
    assert "resolves to <code>6.18.3</code>" in build.html("r")
    assert not (site.root / "cache").exists()  # the configured cache_dir was not used
