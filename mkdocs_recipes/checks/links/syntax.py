"""Links as a line of prose writes them: their targets, and the ones written wrongly.

What a line *seems* to say; whether Python-Markdown reads it that way is decided by
rendering the page (see the package's docstring), through `Malformed.stays` and
`Malformed.links_to`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Every repetition is bounded (link text, target, title), so that no line of a page can
# make a pattern backtrack over it again and again: a link longer than that is no link a
# page writes.
_INLINE = re.compile(
    r"(?<!\\)(!?)\[((?:[^\[\]]|\[[^\[\]]{0,100}\]){0,300})\]\(\s{0,20}<?([^()\s<>]{0,2000})>?"
    r"(?:\s{1,20}[\"'(][^)\n]{0,500})?\)"
)
_HTML_SOURCE = re.compile(r"<img\b[^<>]{0,1000}?\bsrc=[\"']([^\"'<>]{1,2000})[\"']", re.I)
_TARGET = r"(?:https?://|\.{0,2}/|#|[\w.-]{1,500}\.md\b)[^\s)]{0,2000}"
_SPACED = re.compile(r"(?<![\]\\])\[([^\[\]\n]{1,300})\] \((" + _TARGET + r")\)")
_UNCLOSED = re.compile(r"(?<!\\)\[[^\[\]\n]{1,300}\]\((" + _TARGET + r")[ \t]*$")
# `[text]( (/page/))`: Python-Markdown links to `(/page/)`, a path that exists nowhere.
_STRAY = re.compile(r"(?<!\\)\[([^\[\]\n]{1,300})\]\([ \t]{0,20}\((" + _TARGET + r")\)[ \t]*\)")


class Target(NamedTuple):
    target: str
    image: bool
    #: Written in an HTML tag (`<img src>`), which MkDocs does not rewrite.
    raw_html: bool = False


class Malformed(NamedTuple):
    message: str
    hint: str
    #: The finding stands when this text stays literal in the rendered page...
    stays: str | None = None
    #: ... or when the rendered page links to this target.
    links_to: str | None = None


def link_targets(text: str) -> list[Target]:
    """The link and image targets a line of prose writes."""
    found = (
        [Target(m.group(3), m.group(1) == "!") for m in _INLINE.finditer(text)]
        if "](" in text
        else []
    )
    if "<img" in text.lower():
        found += [Target(src, True, raw_html=True) for src in _HTML_SOURCE.findall(text)]
    return found


def malformed(text: str) -> Iterator[Malformed]:
    """Links a line of prose seems to write wrongly."""
    for match in _SPACED.finditer(text) if "] (" in text else ():
        yield Malformed(
            f"`[{match.group(1)}] ({match.group(2)})` has a space between `]` and `(`, so it "
            "is not a link",
            f"write `[{match.group(1)}]({match.group(2)})`",
            stays=f"] ({match.group(2)}",
        )
    if "](" not in text:
        return
    # Only the line's last link can run to its end: read from the `[` that opens it.
    opening = text.rfind("[", 0, text.rfind("]("))
    unclosed = _UNCLOSED.match(text, opening) if opening >= 0 else None
    if unclosed and not _INLINE.search(text[unclosed.start() :]):
        yield Malformed(
            f"the link to `{unclosed.group(1)}` is never closed with `)`",
            "close it after the target",
            stays=f"]({unclosed.group(1)}",
        )
    for match in _STRAY.finditer(text):
        target = match.group(2)
        yield Malformed(
            f"the link `[{match.group(1)}]` leads to `({target})`: the `(` before the target "
            "becomes part of it",
            f"write `[{match.group(1)}]({target})`",
            links_to=f"({target})",
        )


def inline_targets(text: str) -> Iterator[str]:
    """The targets of inline links (`[text](target)`) in a line."""
    for match in _INLINE.finditer(text):
        yield match.group(3)
