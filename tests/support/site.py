"""A small MkDocs + Material site made by a test in tmp_path and built for real."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MARKDOWN_EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tasklist",
    {"pymdownx.tabbed": {"alternate_style": True}},
]


@dataclass
class Build:
    returncode: int
    output: str
    site_dir: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def html(self, page: str) -> str:
        return (self.site_dir / page / "index.html").read_text(encoding="utf-8")


@dataclass
class Site:
    root: Path
    plugins: list = field(default_factory=lambda: ["recipes", "macros"])
    extra_config: dict = field(default_factory=dict)
    #: Options of the `recipes` plugin, wherever "recipes" stands in `plugins`.
    recipes_options: dict = field(default_factory=dict)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def page(self, name: str, text: str) -> Path:
        return self.write(f"docs/{name}", text)

    def write_config(self) -> Path:
        config = {
            "site_name": "Recipes under test",
            "theme": {"name": "material"},
            "plugins": [
                {"recipes": self.recipes_options}
                if plugin == "recipes" and self.recipes_options
                else plugin
                for plugin in self.plugins
            ],
            "markdown_extensions": MARKDOWN_EXTENSIONS,
            **self.extra_config,
        }
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        if not (self.root / "docs" / "index.md").exists():
            self.page("index.md", "# Home\n")
        return self.root / "mkdocs.yml"

    def run(self, *arguments: str, env: dict[str, str] | None = None) -> Build:
        """Run a command (`python -m ...`) in the site's folder, after writing mkdocs.yml."""
        self.write_config()
        done = subprocess.run(
            [sys.executable, "-m", *arguments],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "NO_MKDOCS_2_WARNING": "1",
                "DISABLE_MKDOCS_2_WARNING": "true",
                **(env or {}),
            },
            timeout=300,
        )
        return Build(done.returncode, done.stdout + done.stderr, self.root / "site")

    def build(self, strict: bool = True, env: dict[str, str] | None = None) -> Build:
        self.write_config()
        command = [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"]
        # Never `-q`: it drops warnings before --strict counts them.
        if strict:
            command.append("--strict")
        env = {
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "DISABLE_MKDOCS_2_WARNING": "true",
            **(env or {}),
        }
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, env=env, timeout=300
        )
        return Build(done.returncode, done.stdout + done.stderr, self.root / "site")
