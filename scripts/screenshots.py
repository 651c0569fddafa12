"""Screenshots of this project's docs site as readers and authors see it, in Debian's
headless `chromium`: the home, install and check pages, and the podinfo recipe with a
typo planted in a values block, its finding shown in the page (`show_findings: always`,
what an author sees under `mkdocs serve`).

The recipe's screenshot replaces `docs/images/page-with-findings.png`, which the serve
guide shows; the others go to `.test-artifacts/` (or `$MKDOCS_RECIPES_ARTIFACTS`) to look
at. Also prints what `mkdocs-recipes check` says of that typo, as a terminal shows it.

Run: bash scripts/screenshots
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("MKDOCS_RECIPES_ARTIFACTS", ROOT / ".test-artifacts"))
PAGES = {
    "docs-home.png": "",
    "docs-install.png": "guide/install/",
    "docs-check.png": "guide/check/",
    "page-with-findings.png": "recipes/podinfo/",
}
ENV = {
    **os.environ,
    "MKDOCS_RECIPES_OFFLINE": "1",
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
}


def planted_site(folder: Path) -> Path:
    """The docs site with `replicaCnt` for `replicaCount` in the podinfo recipe, its
    findings shown in every build."""
    for name in ("docs", "includes", "examples"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "recipes.lock", folder / "recipes.lock")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("strict: true", "strict: false")
    config = config.replace("  - recipes:\n", "  - recipes:\n      show_findings: always\n", 1)
    if "show_findings: always" not in config:
        raise SystemExit("mkdocs.yml: the recipes plugin entry was not found")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    page = folder / "docs" / "recipes" / "podinfo.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("    replicaCount: 2", "    replicaCnt: 2"),
        encoding="utf-8",
    )
    return folder


def chromium(url: str, shot: Path, profile: Path, height: int) -> None:
    binary = shutil.which("chromium")
    if binary is None:
        raise SystemExit("chromium is missing: scripts/setup installs it (apt-get)")
    subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            f"--user-data-dir={profile}",
            f"--window-size=1280,{height}",
            f"--screenshot={shot}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _summary_and_finding(tall: Path, out: Path) -> None:
    """The page's top (its findings summary) and the stretch around the finding's box, one
    above the other: the two red boxes an author sees, found by Material's danger red."""
    from PIL import Image

    with Image.open(tall) as image:
        page = image.convert("RGB")
    width, height = page.size
    pixels = page.load()
    rows = [
        y
        for y in range(height)
        if sum(
            1
            for x in range(0, width, 4)
            if pixels[x, y][0] > 230 and pixels[x, y][1] < 60 and 40 < pixels[x, y][2] < 100
        )
        > 3
    ]
    if not rows:
        raise SystemExit(f"{tall}: no finding box found")
    boxes: list[list[int]] = [[rows[0], rows[0]]]
    for y in rows[1:]:
        if y - boxes[-1][1] > 150:  # a box's body has red only at its thin sides
            boxes.append([y, y])
        boxes[-1][1] = y
    summary, finding = boxes[0], boxes[-1]
    top = page.crop((0, 0, width, min(height, summary[1] + 40)))
    around = page.crop((0, max(0, finding[0] - 220), width, min(height, finding[1] + 40)))
    joined = Image.new("RGB", (width, top.height + 16 + around.height), (225, 225, 225))
    joined.paste(top, (0, 0))
    joined.paste(around, (0, top.height + 16))
    joined.save(out, optimize=True)
    print(f"wrote {out}")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = planted_site(Path(temporary) / "site")
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, env=ENV, check=True
        )
        handler = functools.partial(_Quiet, directory=str(folder / "site"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            for name, path in PAGES.items():
                shot = ARTIFACTS / name
                chromium(base_url + path, shot, Path(temporary) / "profile", 1600)
                print(f"wrote {shot}")
            tall = ARTIFACTS / "page-with-findings-full.png"
            recipe = base_url + PAGES["page-with-findings.png"]
            chromium(recipe, tall, Path(temporary) / "profile", 3600)
        finally:
            server.shutdown()
        images = ROOT / "docs" / "images"
        images.mkdir(exist_ok=True)
        _summary_and_finding(tall, images / "page-with-findings.png")
        checked = subprocess.run(
            [sys.executable, "-m", "mkdocs_recipes", "check", "--no-cache"],
            cwd=folder,
            env=ENV,
            capture_output=True,
            text=True,
        )
        print("\n$ mkdocs-recipes check")
        print(checked.stdout + checked.stderr, end="")


if __name__ == "__main__":
    main()
