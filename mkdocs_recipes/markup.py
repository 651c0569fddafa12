"""Markdown text produced for a page: fenced blocks, admonitions, escaped inline text."""

from __future__ import annotations

import html
import re

# Characters Python-Markdown lets a backslash escape (`<`, `>`, `&` are HTML-escaped).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!])")


def fenced_block(content: str, language: str, title: str | None = None, indent: int = 0) -> str:
    """A fenced code block whose fence cannot be closed by its own content."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * max(3, longest + 1)
    attributes = f' title="{html.escape(title, quote=True)}"' if title else ""
    lines = [f"{fence}{language}{attributes}", *content.rstrip("\n").split("\n"), fence]
    return _indent("\n".join(lines), indent)


def admonition(kind: str, title: str, body_lines: list[str], indent: int = 0) -> str:
    """A Material/Python-Markdown admonition (`!!! kind "title"`) with a bullet list."""
    safe_title = title.replace('"', "'")
    lines = [f'!!! {kind} "{safe_title}"', ""]
    lines += [f"    * {line}" for line in body_lines]
    return _indent("\n".join(lines), indent)


def escape_inline(text: str) -> str:
    """Text shown as-is in Markdown: no markup, no HTML, no Jinja-looking braces."""
    text = " ".join(text.split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def _indent(text: str, indent: int) -> str:
    if indent <= 0:
        return text
    pad = " " * indent
    # The first line sits where the template put the call; only later lines move.
    first, *rest = text.split("\n")
    return "\n".join([first, *(pad + line if line else line for line in rest)])
