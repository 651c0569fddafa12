"""YAML blocks whose content comes from another file.

Sites show a real file in a code block with an include directive instead of a copy:
markdown-include's `{!docs/operator-manual/argocd-cm.yaml!}` or pymdownx.snippets'
`--8<-- "examples/values.yaml"`. Such a block's text is not YAML; the file it names is.
A block made only of directives is checked as those files (findings at the files' own
lines); a directive the site's extensions would not resolve, one that takes only part of
a file (`lines=`, `file.yaml:3:9`, `file.yaml:section`), or one mixed into YAML lines
leaves the block unjudged.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from ..base.inputs import probed
from ..report.findings import display_path

#: markdown-include: `{!path!}`, `{!path!lines=1 3-5}`.
_MARKDOWN_INCLUDE = re.compile(r"^\s*\{!\s*(?P<name>.+?)\s*!(?P<lines>\s*lines=[\d\s-]*)?\}\s*$")
#: pymdownx.snippets: `--8<-- "path"` (`;--8<--` is an escaped, shown one).
SNIPPET_LINE = re.compile(
    r"""^[ \t]*(?P<escape>;?)-{1,}8<-{1,}[ \t]+(["'])(?P<name>[^"'\n]+)\2[ \t]*$"""
)
#: A file larger than this is not read into a check.
MAX_INCLUDED_BYTES = 2 * 1024 * 1024


class IncludedFile(NamedTuple):
    path: Path
    text: str

    @property
    def shown(self) -> str:
        """As findings name it: relative to the working directory."""
        return display_path(self.path)


class IncludeFolders(NamedTuple):
    """Where the site's include extensions look for files; empty when not enabled."""

    markdown_include: tuple[Path, ...] = ()
    snippets: tuple[Path, ...] = ()
    #: Files are read only inside these folders (the site's project folder and the
    #: folders above, as configured).
    allowed: tuple[Path, ...] = ()

    @classmethod
    def from_markdown_config(
        cls, extensions: list[Any], configs: dict[str, Any], root: Path
    ) -> IncludeFolders:
        """From mkdocs.yml's `markdown_extensions` (names) and their settings. Both
        extensions read relative paths against the working directory, as the build
        does."""
        names = {e if isinstance(e, str) else type(e).__module__ for e in extensions}
        cwd = Path.cwd()
        include: tuple[Path, ...] = ()
        if names & {"markdown_include.include", "markdown_include"}:
            settings = configs.get("markdown_include.include") or {}
            include = (_folder(settings.get("base_path", "."), cwd),)
        snippets: tuple[Path, ...] = ()
        if "pymdownx.snippets" in names:
            snippets = tuple(_folder(b, cwd) for b in snippet_base_paths(configs))
        allowed = tuple(dict.fromkeys((root.resolve(), cwd.resolve(), *include, *snippets)))
        return cls(include, snippets, allowed)

    def directive_files(self, text: str) -> list[IncludedFile] | None:
        """The files a block made only of include directives shows: None when the block is
        not such a block, [] when a directive cannot be followed (the block is left
        unjudged)."""
        files = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            name = self._name(line)
            if name is None:
                return None
            file = self._read(name[0], name[1])
            if file is None:
                return []
            files.append(file)
        return files or None

    @staticmethod
    def has_directive(text: str) -> bool:
        """Whether any line of `text` is an include directive (followed or not)."""
        if "{!" not in text and "8<" not in text:
            return False
        return any(_MARKDOWN_INCLUDE.match(x) or SNIPPET_LINE.match(x) for x in text.split("\n"))

    def _name(self, line: str) -> tuple[str, tuple[Path, ...]] | None:
        match = _MARKDOWN_INCLUDE.match(line)
        if match:
            # Part of a file is a fragment; it is the page's own business.
            return ("" if match["lines"] else match["name"]), self.markdown_include
        match = SNIPPET_LINE.match(line)
        if match and not match["escape"]:
            name = match["name"].strip()
            if re.search(r":[\w-]*$", name) and not re.match(r"^[A-Za-z]:[\\/]", name):
                return "", self.snippets  # a section or line range
            return name, self.snippets
        return None

    def _read(self, name: str, folders: tuple[Path, ...]) -> IncludedFile | None:
        if not name or "://" in name:
            return None
        for folder in folders:
            candidate = (folder / name).resolve()
            if not any(candidate.is_relative_to(allowed) for allowed in self.allowed):
                continue
            try:
                if not candidate.is_file():
                    probed(candidate)
                    continue
                if candidate.stat().st_size > MAX_INCLUDED_BYTES:
                    continue
                with open(candidate, encoding="utf-8", errors="strict") as handle:
                    text = handle.read(MAX_INCLUDED_BYTES + 1)
            except (OSError, UnicodeDecodeError):
                continue
            return IncludedFile(candidate, text)
        return None


def snippet_base_paths(configs: dict[str, Any]) -> list[str]:
    """pymdownx.snippets' `base_path` setting, as a list (its default is the cwd)."""
    settings = configs.get("pymdownx.snippets") or {}
    base = settings.get("base_path", ["."])
    return [str(b) for b in ([base] if isinstance(base, str) else list(base or []))]


def _folder(entry: object, cwd: Path) -> Path:
    return (cwd / os.fspath(str(entry))).resolve()
