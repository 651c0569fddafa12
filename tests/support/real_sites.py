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
    #: The engine its project builds it with (`mkdocs` or `properdocs`).
    engine: str = "mkdocs"
    #: The file whose `plugins:` gets `recipes` (an `INHERIT`ed base, say); `config`.
    plugins_in: str = ""

    @property
    def plugins_file(self) -> str:
        return self.plugins_in or self.config

    @property
    def source(self) -> Path:
        return REAL_SITES / self.name


SITES = {
    site.name: site
    for site in (
        RealSite("rook", "mkdocs.yml", git=True),
        RealSite("argo-cd", "mkdocs.yml"),
        RealSite("bjw-s-helm-charts", ".ci/mkdocs/mkdocs.yml"),
        RealSite("argo-workflows", "properdocs.yml", engine="properdocs"),
        RealSite("argo-rollouts", "mkdocs.yml"),
        RealSite("trivy-operator", "mkdocs.yml"),
        RealSite("percona-pxc", "mkdocs.yml", git=True, plugins_in="mkdocs-base.yml"),
        RealSite("postgres-operator", "mkdocs.yml"),
        RealSite("homelab", "mkdocs.yml"),
        RealSite("kops", "mkdocs.yml"),
        RealSite("openfaas", "mkdocs.yml"),
    )
}


def copy_real_site(site: RealSite, destination: Path, *, plugin: bool = True) -> Path:
    """The site copied to `destination`, writable, with the recipes plugin added."""
    shutil.copytree(site.source, destination, copy_function=shutil.copyfile)
    for folder, directories, _ in os.walk(destination):
        for name in directories:
            os.chmod(os.path.join(folder, name), 0o755)
    if plugin:
        add_recipes_to(destination, site)
    if site.git:
        for command in (
            ["git", "init", "-q"],
            ["git", "add", "-A"],
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "site"],
        ):
            subprocess.run(command, cwd=destination, check=True, capture_output=True)
    return destination


def add_recipes_to(folder: Path, site: RealSite) -> None:
    """Add `recipes` to the site's configuration, as its README says a user would."""
    config = folder / site.plugins_file
    config.write_text(add_recipes_plugin(config.read_text(encoding="utf-8")))


def add_recipes_plugin(text: str) -> str:
    """mkdocs.yml with `recipes` first in its plugins (a list or a mapping), edited as text
    (these files hold `!!python/name` and `!ENV` tags that a YAML round trip would lose);
    with `macros: {render_by_default: false}` beside it where the site has no macros, and
    a plugins section (MkDocs' default `search` kept) where it has none."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"^plugins:\s*$", line)]
    if not starts:
        return text.rstrip("\n") + (
            "\nplugins:\n  - search\n  - macros:\n      render_by_default: false\n  - recipes\n"
        )
    start = starts[0]
    item = next(line for line in lines[start + 1 :] if line.strip())
    indent = item[: len(item) - len(item.lstrip())]
    mapping = not item.lstrip().startswith("-")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "-"))):
        end += 1
    block = "\n".join(lines[start:end])
    if mapping:
        added = [f"{indent}recipes: {{}}"]
        if not re.search(rf"^{indent}macros:", block, re.M):
            added.append(f"{indent}macros:\n{indent}  render_by_default: false")
    else:
        added = [f"{indent}- recipes"]
        if not re.search(r"^\s*- macros\b", block, re.M):
            added.append(f"{indent}- macros:\n{indent}    render_by_default: false")
    return "\n".join([*lines[: start + 1], *added, *lines[start + 1 :]])


def environment() -> dict[str, str]:
    # Without `CI`, as the sites' own local builds run (percona-pxc's git-committers plugin
    # is enabled by `!ENV [CI, false]`, and then asks GitHub's API).
    return {
        **{key: value for key, value in os.environ.items() if key != "CI"},
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "MKDOCS_RECIPES_OFFLINE": "1",
        # argo-cd's site_url is `!ENV READTHEDOCS_CANONICAL_URL`.
        "READTHEDOCS_CANONICAL_URL": "https://argo-cd.readthedocs.io/en/stable/",
    }


def build(folder: Path, site: RealSite) -> subprocess.CompletedProcess:
    """`mkdocs build` (or `properdocs build`) as the site's project runs it (from the
    folder holding its files)."""
    command = [sys.executable, "-m", site.engine, "build", "-f", site.config]
    return subprocess.run(
        [*command, "-d", str(folder / "_site")],
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
