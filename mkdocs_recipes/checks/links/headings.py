"""The ids a page's headings and elements get, estimated from its Markdown.

The estimate follows the site's `toc` settings (its `slugify` and `separator`) and the
inline markup Python-Markdown strips from a heading before it slugifies it. It is used to
let a link pass quickly; a link the estimate cannot find is judged against the ids the
site's own Markdown gives the page (`rendering.SiteMarkdown`), so that no anchor is
reported missing on a guess.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from .prose import prose_lines

_SETEXT = re.compile(r"^[ \t]*(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\{:?[^{}]{0,200}?#([\w.:-]{1,200})[^{}]{0,200}\}")
_HTML_ID = re.compile(r"""\b(?:id|name)=["']([^"'<>]{1,500})["']""")
_PLAIN = re.compile(r"[\w .,()'-]*")
#: Characters of a heading the estimate reads.
MAX_HEADING = 500

Slugify = Callable[[str, str], str]


@dataclass
class HeadingIds:
    """A site's `toc` settings, applied to a page's Markdown."""

    slugify: Slugify
    separator: str = "-"
    #: pymdownx.emoji removes `:shortcode:` from a heading's text.
    emoji: bool = False

    def estimate(self, markdown: str) -> set[str]:
        ids: set[str] = set()
        previous, previous_number = "", 0
        raw = markdown.split("\n")
        for line in prose_lines(markdown):
            text = line.text
            stripped = text.lstrip()
            title = None
            if stripped.startswith("#"):
                # The heading as written: its inline code is part of its id.
                title = atx_title(raw[line.number - 1].lstrip())
            elif (
                stripped[:1] in ("=", "-")
                and previous_number == line.number - 1
                and _SETEXT.match(text)
                and previous.strip()
                and not previous.lstrip().startswith(("-", "*", "|", ">", "!!!", "???", "==="))
            ):
                title = raw[previous_number - 1].strip()
            if title is not None:
                ids.add(self.heading_id(title, ids))
            if "{" in text:
                ids.update(_ATTR_ID.findall(text))
            if "id=" in text or "name=" in text:
                ids.update(_HTML_ID.findall(text))
            previous, previous_number = text, line.number
        return ids

    def heading_id(self, title: str, taken: set[str]) -> str:
        custom = _ATTR_ID.search(title) if "{" in title else None
        if custom:
            return custom.group(1)
        if _PLAIN.fullmatch(title):
            return unique(self.slugify(title, self.separator), taken)
        # An estimate (the page's real ids decide): a heading longer than this is cut, so
        # that no heading makes the patterns below cost more than a fixed amount.
        text = re.sub(r"\{:?[^}]*\}\s*$", "", title[:MAX_HEADING])
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
        text = re.sub(r"`+([^`]*)`+", r"\1", text)
        text = re.sub(r"<[^>]+>", "", text)
        if self.emoji:
            text = re.sub(r":[\w+-]+:", "", text)
        text = re.sub(r"(\*\*|\*)(\S(?:.*?\S)?)\1", r"\2", text)
        # Underscores inside a word are not emphasis in Python-Markdown.
        text = re.sub(r"(?<!\w)(__|_)(\S(?:.*?\S)?)\1(?!\w)", r"\2", text)
        return unique(self.slugify(html.unescape(text), self.separator), taken)


def atx_title(line: str) -> str | None:
    """The text of a `# heading` line (no regex: a line of hashes and spaces must not
    cost more than its length)."""
    hashes = len(line) - len(line.lstrip("#"))
    if not 1 <= hashes <= 6:
        return None
    # Python-Markdown needs no space after the hashes, and drops closing ones.
    title = line[hashes:].rstrip("#").strip()
    return title or None


def unique(slug: str, taken: set[str]) -> str:
    """As the toc extension makes ids unique: `_1`, `_2`, ... for repeats."""
    result, number = slug, 0
    while result in taken:
        number += 1
        result = f"{slug}_{number}"
    return result
