"""No HTML, log or terminal injection from pages or charts, one test per defect found by
the reliability probe: findings shown in the page, the recipe footer, log and terminal
lines, path templates, slow patterns, a link urlsplit rejects, `includes --write` and
links, credentials, digests and the lockfile's mode."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from mkdocs_recipes.charts.cache import valid_digest
from mkdocs_recipes.charts.lockfile import Lockfile
from mkdocs_recipes.charts.package import write_repository
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.pages.page_findings import mark_blocks, show_findings
from mkdocs_recipes.report.findings import CODES, Finding
from mkdocs_recipes.site.analysis import analyse_page
from support.markup_oracle import FINDING_TAGS, HOSTILE, forged_lines, markup_problems
from support.paths import ROOT
from support.site import Site
from support.waiting import bounded

PAGE = "# Title\n\n```yaml\nx: 1\n```\n\nText.\n"
#: What the test page is made of: its heading and code block, and the findings.
PAGE_TAGS = FINDING_TAGS | {"h1"}


def _shown_markdown(findings: list[Finding]) -> str:
    marked = mark_blocks(PAGE, PAGE, findings)
    return show_findings(marked.markdown, marked, findings)


def _every_code_with_hostile_text() -> list[Finding]:
    findings = []
    for number, code in enumerate(sorted(CODES)):
        text = HOSTILE[number % len(HOSTILE)]
        other = HOSTILE[(number + 7) % len(HOSTILE)]
        finding = Finding.of(
            code, "p.md", 4, f"the key `{text}` and {other} here", f"write `{other}` or {text}"
        )
        # Shown whatever the code's level: every message and hint reaches the page.
        findings.append(
            Finding(
                "p.md", 4, code, finding.message, finding.hint, None, CODES["yaml-syntax"].severity
            )
        )
    return findings


def _article_findings(html: str) -> list[str]:
    """The admonitions the plugin put in a built page."""
    import re

    return re.findall(r'<div class="admonition (?:danger|warning)">.*?</div>', html, re.S)


@pytest.mark.parametrize("magiclink", [False, True])
def test_hostile_text_in_every_finding_code_is_shown_as_text(magiclink: bool) -> None:
    import markdown

    extensions = ["admonition", "pymdownx.superfences"] + (
        ["pymdownx.magiclink"] if magiclink else []
    )
    findings = _every_code_with_hostile_text()
    html = markdown.markdown(_shown_markdown(findings), extensions=extensions)
    assert markup_problems(html, PAGE_TAGS) == []
    # Every finding is there, each in its own admonition, none broken out of it.
    assert html.count('class="admonition danger"') == len(findings) + 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "versions",
    [
        ("markdown==3.3.7", "pymdown-extensions==9.11"),
        ("markdown==3.10", "pymdown-extensions==10.16"),
    ],
)
def test_older_markdown_releases_show_hostile_findings_as_text(versions) -> None:
    """The range `markdown>=3.3` allows: Markdown 3.3 and 3.10 (whose autolinks differ),
    with pymdownx.magiclink, installed from the package index into .test-data/."""
    folder = ROOT / ".test-data" / ("python-" + "-".join(versions).replace("==", "-"))
    if not (folder / "markdown").is_dir():
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(folder),
                *versions,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
    script = (
        "import json, sys, markdown\n"
        "texts = json.load(sys.stdin)\n"
        "ext = ['admonition', 'pymdownx.superfences', 'pymdownx.magiclink']\n"
        "print(json.dumps([markdown.markdown(t, extensions=ext) for t in texts]))\n"
    )
    texts = [_shown_markdown(_every_code_with_hostile_text())]
    texts += [
        _shown_markdown([Finding.of("values-unknown-key", "p.md", 4, f"`{h}`", h)]) for h in HOSTILE
    ]
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(folder)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for html in json.loads(done.stdout):
        assert markup_problems(html, PAGE_TAGS) == []


def _hostile_chart(root: Path) -> Path:
    """A chart repository folder whose chart has hostile keys in its values.yaml."""
    chart = root / "chart-source"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    values = {"replicas": 1}
    for text in HOSTILE[:6]:
        values[text] = 1
    (chart / "values.yaml").write_text(yaml.safe_dump(values))
    write_repository([chart], root / "repository")
    return root / "repository"


def _hostile_recipe(links: str) -> str:
    return (
        "---\ntitle: Demo\nhelm_chart_name: demo\nhelm_chart_version: 1.0.x\n"
        "helm_chart_repo_url: https://charts.hostile.example/\nhelmrelease_namespace: demo\n"
        f"flux:\n  {json.dumps(HOSTILE[0])}: 1\n{links}"
        "---\n\n# Demo\n\n```yaml\n    zzz: 1\n```\n\n"
        "{% include 'recipe-footer.md' %}\n"
    )


GOOD_LINKS = "links:\n  - name: 'x `y` <b>z</b>'\n    uri: https://example.org/docs?a=1&b=2\n"
BAD_LINKS = "links:\n  - name: x\n    uri: 'javascript&colon;alert(1)'\n"


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_a_hostile_chart_and_page_shown_in_a_real_build_are_text(tmp_path, theme) -> None:
    repository = _hostile_chart(tmp_path)
    site = Site(
        tmp_path / "site",
        recipes_options={
            "show_findings": "always",
            "cache_dir": str(tmp_path / "cache"),
            "mirrors": {"https://charts.hostile.example/": str(repository)},
        },
        extra_config={
            "theme": {"name": theme},
            "markdown_extensions": ["admonition", "pymdownx.superfences", "pymdownx.magiclink"],
        },
    )
    site.page("demo.md", _hostile_recipe(GOOD_LINKS))
    site.page("other.md", _hostile_recipe(BAD_LINKS).replace("demo", "other"))
    build = site.build(strict=False, env={"MKDOCS_RECIPES_OFFLINE": "1"})
    assert build.ok, build.output
    assert "[values-unknown-key]" in build.output and "[recipe-invalid-links]" in build.output
    assert "[flux-invalid-option]" in build.output
    for page, shown in (("demo", 2), ("other", 1)):
        html = build.html(page)
        boxes = _article_findings(html)
        assert len(boxes) >= shown, page
        for box in boxes:
            assert markup_problems(box) == [], box
        for raw in ("<img src=x", "<script>alert", "<svg onload", "<iframe", "<b onmouseover"):
            assert raw not in html, (page, raw)
    # The footer: the good link is a link, its text shown as written; the bad one is none.
    html = build.html("demo")
    assert 'href="https://example.org/docs?a=1&amp;b=2"' in html
    assert "&lt;b&gt;z&lt;/b&gt;" in html
    assert 'href="javascript' not in build.html("other").lower()
    assert forged_lines(build.output) == []


@pytest.mark.slow
def test_an_oci_repository_url_in_the_footer_is_code_not_a_tag(tmp_path) -> None:
    url = "oci://127.0.0.1:9/x/contenteditable/autofocus/onfocus=alert(document.domain)//"
    site = Site(tmp_path, recipes_options={"resolve_charts": False})
    site.page(
        "demo.md",
        f"---\nhelm_chart_name: demo\nhelm_chart_version: 1.0.x\nhelm_chart_repo_url: {url}\n"
        "helmrelease_namespace: demo\n---\n\n# Demo\n\n{% include 'recipe-footer.md' %}\n",
    )
    site.extra_config["markdown_extensions"] = ["pymdownx.magiclink"]
    build = site.build(strict=False)
    assert build.ok, build.output
    html = build.html("demo")
    assert "<oci:" not in html
    assert (
        "<code>oci://127.0.0.1:9/x/contenteditable/autofocus/onfocus=alert(document.domain)//</code>"
        in html
    )


def test_footer_links_are_judged_as_the_browser_decodes_them() -> None:
    for uri in (
        "javascript&colon;alert(1)",
        "javascript&#58;alert(2)",
        "&#106;avascript:alert(3)",
        "JAVASCRIPT:alert(4)",
        "java&#9;script:alert(5)",
        "data:text/html,x",
    ):
        page = (
            "---\nhelm_chart_name: demo\nhelm_chart_version: 1.0.x\n"
            "helm_chart_repo_url: https://charts.example/\nhelmrelease_namespace: demo\n"
            f"links:\n  - name: x\n    uri: '{uri}'\n---\n"
        )
        state = analyse_page(page, "p.md", FluxSettings())
        assert [f.code for f in state.findings] == ["recipe-invalid-links"], uri
        assert state.recipe is None or not state.recipe.links


def _log_page() -> str:
    key = HOSTILE[16]  # a newline, then a forged annotation
    escape = HOSTILE[17]
    return (
        f"# Page\n\n```yaml\n{json.dumps(key)}: 1\n{json.dumps(escape)}: 2\n"
        f"{json.dumps(key)}: 3\n```\n"
    )


@pytest.mark.slow
def test_no_line_of_the_build_log_or_check_output_begins_with_page_text(tmp_path) -> None:
    site = Site(tmp_path)
    site.page("index.md", _log_page())
    build = site.build(strict=False)
    assert "[yaml-duplicate-key]" in build.output
    assert forged_lines(build.output) == []
    for format_name in ("text", "github"):
        done = site.run("mkdocs_recipes", "check", "--format", format_name)
        assert "yaml-duplicate-key" in done.output
        assert forged_lines(done.output) == [], format_name


def test_check_keeps_mkdocs_macros_page_echo_off_stderr(tmp_path) -> None:
    site = Site(tmp_path)
    site.page(
        "index.md", "# T\n\n{{ 1 +* 2 }}\n\n::error file=README.md,line=1::forged annotation\n"
    )
    done = site.run("mkdocs_recipes", "check", "--format", "github")
    assert "::warning file=docs/index.md,line=3,title=page-macros-error::" in done.output
    assert forged_lines(done.output) == []
    assert "_Macro Syntax Error_" not in done.output


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("/{namespace:>300000000}", "unknown placeholder"),
        ("/{namespace.nope}", "unknown placeholder"),
        ("/{namespace[0]}", "unknown placeholder"),
        ("/{namespace!r}", "unknown placeholder"),
        ("/{}", "unknown placeholder"),
        ("/{namespace}}", "brace that is not part of a placeholder"),
        ("/" + "x" * 600, "longer than"),
    ],
)
def test_path_options_are_templates_of_named_fields_only(template: str, problem: str) -> None:
    page = (
        "---\nhelm_chart_name: demo\nhelm_chart_version: 1.0.x\n"
        "helm_chart_repo_url: https://charts.example/\nhelmrelease_namespace: demo\n"
        f"flux:\n  helmrelease_path: {json.dumps(template)}\n---\n\n"
        "{{ flux_helmrelease() }}\n"
    )
    state = bounded(lambda: analyse_page(page, "p.md", FluxSettings()), 10)
    (finding,) = [f for f in state.findings if f.code == "flux-invalid-option"]
    assert finding.line == 7 and problem in finding.message
    assert state.settings.helmrelease_path == FluxSettings().helmrelease_path


@pytest.mark.parametrize(
    "page",
    [
        "# a" + " " * 3000 + "x\n\n[l](#nope)\n",
        "# R\n\n"
        + "".join(f"[t{i}][undefined-{i}] " for i in range(5000))
        + "\n\n"
        + "".join(f"[defined-{i}]: https://x/{i}\n" for i in range(3000)),
        "# B\n\n" + "![x](" * 5000 + "\n\n" + "<img " * 20000 + "\n\n" + "<!--" * 10000 + "\n",
        "# J\n\n" + "{{" * 20000 + "\n",
        "# Y\n\n```yaml\n" + "${" * 20000 + ": x\n```\n",
    ],
    ids=["heading", "references", "brackets", "jinja", "placeholders"],
)
def test_no_page_makes_the_checks_slow(tmp_path, page: str) -> None:
    from mkdocs_recipes.site_build import check_site

    site = Site(tmp_path, recipes_options={"resolve_charts": False})
    site.page("page.md", page)
    site.write_config()
    # This process's CPU time, not the wall clock: a loaded machine (CI, a benchmark
    # beside it) stretches the one and not the other. A quadratic check takes minutes.
    started = time.process_time()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        bounded(lambda: check_site(tmp_path / "mkdocs.yml", offline=True), 60)
    finally:
        os.chdir(cwd)
    assert time.process_time() - started < 15


def test_a_link_urlsplit_rejects_does_not_crash_check(tmp_path) -> None:
    site = Site(tmp_path, recipes_options={"resolve_charts": False})
    site.page("index.md", "# Home\n\n[x](https://[example.org]/) and [y](http://[::1/)\n")
    done = site.run("mkdocs_recipes", "check")
    assert done.returncode == 0 and "Traceback" not in done.output, done.output


def test_includes_write_refuses_links_devices_and_pipes(tmp_path) -> None:
    folder = tmp_path / "includes"
    folder.mkdir()
    outside = tmp_path / "outside.md"
    (folder / "kubernetes-flux-namespace.md").symlink_to(tmp_path / "nowhere.md")  # dangling
    (folder / "kubernetes-flux-helmrelease.md").symlink_to(outside)
    outside.write_text("the site's own file\n")
    (folder / "kubernetes-flux-check.md").symlink_to("/dev/zero")
    os.mkfifo(folder / "recipe-footer.md")
    done = bounded(
        lambda: subprocess.run(
            [sys.executable, "-m", "mkdocs_recipes", "includes", "--write", str(folder), "--force"],
            capture_output=True,
            text=True,
            timeout=60,
        ),
        90,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.count("refused") == 4 and "Traceback" not in done.stderr
    assert not (tmp_path / "nowhere.md").exists()
    assert outside.read_text() == "the site's own file\n"
    assert stat.S_ISFIFO((folder / "recipe-footer.md").lstat().st_mode)
    written = folder / "kubernetes-flux-kustomization.md"
    assert written.is_file() and not written.is_symlink()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left


def test_credentials_are_never_repeated_in_findings() -> None:
    page = (
        "---\nhelm_chart_name: demo\nhelm_chart_version: 1.0.x\n"
        "helm_chart_repo_url: https://charts.example/\nhelmrelease_namespace: demo\n"
        "links:\n  - name: x\n    uri: https://alice:s3cret@example.org/\n"
        "  - name: y\n    uri: https://ghp_tokenvalue@example.org/\n---\n"
    )
    state = analyse_page(page, "p.md", FluxSettings())
    text = " ".join(f"{f.message} {f.hint}" for f in state.findings)
    assert "recipe-invalid-links" in {f.code for f in state.findings}
    assert "s3cret" not in text and "alice" not in text and "ghp_tokenvalue" not in text
    finding = Finding.of("chart-digest-mismatch", "p.md", 1, "https://u:pw@h.example/x.tgz differs")
    assert "pw@" not in finding.message and "https://***@h.example/x.tgz" in finding.message


def test_a_digest_with_another_algorithms_prefix_is_not_a_sha256() -> None:
    hex64 = "a" * 64
    assert valid_digest(hex64) and valid_digest(f"sha256:{hex64}")
    assert not valid_digest(f"md5:{hex64}") and not valid_digest(f"sha512:{hex64}")


def test_the_lockfile_is_written_to_be_committed(tmp_path) -> None:
    lockfile = Lockfile(tmp_path / "recipes.lock")
    lockfile.save()
    assert stat.S_IMODE((tmp_path / "recipes.lock").stat().st_mode) == 0o644
