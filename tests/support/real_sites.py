"""The public sites in ../shared/real-sites, copied and run as their projects run them.

Each site is copied to a temporary folder (the shared copy is read-only), laid out as its
README in ../shared/real-sites says (rook's macros module opens the git repository it sits
in), and `recipes` is added to its `plugins:` the way a user would add it: beside
`macros`, or with `macros: {render_by_default: false}` where the site has no macros (Helm
templates in its pages are not Jinja).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support.paths import SHARED

REAL_SITES = SHARED / "real-sites"
EXPECTED = Path(__file__).resolve().parents[1] / "real_sites"

# `[code] message` as the plugin logs a finding during `mkdocs build`.
_LOGGED = re.compile(r"^(WARNING|ERROR|INFO)\s+-\s+(\S+?):(\d+): \[([\w-]+)\]", re.M)


@dataclass(frozen=True)
class RealSite:
    name: str
    #: mkdocs.yml, relative to the site's folder.
    config: str
    #: Whether the site's build needs the folder to be a git repository.
    git: bool = False

    @property
    def source(self) -> Path:
        return REAL_SITES / self.name


SITES = {
    site.name: site
    for site in (
        RealSite("rook", "mkdocs.yml", git=True),
        RealSite("argo-cd", "mkdocs.yml"),
        RealSite("bjw-s-helm-charts", ".ci/mkdocs/mkdocs.yml"),
    )
}


def copy_real_site(site: RealSite, destination: Path, *, plugin: bool = True) -> Path:
    """The site copied to `destination`, writable, with the recipes plugin added."""
    shutil.copytree(site.source, destination, copy_function=shutil.copyfile)
    for folder, directories, _ in os.walk(destination):
        for name in directories:
            os.chmod(os.path.join(folder, name), 0o755)
    if plugin:
        config = destination / site.config
        config.write_text(add_recipes_plugin(config.read_text(encoding="utf-8")))
    if site.git:
        for command in (
            ["git", "init", "-q"],
            ["git", "add", "-A"],
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "site"],
        ):
            subprocess.run(command, cwd=destination, check=True, capture_output=True)
    return destination


def add_recipes_plugin(text: str) -> str:
    """mkdocs.yml with `- recipes` in its plugins list, edited as text (these files hold
    `!!python/name` and `!ENV` tags that a YAML round trip would lose)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"^plugins:\s*$", line))
    item = next(line for line in lines[start + 1 :] if line.strip())
    indent = item[: len(item) - len(item.lstrip())]
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "-"))):
        end += 1
    block = "\n".join(lines[start:end])
    added = [f"{indent}- recipes"]
    if not re.search(r"^\s*- macros\b", block, re.M):
        added.append(f"{indent}- macros:\n{indent}    render_by_default: false")
    return "\n".join([*lines[: start + 1], *added, *lines[start + 1 :]])


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "MKDOCS_RECIPES_OFFLINE": "1",
        # argo-cd's site_url is `!ENV READTHEDOCS_CANONICAL_URL`.
        "READTHEDOCS_CANONICAL_URL": "https://argo-cd.readthedocs.io/en/stable/",
    }


def build(folder: Path, site: RealSite) -> subprocess.CompletedProcess:
    """`mkdocs build` as the site's project runs it (from the folder holding its files)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", site.config, "-d", str(folder / "_site")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
        env=environment(),
    )


def check(
    folder: Path, site: RealSite, *options: str, loaded: list[str] | None = None
) -> tuple[int, list[dict]]:
    """`mkdocs-recipes check --format json` on the site: its exit status and findings.
    `loaded`: filled with the names of the modules the check imported."""
    command = [sys.executable, "-m", "mkdocs_recipes", "check", "-f", site.config]
    env = environment()
    if loaded is not None:
        env["PYTHONPROFILEIMPORTTIME"] = "1"
    done = subprocess.run(
        [*command, "--format", "json", *options],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    if loaded is not None:
        loaded += re.findall(r"^import time:.*\|\s+(\S+)$", done.stderr, re.M)
    try:
        findings = json.loads(done.stdout)["findings"]
    except (ValueError, KeyError):
        raise AssertionError(f"check printed no JSON:\n{done.stdout}\n{done.stderr}") from None
    return done.returncode, findings


def logged_findings(output: str) -> list[tuple[str, str, int, str]]:
    """(level, path, line, code) of each finding a build logged."""
    return [(m[0], m[1], int(m[2]), m[3]) for m in _LOGGED.findall(output)]
