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
from typing import NamedTuple

from ...base.inputs import probed
from ...pages.included_files import SNIPPET_LINE, snippet_base_paths

_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")
#: A section marker inside a snippet file (`--8<-- [start:name]`, in a comment or not).
_SECTION_MARK = re.compile(r"-{1,}8<-{1,}[ \t]*\[(start|end):([\w-]+)\]")
#: What follows a snippet's file name: `:section`, or line ranges `:3:9`, `:3`, `:1:3,6:8`.
_SELECTOR = re.compile(r"^(?P<path>.*?)(?::(?P<selector>[\w-]+|[\d:,]*))?$")


class SnippetPart(NamedTuple):
    """A snippet file and what of it a page includes: the whole file, one named section
    (`file.md:platforms`) or line ranges (`file.md:3:9`), as pymdownx.snippets reads
    them."""

    path: Path
    selector: str = ""

    def keeps(self, text: str) -> list[bool]:
        """For each line of `text`, whether the page shows it (section markers never)."""
        lines = text.split("\n")
        marks = [_SECTION_MARK.search(line) for line in lines]
        if not self.selector:
            return [mark is None for mark in marks]
        if not self.selector.replace(":", "").replace(",", "").isdigit():
            inside, kept = False, []
            for mark in marks:
                if mark is not None and mark.group(2) == self.selector:
                    inside = mark.group(1) == "start"
                    kept.append(False)
                else:
                    kept.append(inside and mark is None)
            return kept
        kept = [False] * len(lines)
        for span in self.selector.split(","):
            first, _, last = span.partition(":")
            start = max(int(first) if first else 1, 1)
            end = min(int(last) if last else len(lines), len(lines))
            for index in range(start - 1, end):
                kept[index] = marks[index] is None
        return kept


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
        part = self.part(name)
        return part.path if part is not None else None

    def part(self, name: str) -> SnippetPart | None:
        """What `--8<-- "name"` includes: the file found in the snippet folders, and the
        section or lines named after it."""
        match = _SELECTOR.match(name.strip())
        assert match is not None  # the pattern matches any text
        found = self._file(match["path"] or name.strip())
        return SnippetPart(found, match["selector"] or "") if found is not None else None

    def _file(self, name: str) -> Path | None:
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

    def text(self, path: Path | SnippetPart) -> str:
        """The file's text; for a part, the lines the page shows, the others blank (line
        numbers stay the file's)."""
        if isinstance(path, SnippetPart):
            whole = self.text(path.path)
            if not path.selector and "8<" not in whole:
                return whole
            kept = path.keeps(whole)
            return "\n".join(
                line if keep else "" for line, keep in zip(whole.split("\n"), kept, strict=True)
            )
        if path not in self._texts:
            try:
                if path.stat().st_size > MAX_SNIPPET_BYTES:
                    self._texts[path] = ""
                else:
                    self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def included(self, text: str) -> list[SnippetPart]:
        """Every snippet part `text` pulls in, directly or through other snippets (only
        through the lines of a part it shows), in order."""
        found: list[SnippetPart] = []
        self._follow(text, found, 0)
        return found

    def appended(self) -> list[SnippetPart]:
        """The `auto_append` files and what they include."""
        found: list[SnippetPart] = []
        for name in self.auto_append:
            part = self.part(name)
            if part is not None and part not in found:
                found.append(part)
                self._follow(self.text(part), found, 1)
        return found

    def _follow(self, text: str, found: list[SnippetPart], depth: int) -> None:
        if depth > MAX_DEPTH or "8<" not in text:
            return
        for name in _names(text):
            part = self.part(name)
            if part is not None and part not in found:
                found.append(part)
                self._follow(self.text(part), found, depth + 1)


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
