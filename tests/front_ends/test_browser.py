"""This project's docs site under `mkdocs serve`, opened in headless Chromium (Debian's
`chromium`, installed by scripts/test): what a reader and an author see once Material's
JavaScript has run.

The screenshot of the page with a planted error is kept in `.test-artifacts/` (or in
`$MKDOCS_RECIPES_ARTIFACTS`) to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from support.waiting import free_port, wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MKDOCS_RECIPES_ARTIFACTS", ROOT / ".test-artifacts"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root in CI
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--hide-scrollbars",
    # Lets the page's scripts run to completion before the DOM or screenshot is taken.
    "--virtual-time-budget=5000",
]


class Element:
    def __init__(self, tag: str, attributes: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attributes, self.parent = tag, attributes, parent
        self.children: list[Element] = []
        #: Text and child elements, in document order.
        self.content: list[str | Element] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attributes.get("class", "").split())

    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text() for p in self.content)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def next_sibling(self) -> Element | None:
        assert self.parent is not None
        siblings = self.parent.children
        index = siblings.index(self)
        return siblings[index + 1] if index + 1 < len(siblings) else None


class _Tree(HTMLParser):
    VOID: ClassVar[set[str]] = {
        "area",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        self.current.content.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data) -> None:
        self.current.content.append(data)


def parse(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium is missing: scripts/test installs it (apt-get)"
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def served_docs(tmp_path):
    """This project's docs site, with a typo planted in the podinfo recipe, under `mkdocs
    serve` (offline; without live reload, whose long poll never lets a page finish)."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("docs", "includes", "examples"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "recipes.lock", site / "recipes.lock")
    config = (ROOT / "mkdocs.yml").read_text()
    (site / "mkdocs.yml").write_text(config.replace("strict: true", "strict: false"))
    page = site / "docs" / "recipes" / "podinfo.md"
    text = page.read_text()
    page.write_text(text.replace("    replicaCount: 2", "    replicaCnt: 2"))
    line = text.split("\n").index("    replicaCount: 2") + 1
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - read while the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=site,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "MKDOCS_RECIPES_OFFLINE": "1",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        },
    )
    url = f"http://127.0.0.1:{port}/recipes/podinfo/"

    def serving() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return answer.status == 200
        except OSError:
            return False

    try:
        assert wait_for(serving, 90), (tmp_path / "serve.log").read_text()
        yield url, line
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def test_recipe_page_in_a_browser(served_docs, tmp_path) -> None:
    url, line = served_docs
    done = chromium("--dump-dom", url, profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = parse(done.stdout)
    # Material's JavaScript ran (it marks the document), so what follows is what readers get.
    html = next(e for e in dom.walk() if e.tag == "html")
    assert "js" in html.classes

    blocks = [e for e in dom.walk() if "highlight" in e.classes and e.tag == "div"]
    titles = {}
    for block in blocks:
        title = next((e for e in block.walk() if "filename" in e.classes), None)
        if title is not None:
            titles[title.text().strip()] = block
    for expected in (
        "/bootstrap/namespaces/namespace-podinfo.yaml",
        "/bootstrap/helmrepositories/helmrepository-podinfo.yaml",
        "/bootstrap/kustomizations/kustomization-podinfo.yaml",
        "/podinfo/helmrelease-podinfo.yaml",
    ):
        assert expected in titles, sorted(titles)
        block = titles[expected]
        code = next(e for e in block.walk() if e.tag == "code")
        pre = code.parent
        assert pre is not None and pre.attributes.get("id"), "Material numbers each block"
        # The copy button Material adds copies this very block.
        buttons = [
            e for e in block.walk() if e.tag == "button" and "data-clipboard-target" in e.attributes
        ]
        assert [b.attributes["data-clipboard-target"] for b in buttons] == [
            f"#{pre.attributes['id']} > code"
        ]
        assert "apiVersion" in code.text()

    # The planted typo: its finding is the element right after the block, with the hint.
    typo = next(b for b in blocks if "replicaCnt" in b.text())
    box = typo.next_sibling()
    assert box is not None and {"admonition", "danger"} <= box.classes, box and box.tag
    assert box.children[0].text().strip() == f"line {line}: values-unknown-key"
    assert "did you mean replicaCount?" in " ".join(box.text().split())
    # The summary at the top of the page, before the first block.
    titles_shown = [e for e in dom.walk() if "admonition-title" in e.classes]
    summary = next(e for e in titles_shown if e.text().startswith("mkdocs-recipes: "))
    assert summary.text().strip() == "mkdocs-recipes: 1 error on this page"
    assert summary.parent is not None and "danger" in summary.parent.classes
    order = list(dom.walk())
    assert order.index(summary) < order.index(blocks[0])

    # A screenshot to look at, kept as an artifact; it shows the two red boxes.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "browser-podinfo-finding.png"
    shot.unlink(missing_ok=True)
    done = chromium(
        "--window-size=1280,3600", f"--screenshot={shot}", url, profile=tmp_path / "profile"
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 3600)
        pixels = image.convert("RGB").tobytes()
    # Material's "danger" colour (#ff1744) on the admonitions' borders and icons.
    red = sum(
        1
        for i in range(0, len(pixels), 3)
        if pixels[i] > 230 and 0 < pixels[i + 1] < 60 and 40 < pixels[i + 2] < 100
    )
    assert red > 500, f"no danger admonition visible in {shot}"
