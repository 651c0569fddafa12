"""`check --fix` (removed Flux apiVersions, in pages and in the site's own includes) and
the baseline, on copies of `tests/cookbook/` (a site in the style of a cookbook written
before Flux 2.7), of the corpus and of the three real sites."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml

from support.crds import validate
from support.paths import TESTS
from support.real_sites import SITES, copy_real_site

pytestmark = pytest.mark.slow

COOKBOOK = TESTS / "cookbook"
#: What the cookbook's includes see of a page (for rendering them in the oracle).
PAGE_META = {
    "helm_chart_name": "podinfo",
    "helm_chart_version": "6.5.x",
    "helm_chart_repo_name": "podinfo",
    "helm_chart_repo_url": "https://stefanprodan.github.io/podinfo",
    "helmrelease_namespace": "podinfo",
}


def check(folder: Path, *arguments: str, config: str = "mkdocs.yml", offline: bool = True):
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "-f", config, *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "MKDOCS_RECIPES_OFFLINE": "1" if offline else "0",
            "NO_MKDOCS_2_WARNING": "1",
        },
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def changed_lines(before: Path, after: Path) -> list[tuple[str, str, str]]:
    """(file, old line, new line) of every line that differs; files keep their line count."""
    changes = []
    for file in sorted(after.rglob("*")):
        if not file.is_file():
            continue
        relative = file.relative_to(after)
        old = (before / relative).read_text().split("\n")
        new = file.read_text().split("\n")
        assert len(old) == len(new), relative
        changes += [(relative.as_posix(), a, b) for a, b in zip(old, new, strict=True) if a != b]
    return changes


def json_findings(done) -> list[dict]:
    return json.loads(done.stdout)["findings"]


@pytest.fixture
def cookbook(tmp_path) -> Path:
    return Path(shutil.copytree(COOKBOOK, tmp_path / "cookbook"))


def yaml_objects(text: str) -> list[dict]:
    """Every Flux object in the yaml blocks of a page or include."""
    objects = []
    for block in re.findall(r"```yaml[^\n]*\n(.*?)```", text, flags=re.S):
        for document in yaml.safe_load_all(block):
            if isinstance(document, dict) and "kind" in document:
                objects.append(document)
    return objects


def test_fix_repairs_removed_api_versions_in_pages_and_includes_and_only_those_lines(
    cookbook, tmp_path
) -> None:
    pristine = Path(shutil.copytree(cookbook, tmp_path / "pristine"))
    before = json_findings(check(cookbook, "--format", "json"))
    removed = [f for f in before if f["code"] == "flux-api-not-served"]
    assert len(removed) == 11, before

    done = check(cookbook, "--fix", "--format", "json")
    assert done.returncode == 1, done.stderr  # the two it must leave remain
    report = json.loads(done.stdout)
    assert report["summary"]["fixed"] == 9
    left = [f for f in report["findings"] if f["code"] == "flux-api-not-served"]
    assert [(f["path"], f["line"]) for f in left] == [
        ("docs/recipes/manual.md", 73),
        ("docs/recipes/manual.md", 93),
    ]
    assert (
        "`spec.patchesStrategicMerge` is gone in kustomize.toolkit.fluxcd.io/v1" in left[0]["hint"]
    )
    assert "`spec.chart.spec.valuesFile` is gone in helm.toolkit.fluxcd.io/v2" in left[1]["hint"]

    # Only apiVersion values changed: Jinja, comments, quoting, indentation kept.
    changes = changed_lines(pristine, cookbook)
    assert len(changes) == 9
    for _, old, new in changes:
        assert re.sub(r"(apiVersion: \"?)[\w./]+", r"\1", old) == re.sub(
            r"(apiVersion: \"?)[\w./]+", r"\1", new
        ), (old, new)
    assert (
        "docs/recipes/manual.md",
        'apiVersion: "kustomize.toolkit.fluxcd.io/v1beta2"',
        'apiVersion: "kustomize.toolkit.fluxcd.io/v1"',
    ) in changes
    assert (
        "includes/kubernetes-flux-kustomization.md",
        "    - apiVersion: helm.toolkit.fluxcd.io/v2beta1",
        "    - apiVersion: helm.toolkit.fluxcd.io/v2",
    ) in changes

    # Every object that changed validates against the real CRDs (includes rendered as
    # mkdocs-macros would, with the page's front-matter).
    environment = jinja2.Environment()
    fixed_objects = []
    for name in (
        "docs/recipes/manual.md",
        "snippets/flux-sync.md",
        *(f"includes/{p.name}" for p in (cookbook / "includes").iterdir()),
    ):
        text = (cookbook / name).read_text()
        if name.startswith("includes/"):
            text = environment.from_string(text).render(page={"meta": PAGE_META})
        old = {
            json.dumps(o, sort_keys=True)
            for o in yaml_objects(
                environment.from_string((pristine / name).read_text()).render(
                    page={"meta": PAGE_META}
                )
                if name.startswith("includes/")
                else (pristine / name).read_text()
            )
        }
        fixed_objects += [o for o in yaml_objects(text) if json.dumps(o, sort_keys=True) not in old]
    assert len(fixed_objects) == 8  # the healthCheck is inside one of them
    for body in fixed_objects:
        assert validate(body) == [], body

    # A second --fix changes nothing.
    state = snapshot(cookbook)
    again = check(cookbook, "--fix", "--format", "json")
    assert json.loads(again.stdout)["summary"]["fixed"] == 0
    assert snapshot(cookbook) == state


def test_diff_prints_the_fixes_and_writes_nothing(cookbook) -> None:
    state = snapshot(cookbook)
    done = check(cookbook, "--diff")
    assert done.returncode == 1
    assert "--- a/includes/kubernetes-flux-helmrepository.md" in done.stdout
    assert (
        "-apiVersion: source.toolkit.fluxcd.io/v1beta1\n+apiVersion: source.toolkit.fluxcd.io/v1"
        in (done.stdout)
    )
    # Nothing was written: all 11 errors remain listed, 9 of them fixable (the diff's).
    assert "): 11 errors, 1 info (9 of them fixable with --fix, as the diff shows)." in (
        done.stdout
    ), done.stdout[-500:]
    listed = [line for line in done.stdout.splitlines() if "[flux-api-not-served]" in line]
    assert len(listed) == 11
    assert snapshot(cookbook) == state


def test_fix_on_the_corpus_repairs_what_is_safe(corpus_site, tmp_path) -> None:
    pristine = Path(shutil.copytree(corpus_site, tmp_path / "corpus-before"))
    done = check(corpus_site, "--fix", "--format", "json")
    report = json.loads(done.stdout)
    assert report["summary"]["fixed"] >= 3
    assert not [f for f in report["findings"] if f["code"] == "flux-api-not-served"], report
    changes = changed_lines(pristine, corpus_site)
    assert len(changes) == report["summary"]["fixed"]
    assert all("apiVersion:" in old and "apiVersion:" in new for _, old, new in changes)
    again = json.loads(check(corpus_site, "--fix", "--format", "json").stdout)
    assert again["summary"]["fixed"] == 0


@pytest.mark.parametrize("name", sorted(SITES))
def test_fix_changes_nothing_on_the_real_sites(name, tmp_path) -> None:
    site = SITES[name]
    root = copy_real_site(site, tmp_path / name)
    state = snapshot(root)
    done = check(root, "--fix", "--format", "json", config=site.config)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["summary"]["fixed"] == 0
    assert snapshot(root) == state


def test_unsafe_fixes_rename_a_values_key_only_when_asked(site, seed_text) -> None:
    page = seed_text.replace("\n    ingress:\n", "\n    ingres:\n", 1)
    assert page != seed_text
    site.page("r.md", page)
    site.write_config()
    safe = check(site.root, "--fix", "--format", "json", offline=False)
    (_finding,) = [
        f for f in json.loads(safe.stdout)["findings"] if f["code"] == "values-unknown-key"
    ]
    assert "    ingres:\n" in (site.root / "docs/r.md").read_text()
    unsafe = check(site.root, "--unsafe-fixes", "--format", "json", offline=False)
    assert json.loads(unsafe.stdout)["summary"]["fixed"] == 1
    text = (site.root / "docs/r.md").read_text()
    assert "\n    ingress:\n" in text and "ingres:" not in text
    assert text.count("\n") == page.count("\n")


# Baseline -----------------------------------------------------------------------------


def test_a_baseline_lets_strict_pass_survives_edits_above_and_still_fails_new_mistakes(
    cookbook,
) -> None:
    assert check(cookbook, "--strict").returncode == 1
    written = check(cookbook, "--write-baseline")
    assert written.returncode == 0, written.stderr
    assert "wrote recipes-baseline.json: 11 finding(s) accepted" in written.stdout
    data = json.loads((cookbook / "recipes-baseline.json").read_text())
    assert {e["path"] for e in data["findings"]} == {
        "docs/recipes/manual.md",
        "includes/kubernetes-flux-helmrelease.md",
        "includes/kubernetes-flux-helmrepository.md",
        "includes/kubernetes-flux-kustomization.md",
        "snippets/flux-sync.md",
    }

    passed = check(cookbook, "--strict", "--format", "json")
    assert passed.returncode == 0, passed.stdout
    summary = json.loads(passed.stdout)["summary"]
    assert (summary["errors"], summary["baselined"]) == (0, 11)

    # Lines inserted above the baselined findings: still matched.
    manual = cookbook / "docs/recipes/manual.md"
    manual.write_text(
        manual.read_text().replace(
            "# Flux objects written by hand\n",
            "# Flux objects written by hand\n\nA new paragraph.\n\nAnd another.\n",
        )
    )
    assert check(cookbook, "--strict").returncode == 0

    # The build reads it too.
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=cookbook,
        capture_output=True,
        text=True,
        env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr

    # A new mistake fails, and only it is an error.
    manual.write_text(
        manual.read_text() + "\n```yaml\napiVersion: source.toolkit.fluxcd.io/v1beta1\n"
        "kind: GitRepository\nmetadata:\n  name: new\n```\n"
    )
    failed = check(cookbook, "--strict", "--format", "json")
    assert failed.returncode == 1
    errors = [f for f in json.loads(failed.stdout)["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["line"]) for f in errors] == [("flux-api-not-served", errors[0]["line"])]
    assert "v1beta1" in errors[0]["message"] and errors[0]["line"] > 110

    # SARIF says which results are new, and stays valid.
    sarif = json.loads(check(cookbook, "--format", "sarif").stdout)
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert states.count("new") == 2 and states.count("unchanged") == 11  # + namespace info
    schema_file = Path(__file__).resolve().parents[2] / ".test-data" / "sarif-2.1.0.json"
    assert schema_file.is_file(), "`bash scripts/test` fetches the SARIF schema"
    import jsonschema

    jsonschema.Draft4Validator(json.loads(schema_file.read_text())).validate(sarif)

    # Everything with --no-baseline.
    everything = json.loads(check(cookbook, "--no-baseline", "--format", "json").stdout)
    assert everything["summary"]["errors"] == 12 and everything["summary"]["baselined"] == 0


def test_a_baseline_entry_nothing_matches_is_reported_once(cookbook) -> None:
    assert check(cookbook, "--write-baseline").returncode == 0
    assert check(cookbook, "--fix").returncode == 0  # 9 fixed; the 2 left are baselined
    done = check(cookbook, "--format", "json")
    stale = [f for f in json_findings(done) if f["code"] == "baseline-stale"]
    assert len(stale) == 1 and stale[0]["path"] == "recipes-baseline.json"
    assert stale[0]["message"].startswith("9 baseline entries no longer match")
    assert stale[0]["severity"] == "info"


def test_a_broken_baseline_is_a_clear_error(cookbook) -> None:
    (cookbook / "recipes-baseline.json").write_text("{not json")
    done = check(cookbook)
    assert done.returncode == 2
    assert "recipes-baseline.json: not a baseline" in done.stderr
    assert "Traceback" not in done.stderr


def test_with_crds_a_fix_the_new_version_rejects_is_not_made(cookbook) -> None:
    from support.crds import CRD_DIR

    manual = cookbook / "docs/recipes/manual.md"
    manual.write_text(
        manual.read_text()
        + "\n```yaml\napiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: GitRepository\n"
        "metadata:\n  name: odd\n  namespace: flux-system\nspec:\n  interval: 5m\n"
        "  url: https://github.com/example/odd\n  ignore:\n    - '*.md'\n```\n"
    )
    done = check(cookbook, "--fix", "--crds", str(CRD_DIR), "--format", "json")
    report = json.loads(done.stdout)
    # The 9 of the cookbook validate against the real CRDs; the odd one does not.
    assert report["summary"]["fixed"] == 9
    assert "the CRDs reject it as source.toolkit.fluxcd.io/v1: spec.ignore:" in done.stderr
    assert (
        "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: GitRepository\nmetadata:\n  name: odd"
        in (manual.read_text())
    )
    left = [f for f in report["findings"] if f["code"] == "flux-api-not-served"]
    assert len(left) == 3
