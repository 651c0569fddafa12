"""`mkdocs-recipes check`: the build's findings without HTML, plus links and recipes across
the site, in text, JSON, GitHub and SARIF; exit 0 clean, 1 failing findings, 2 usage."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from test_corpus import LOGGED, build

from support.paths import ROOT, TESTS
from support.sites import copy_site, run_module

SITE = TESTS / "check_site"
SARIF_SCHEMA = ROOT / ".test-data" / "sarif-2.1.0.json"


def expected() -> dict:
    return yaml.safe_load((SITE / "expected.yaml").read_text(encoding="utf-8"))


def check(cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    return run_module(cwd, "mkdocs_recipes", "check", *arguments)


@pytest.fixture
def planted_site(tmp_path, chart_server, homelab_repository) -> Path:
    return copy_site(SITE, tmp_path / "site", chart_server.url)


def clean(site: Path) -> Path:
    for planted in expected()["planted"]:
        target = site / planted
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return site


def test_every_planted_defect_is_found_and_nothing_else(planted_site) -> None:
    done = check(planted_site, "--format", "json")
    assert done.returncode == 1, done.stderr
    output = json.loads(done.stdout)
    found = {(f["path"], f["line"], f["code"]) for f in output["findings"]}
    assert found == {tuple(entry) for entry in expected()["findings"]}
    assert set(output) == {"findings", "summary"}
    for finding in output["findings"]:
        assert set(finding) == {"path", "line", "column", "severity", "code", "message", "hint"}
        assert finding["severity"] in ("error", "warning", "info")
    summary = output["summary"]
    assert summary["pages"] == 13 and summary["recipes"] == 7 and summary["failed"] is True
    assert summary["errors"] + summary["warnings"] + summary["info"] == len(found)
    # Cross-page findings name the other page and its line.
    clash = next(f for f in output["findings"] if f["code"] == "recipe-release-clash")
    assert re.search(r"docs/(recipes/app-one|planted/clash)\.md:\d+", clash["message"])


def test_a_clean_site_exits_0_with_only_the_summary(planted_site) -> None:
    done = check(clean(planted_site))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines() == ["Checked 5 pages (2 recipes): no findings."], (
        done.stdout
    )


def test_sarif_output_is_valid_sarif_2_1_0(planted_site) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.fail(f"{SARIF_SCHEMA} is missing: `bash scripts/test` fetches it (npm)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    done = check(planted_site, "--format", "sarif")
    log = json.loads(done.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    (run,) = log["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert len(results) == len(expected()["findings"])
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith(("docs/", "snippets/"))
        assert location["region"]["startLine"] >= 1
    # A broken log is caught by the same validation.
    results[0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_github_annotations_land_on_the_file_and_line(planted_site) -> None:
    done = check(planted_site, "--format", "github")
    lines = done.stdout.strip().splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(expected()["findings"])
    assert (
        "::error file=docs/planted/proxy.md,line=12,col=5,title=values-unknown-key::" in done.stdout
    )
    assert any(line.startswith("::notice file=docs/planted/proxy.md,line=6,") for line in lines)
    assert lines[-1].startswith("Checked 13 pages")


def test_paths_are_relative_to_the_working_directory(planted_site) -> None:
    # mkdocs.yml in hack/docs, run from the repository root: annotations name docs/...
    hack = planted_site / "hack" / "docs"
    hack.mkdir(parents=True)
    config = yaml.safe_load((planted_site / "mkdocs.yml").read_text())
    config["docs_dir"] = "../../docs"
    # Both read these relative to the working directory, as mkdocs-macros and
    # pymdownx.snippets do.
    config["plugins"][1]["macros"]["include_dir"] = "includes"
    config["markdown_extensions"][-1]["pymdownx.snippets"]["base_path"] = ["snippets"]
    (hack / "mkdocs.yml").write_text(yaml.safe_dump(config))
    (planted_site / "mkdocs.yml").unlink()
    done = check(planted_site, "-f", "hack/docs/mkdocs.yml", "--format", "json")
    paths = {f["path"] for f in json.loads(done.stdout)["findings"]}
    assert "docs/planted/proxy.md" in paths and "snippets/planted-note.md" in paths
    assert not any(path.startswith("..") for path in paths)


def test_paths_select_and_ignore_narrow_what_is_reported(planted_site) -> None:
    one = check(planted_site, "docs/planted/links.md", "--format", "json")
    assert {f["path"] for f in json.loads(one.stdout)["findings"]} == {"docs/planted/links.md"}
    # Site-wide checks still see every page: the clash on app-one names planted/clash.md.
    recipe = check(planted_site, "docs/recipes", "--format", "json")
    (clash,) = json.loads(recipe.stdout)["findings"][:1]
    assert clash["code"] == "recipe-release-clash" and "planted/clash.md" in clash["message"]
    links = check(planted_site, "--select", "link-,image-missing", "--format", "json")
    codes = {f["code"] for f in json.loads(links.stdout)["findings"]}
    assert codes and all(c.startswith(("link-", "image-")) for c in codes)
    rest = check(planted_site, "--ignore", "link-", "--ignore", "image-missing,recipe-")
    assert "[link-" not in rest.stdout and "[recipe-" not in rest.stdout
    assert "[values-unknown-key]" in rest.stdout


def test_strict_makes_warnings_fail(planted_site) -> None:
    site = clean(planted_site)
    (site / "docs" / "typo.md").write_text("# Typo\n\nA [reference][nowhere].\n")
    assert check(site).returncode == 0
    strict = check(site, "--strict")
    assert strict.returncode == 1
    assert "docs/typo.md:3: warning [link-reference-undefined]" in strict.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-f", "nothing.yml"), "no such file"),
        (("--select", "values-unknwon-key"), "did you mean `values-unknown-key`"),
        (("missing.md",), "no such file or folder"),
        (("-f", "bad-macros.yml"), "Include directory 'nowhere' does not exist"),
    ],
)
def test_usage_errors_exit_2(planted_site, arguments, message) -> None:
    config = (planted_site / "mkdocs.yml").read_text()
    (planted_site / "bad-macros.yml").write_text(
        config.replace("include_dir: includes", "include_dir: nowhere")
    )
    done = check(planted_site, *arguments)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_check_reports_what_the_build_reports(corpus_site) -> None:
    """One engine, two front ends: on the real-site corpus, the build's findings are the
    check's, less the checks only `check` runs (links, recipes across the site)."""
    code, output = build(corpus_site)
    assert code == 0, output
    built = {(path, int(line), c) for _, path, line, c, _ in LOGGED.findall(output)}
    done = check(corpus_site, "--format", "json")
    checked = {
        (f["path"], f["line"], f["code"])
        for f in json.loads(done.stdout)["findings"]
        if not f["code"].startswith(("link-", "image-"))
        and f["code"]
        not in (
            "recipe-release-clash",
            "recipe-repository-clash",
            "recipe-file-clash",
            "recipe-copied-text",
            "recipe-names-other-chart",
            "recipe-namespace-missing",
        )
    }
    assert built and checked == built


def test_a_progress_line_on_a_terminal_and_none_otherwise(planted_site) -> None:
    import pty

    piped = check(clean(planted_site))
    assert piped.stderr == ""  # not a terminal: no progress
    primary, secondary = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--no-cache"],
        cwd=planted_site,
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert done.returncode == 0
    assert b" pages [" in seen and b"5/5" in seen


def test_a_page_that_is_not_utf8_is_a_finding_and_the_rest_is_checked(planted_site) -> None:
    site = clean(planted_site)
    (site / "docs" / "broken.md").write_bytes(b"# Broken \xff\xfe text\n")
    (site / "docs" / "typo.md").write_text("# Typo\n\nA [reference][nowhere].\n")
    done = check(site, "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    found = {(f["path"], f["code"]) for f in json.loads(done.stdout)["findings"]}
    assert found == {
        ("docs/broken.md", "page-unreadable"),
        ("docs/typo.md", "link-reference-undefined"),
    }
