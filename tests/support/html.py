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


def div_with_class(page_html: str, class_name: str) -> str:
    """The inner HTML of the first <div> whose class list has `class_name` (nesting-aware)."""
    opening = re.compile(r'<div\b[^>]*class="([^"]*)"[^>]*>')
    for match in opening.finditer(page_html):
        if class_name not in match.group(1).split():
            continue
        depth, position = 1, match.end()
        tags = re.compile(r"<div\b[^>]*>|</div>")
        for tag in tags.finditer(page_html, position):
            depth += 1 if tag.group(0).startswith("<div") else -1
            if depth == 0:
                return page_html[match.end() : tag.start()]
        break
    raise AssertionError(f"no <div class={class_name!r}>")


class _HeadingIds(__import__("html.parser").parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.ids.update(value for name, value in attrs if name == "id" and value)


def heading_ids(page_html: str) -> set[str]:
    """The ids of a built page's headings (<h1>..<h6>), as the browser reads them."""
    parser = _HeadingIds()
    parser.feed(page_html)
    parser.close()
    return parser.ids
