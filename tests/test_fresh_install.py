"""Installed as the README says, into a fresh virtual environment with nothing but
mkdocs-material beside it: the package's own dependencies must be enough for a build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support.fresh import build_wheel, fresh_venv
from support.fresh import run as fresh_run
from support.html import code_blocks
from support.paths import ROOT


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = fresh_run(command, cwd, env)
    return done.stdout + done.stderr


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_builds_a_recipe_site(tmp_path) -> None:
    wheel = build_wheel(tmp_path)
    source = tmp_path / "source"
    fresh = tmp_path / "fresh"
    fresh_venv(fresh, str(wheel), "mkdocs-material")
    python = fresh / "bin" / "python"
    # Nothing of the test extras came along.
    listed = run([str(python), "-m", "pip", "list", "--format=freeze"], tmp_path).lower()
    assert "pytest" not in listed and "hypothesis" not in listed

    # This project's own docs site: recipe pages, OCI and HTTP charts from folder mirrors,
    # values checks (jsonschema), the packaged includes; strict and offline.
    site = tmp_path / "site-source"
    site.mkdir()
    for name in ("docs", "includes", "examples"):
        shutil.copytree(source / name, site / name)
    for name in ("mkdocs.yml", "recipes.lock"):
        shutil.copy(source / name, site / name)
    output = run(
        [str(fresh / "bin" / "mkdocs"), "build", "--strict"],
        site,
        env={"MKDOCS_RECIPES_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    html = (site / "site" / "recipes" / "podinfo" / "index.html").read_text(encoding="utf-8")
    assert "helm.toolkit.fluxcd.io/v2" in html, output
    # Plain MkDocs (no ProperDocs installed): the plugin's ProperDocs declaration is silent.
    assert "properdocs" not in listed
    assert "ProperDocs" not in output and "MkDocs may break" not in output, output
    # And the console script works from that environment.
    assert "lock" in run([str(fresh / "bin" / "mkdocs-recipes"), "--help"], site)
    # The commands from page to cluster, installed without extras.
    offline = {"MKDOCS_RECIPES_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    tool = str(fresh / "bin" / "mkdocs-recipes")
    run([tool, "export", "--out", "cluster"], site, env=offline)
    assert (site / "cluster" / "podinfo" / "helmrelease-podinfo.yaml").is_file()
    assert "no findings" in run([tool, "export", "--check", "cluster"], site, env=offline)
    assert "3 recipe(s)" in run([tool, "outdated"], site, env=offline)
    assert "customManagers" in run([tool, "renovate"], site, env=offline)
    # The language server needs the `lsp` extra: without it, the command says so.
    assert "pygls" not in listed
    done = subprocess.run([tool, "lsp"], cwd=site, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "pip install 'mkdocs-recipes[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def _quick_start() -> tuple[str, str, str]:
    """The README's quick start as written: its install line, its mkdocs.yml and its page."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start on an existing site", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```(\w+)([^\n]*)\n(.*?)^```$", section, flags=re.M | re.S)
    install = next(
        line.split("#", 1)[0].strip()
        for language, _, body in blocks
        if language == "bash"
        for line in body.splitlines()
        if line.startswith("pip install")
    )
    config = next(body for language, info, body in blocks if 'title="mkdocs.yml"' in info)
    page = next(body for language, _, body in blocks if language == "markdown")
    return install, config, page


@pytest.mark.slow
def test_the_readme_quick_start_builds_as_written_on_mkdocs_and_properdocs(tmp_path) -> None:
    """Installed as the README says (its checkout path replaced by the wheel built from
    it), its mkdocs.yml and page as written; the only addition is a mirror that stands in
    for the network this test does not have (podinfo's repository, from the examples)."""
    install, config, page = _quick_start()
    wheel = build_wheel(tmp_path)
    packages = [str(wheel) if word.startswith("./") else word for word in install.split()[2:]]
    assert str(wheel) in packages and "mkdocs-material" in packages, install
    bin_dir = fresh_venv(tmp_path / "fresh", *packages, "properdocs")

    site = tmp_path / "quick"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "podinfo.md").write_text(page)
    shutil.copytree(ROOT / "examples" / "chart-repository" / "podinfo", site / "podinfo-charts")
    (site / "mkdocs.yml").write_text(
        config.replace(
            "  - recipes\n",
            "  - recipes:\n      mirrors:\n"
            "        https://stefanprodan.github.io/podinfo: podinfo-charts\n",
        )
    )
    assert "podinfo-charts" in (site / "mkdocs.yml").read_text()
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "DISABLE_MKDOCS_2_WARNING": "true"}
    for engine in ("mkdocs", "properdocs"):
        run([str(bin_dir / engine), "build", "--strict"], site, env=env)
        html = (site / "site" / "podinfo" / "index.html").read_text(encoding="utf-8")
        blocks = {b.title: b.text for b in code_blocks(html)}
        release = blocks.get("/podinfo/helmrelease-podinfo.yaml", "")
        assert "apiVersion: helm.toolkit.fluxcd.io/v2" in release, (engine, sorted(blocks))
        assert "kind: HelmRelease" in release and "version: 6.5.x" in release, release


@pytest.mark.slow
def test_the_lsp_extra_installs_a_server_that_answers(tmp_path) -> None:
    """`pip install 'mkdocs-recipes[lsp]'` as the editor guide says, into a fresh venv:
    the server starts and answers an editor's first request over stdio."""
    wheel = build_wheel(tmp_path)
    fresh = tmp_path / "fresh"
    fresh_venv(fresh, f"mkdocs-recipes[lsp] @ {wheel.as_uri()}")
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": None, "capabilities": {}}}
    ).encode()  # fmt: skip
    exit_body = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    request = b"".join(
        b"Content-Length: %d\r\n\r\n%s" % (len(part), part) for part in (body, exit_body)
    )
    done = subprocess.run(
        [str(fresh / "bin" / "mkdocs-recipes"), "lsp"],
        input=request,
        capture_output=True,
        timeout=120,
        cwd=tmp_path,
    )
    header, _, answer = done.stdout.partition(b"\r\n\r\n")
    assert header.startswith(b"Content-Length:"), done.stdout + done.stderr
    length = re.search(rb"Content-Length: *(\d+)", header)
    assert length is not None, header
    result = json.loads(answer[: int(length.group(1))])["result"]
    assert result["serverInfo"]["name"] == "mkdocs-recipes"
    assert result["capabilities"]["completionProvider"]
    assert result["capabilities"]["executeCommandProvider"]["commands"] == [
        "mkdocs-recipes.acceptFinding"
    ]
