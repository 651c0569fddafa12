"""Read code blocks back out of built HTML pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_BLOCK = re.compile(
    r'<div class="highlight">(?:<span class="filename">(?P<title>.*?)</span>)?'
    r"<pre>(?:<span></span>)?<code>(?P<code>.*?)</code></pre></div>",
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class CodeBlock:
    title: str | None
    text: str


def code_blocks(page_html: str) -> list[CodeBlock]:
    """Every highlighted code block of a page, its markup stripped."""
    return [
        CodeBlock(
            html.unescape(m.group("title")) if m.group("title") else None,
            html.unescape(_TAG.sub("", m.group("code"))),
        )
        for m in _BLOCK.finditer(page_html)
    ]
