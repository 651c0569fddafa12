"""A page's Markdown converted by the site's own Python-Markdown, as `mkdocs build` does.

`check` reads links and headings from the Markdown text, which is fast but only an
estimate of what the build makes of it. Before a link finding is reported, the page (or
the page it points into) is converted here with the site's `markdown_extensions` and
their settings, so that the verdict is Python-Markdown's: the ids the `toc` extension and
`attr_list` gave, the links it made, the text it left as text. Only pages with a
suspected problem are converted, once each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any

import markdown

_HTML_ID = re.compile(r"""<[A-Za-z][^<>]{0,400}?\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""")
#: Elements whose text Python-Markdown does not read as Markdown.
_CODE = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
# Raw HTML is kept in a stash until the end; in the tree it is a placeholder between
# these two characters.
_STX, _ETX = "\x02", "\x03"


@dataclass
class RenderedPage:
    """What the build's Markdown made of a page."""

    #: Every id an element gets, and `<a name>`, in Markdown and in raw HTML (as MkDocs'
    #: own anchor validation collects them).
    ids: set[str] = field(default_factory=set)
    #: Targets of `<a href>` and `<img src>` made from Markdown (not raw HTML).
    links: set[str] = field(default_factory=set)
    #: The text left as text outside code and raw HTML, one block per line.
    text: str = ""


class _Collector(markdown.treeprocessors.Treeprocessor):
    def __init__(self, md: markdown.Markdown, page: RenderedPage) -> None:
        super().__init__(md)
        self.page = page

    def run(self, root: etree.Element) -> None:
        pieces: list[str] = []
        self._walk(root, pieces)
        self.page.text = "".join(pieces)

    def _walk(self, element: etree.Element, pieces: list[str]) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue  # a comment
            if "id" in child.attrib:
                self.page.ids.add(child.attrib["id"])
            if child.tag == "a":
                if "name" in child.attrib:
                    self.page.ids.add(child.attrib["name"])
                if "href" in child.attrib:
                    self.page.links.add(child.attrib["href"])
            elif child.tag == "img" and "src" in child.attrib:
                self.page.links.add(child.attrib["src"])
            if child.tag not in _CODE:
                if child.text:
                    pieces.append(_without_stash(child.text))
                self._walk(child, pieces)
            if child.tail:
                pieces.append(_without_stash(child.tail))
            if child.tag in ("p", "li", "td", "th", "dt", "dd", "div", "blockquote") or (
                child.tag[:1] == "h" and child.tag[1:].isdigit()
            ):
                pieces.append("\n")


def _without_stash(text: str) -> str:
    if _STX not in text:
        return text
    parts = []
    position = 0
    while (start := text.find(_STX, position)) != -1:
        end = text.find(_ETX, start)
        if end == -1:
            break
        parts.append(text[position:start])
        parts.append(" ")
        position = end + 1
    parts.append(text[position:])
    return "".join(parts)


class _RawHtmlIds(markdown.preprocessors.Preprocessor):
    """Ids written in raw HTML (`<div id=...>`, `<a name=...>`). A pattern over the text,
    not an HTML parser: a page of a thousand tables costs no second parse, and an id it
    finds that is not one (inside code) can only keep a link from being reported."""

    def __init__(self, md: markdown.Markdown, page: RenderedPage) -> None:
        super().__init__(md)
        self.page = page

    def run(self, lines: list[str]) -> list[str]:
        for line in lines:
            if "id=" in line or "name=" in line:
                self.page.ids.update(_HTML_ID.findall(line))
        return lines


class SiteMarkdown:
    """The site's Markdown configuration, converting pages on demand (each page once)."""

    def __init__(self, extensions: list[Any], extension_configs: dict[str, Any]) -> None:
        self.extensions = extensions
        self.extension_configs = extension_configs
        self._pages: dict[str, RenderedPage | None] = {}

    @classmethod
    def from_config(cls, config: Any) -> SiteMarkdown:
        return cls(list(config.markdown_extensions or []), dict(config.mdx_configs or {}))

    def render(self, key: str, text: str) -> RenderedPage | None:
        """`text` (the page's Markdown, after mkdocs-macros) as the build converts it; None
        when the site's extensions fail on it (the build reports that itself)."""
        if key in self._pages:
            return self._pages[key]
        page = RenderedPage()
        result: RenderedPage | None = page
        try:
            md = markdown.Markdown(
                extensions=self.extensions, extension_configs=self.extension_configs
            )
            md.preprocessors.register(_RawHtmlIds(md, page), "mkdocs_recipes_raw_ids", 21)
            # Last of all tree processors: every id is given by then (toc, attr_list, tabs).
            md.treeprocessors.register(_Collector(md, page), "mkdocs_recipes_collect", -100)
            md.convert(text)
        except Exception:
            result = None
        self._pages[key] = result
        return result
