"""A page's Markdown converted by the site's own Python-Markdown, as `mkdocs build` does.

`check` reads links and headings from the Markdown text, which is fast but only an
estimate of what the build makes of it. Before a link finding is reported, the page (or
the page it points into) is converted here with the site's `markdown_extensions` and
their settings, so that the verdict is Python-Markdown's: the ids the `toc` extension and
`attr_list` gave, the links it made, the text it left as text. Only pages with a
suspected problem are converted, once each, and no HTML is written: the tree is read once
the last tree processor has run.

A page whose own links or text are in question (not its ids: nothing points into it) is
converted *for its needles*: the texts the suspects are about (a link's target as written,
the words that must stay text). Its blocks are found by the same extensions, so whether a
line is a link, code, raw HTML or part of a list is decided as in the build; but only the
blocks holding a needle are read inline, and code is not highlighted (Pygments colours
code, it does not decide what is code). What such a conversion drops can only take a
link or a text away from it, so a suspect it confirms the full conversion confirms too;
it costs what the page's structure costs, not what its prose and code cost.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.util import AtomicString

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


class _Collected(Exception):
    """The tree is read: the HTML is not written."""


class _Collector(markdown.treeprocessors.Treeprocessor):
    def __init__(self, md: markdown.Markdown, page: RenderedPage) -> None:
        super().__init__(md)
        self.page = page

    def run(self, root: etree.Element) -> None:
        pieces: list[str] = []
        self._walk(root, pieces)
        self.page.text = "".join(pieces)
        raise _Collected

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


class _Needles(markdown.treeprocessors.Treeprocessor):
    """Just before the inline pass: the text of each block that holds none of the needles
    is dropped, so that only the blocks in question are read inline (an inline link lies
    within one block's text)."""

    def __init__(self, md: markdown.Markdown, needles: frozenset[str]) -> None:
        super().__init__(md)
        self.needles = needles

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            # A heading keeps its text: its id (and its permalink) are made from it.
            tag = element.tag if isinstance(element.tag, str) else ""  # (a comment)
            heading = tag[:1] == "h" and tag[1:].isdigit()
            if element.text and not heading and not self._holds(element.text):
                element.text = ""
            if element.tail and not self._holds(element.tail):
                element.tail = ""

    def _holds(self, text: str) -> bool:
        return isinstance(text, AtomicString) or any(n in text for n in self.needles)


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


#: Extensions that colour code with Pygments, under their names in `markdown_extensions`.
_HIGHLIGHTERS = ("pymdownx.highlight", "codehilite", "markdown.extensions.codehilite")


class SiteMarkdown:
    """The site's Markdown configuration, converting pages on demand (each page once)."""

    def __init__(self, extensions: list[Any], extension_configs: dict[str, Any]) -> None:
        self.extensions = extensions
        self.extension_configs = extension_configs
        self._pages: dict[str, RenderedPage | None] = {}
        self._parts: dict[str, tuple[frozenset[str], RenderedPage | None]] = {}

    @classmethod
    def from_config(cls, config: Any) -> SiteMarkdown:
        return cls(list(config.markdown_extensions or []), dict(config.mdx_configs or {}))

    def render(
        self, key: str, text: str, needles: frozenset[str] | None = None
    ) -> RenderedPage | None:
        """`text` (the page's Markdown, after mkdocs-macros) as the build converts it; None
        when the site's extensions fail on it (the build reports that itself). With
        `needles`, only the blocks holding one of them are read inline (the module's
        docstring): its links and text are those of these blocks, its ids incomplete."""
        if key in self._pages:
            return self._pages[key]
        if needles is None:
            self._pages[key] = self._convert(text, self.extensions, self.extension_configs)
            return self._pages[key]
        known = self._parts.get(key)
        if known is None or not needles <= known[0]:
            extensions, configs = self._uncoloured
            known = (needles, self._convert(text, extensions, configs, needles))
            self._parts[key] = known
        return known[1]

    def _convert(
        self,
        text: str,
        extensions: list[Any],
        configs: dict[str, Any],
        needles: frozenset[str] | None = None,
    ) -> RenderedPage | None:
        page = RenderedPage()
        try:
            md = markdown.Markdown(extensions=extensions, extension_configs=configs)
            md.preprocessors.register(_RawHtmlIds(md, page), "mkdocs_recipes_raw_ids", 21)
            if needles is not None:
                # After every tree processor that runs before the inline pass (20).
                md.treeprocessors.register(_Needles(md, needles), "mkdocs_recipes_needles", 20.5)
            # Last of all tree processors: every id is given by then (toc, attr_list, tabs).
            md.treeprocessors.register(_Collector(md, page), "mkdocs_recipes_collect", -100)
            md.convert(text)
        except _Collected:
            return page
        except Exception:
            return None
        return page  # (no tree processor ran: an empty page)

    @functools.cached_property
    def _uncoloured(self) -> tuple[list[Any], dict[str, Any]]:
        """The site's extensions with code left uncoloured: Pygments off in the
        highlighters it names, and in the one pymdownx.superfences uses by default."""
        extensions = list(self.extensions)
        configs = dict(self.extension_configs)
        names = {e for e in extensions if isinstance(e, str)}
        if "pymdownx.superfences" in names and "pymdownx.highlight" not in names:
            extensions.append("pymdownx.highlight")
            names.add("pymdownx.highlight")
        for name in _HIGHLIGHTERS:
            if name in names:
                configs[name] = {**(configs.get(name) or {}), "use_pygments": False}
        return extensions, configs
