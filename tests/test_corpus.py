"""A real-site corpus (tests/corpus): a Material blog, Docker Compose pages, prose with
YAML examples, recipes with values blocks at every indentation, and the site's own
includes. The build logs exactly the findings `expected.yaml` lists, no more; without
the planted mistakes, `mkdocs build --strict` passes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from support.sites import run_module

CORPUS = Path(__file__).parent / "corpus"
LOGGED = re.compile(r"^(INFO|WARNING|ERROR)\s+-\s+(\S+?):(\d+): \[([a-z-]+)\] (.*)$", re.M)


def expected() -> dict:
    return yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def findings(output: str) -> set[tuple[str, int, str, str]]:
    return {
        (path, int(line), code, level.lower())
        for level, path, line, code, _ in LOGGED.findall(output)
    }


def build(site: Path, *options: str) -> tuple[int, str]:
    done = run_module(site, "mkdocs", "build", *options)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_the_corpus_gets_exactly_the_expected_findings(corpus_site) -> None:
    spec = expected()
    pages = [p for p in (corpus_site / "docs").rglob("*.md")]
    assert len(pages) >= 60
    code, output = build(corpus_site)
    assert code == 0, output
    found = findings(output)
    listed = {
        (entry["path"], entry["line"], entry["code"], entry["severity"])
        for entry in spec["findings"]
    }
    assert found - listed == set(), "findings not in expected.yaml:\n" + "\n".join(
        sorted(map(str, found - listed))
    )
    assert listed - found == set(), "expected but not found:\n" + "\n".join(
        sorted(map(str, listed - found))
    )
    # Only planted files hold findings that fail --strict.
    planted = tuple(spec["planted"])
    failing = {f for f in found if f[3] != "info"}
    assert failing and all(f[0].startswith(planted) for f in failing)
    # Hints come from the page, never from this project's own example chart.
    assert "podinfo" not in output and "stefanprodan" not in output
    # Not a recipe, whatever its `slug:`: no recipe finding on blog or Docker pages.
    assert not any(
        f[0].startswith(("docs/blog/", "docs/docker/")) and f[3] != "info" for f in found
    )


@pytest.mark.slow
def test_without_the_planted_mistakes_the_strict_build_passes(corpus_site) -> None:
    for planted in expected()["planted"]:
        target = corpus_site / planted
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    code, output = build(corpus_site, "--strict")
    assert code == 0, output
    html = (corpus_site / "site" / "recipes" / "oauth2-proxy" / "index.html").read_text()
    assert "helm.toolkit.fluxcd.io/v2" in html and "HelmRepository" in html
