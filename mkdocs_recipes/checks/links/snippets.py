"""The files pymdownx.snippets pulls into a page, followed as it follows them.

A page includes snippets with `--8<-- "file"` lines (or a block of names between two
`--8<--` lines); a snippet can include snippets in turn, and `auto_append` adds files to
every page. The page's text here is its Markdown after mkdocs-macros, so snippet lines
that an include file writes are followed too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ...included_files import SNIPPET_LINE, snippet_base_paths
from ...inputs import probed

_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")
#: pymdownx.snippets stops following nested snippets deeper than this.
MAX_DEPTH = 16
#: A snippet larger than this is not read for links (it is data, not prose).
MAX_SNIPPET_BYTES = 4 * 1024 * 1024


@dataclass
class Snippets:
    """A site's snippet folders (`base_path`) and the files in them, read once each."""

    folders: tuple[Path, ...] = ()
    auto_append: tuple[str, ...] = ()
    _texts: dict[Path, str] = field(default_factory=dict)

    def find(self, name: str) -> Path | None:
        name = re.sub(r"(:[\w-]*)+$", "", name.strip())  # `file.md:section`, `:1:3`
        if not name or "://" in name:
            return None
        for folder in self.folders:
            candidate = folder / name
            try:
                if candidate.is_file():
                    return candidate
                probed(candidate)
            except OSError:
                continue
        return None

    def text(self, path: Path) -> str:
        if path not in self._texts:
            try:
                if path.stat().st_size > MAX_SNIPPET_BYTES:
                    self._texts[path] = ""
                else:
                    self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def included(self, text: str) -> list[Path]:
        """Every snippet `text` pulls in, directly or through other snippets, in order."""
        found: list[Path] = []
        self._follow(text, found, 0)
        return found

    def appended(self) -> list[Path]:
        """The `auto_append` files and what they include."""
        found: list[Path] = []
        for name in self.auto_append:
            file = self.find(name)
            if file is not None and file not in found:
                found.append(file)
                self._follow(self.text(file), found, 1)
        return found

    def _follow(self, text: str, found: list[Path], depth: int) -> None:
        if depth > MAX_DEPTH or "8<" not in text:
            return
        for name in _names(text):
            file = self.find(name)
            if file is not None and file not in found:
                found.append(file)
                self._follow(self.text(file), found, depth + 1)


def _names(text: str) -> Iterable[str]:
    in_block = False
    for line in text.split("\n"):
        if "8<" not in line and not in_block:
            continue
        if _SNIPPET_BLOCK.match(line):
            in_block = not in_block
            continue
        if in_block:
            if line.strip() and not line.lstrip().startswith(";"):
                yield line.strip()
            continue
        match = SNIPPET_LINE.match(line)
        if match and not match["escape"]:
            yield match.group("name")


def snippet_folders(config: object) -> list[Path]:
    """The folders pymdownx.snippets reads from (`base_path`; relative to mkdocs.yml or
    to the working directory), those that exist."""
    bases = snippet_base_paths(getattr(config, "mdx_configs", None) or {})
    root = Path(getattr(config, "config_file_path", None) or ".").resolve().parent
    folders: list[Path] = []
    for entry in bases:
        for candidate in (root / entry, Path.cwd() / entry):
            if not candidate.exists():
                probed(candidate)
            elif candidate.resolve() not in folders:
                folders.append(candidate.resolve())
    return folders
