"""The prose of a Markdown page: its lines outside fenced code, inline code blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`{1,50})(?:.{1,2000}?)\1")


class Line(NamedTuple):
    number: int  # 1-based in the text it came from
    text: str  # code spans and HTML comments blanked out


def prose_lines(text: str, needle: str | tuple[str, ...] = "") -> Iterator[Line]:
    """Lines outside fenced code, with inline code and HTML comments blanked; only those
    holding `needle` (or one of several), when given (a fast way past lines that cannot
    matter)."""
    if "<!--" in text:
        text = _without_comments(text)
    needles = (needle,) if isinstance(needle, str) else needle
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if fence is None and "`" not in line and "~~~" not in line:
            if any(n in line for n in needles):
                yield Line(number, line)
            continue
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        if any(n in line for n in needles):
            yield Line(number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))


def _without_comments(text: str) -> str:
    """`text` with each HTML comment blanked (its line breaks kept), in one pass: an
    unclosed `<!--` hides the rest of the page, as it does in the browser."""
    parts = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        end = len(text) if end == -1 else end + 3
        parts.append(text[position:start])
        comment = text[start:end]
        parts.append("".join("\n" if c == "\n" else " " for c in comment))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def label(text: str) -> str:
    """A reference label as Python-Markdown compares them: case and spacing ignored."""
    return " ".join(text.lower().split())


def external(target: str) -> bool:
    """A target with a scheme (`https:`, `mailto:`) or a network path (`//host/x`)."""
    try:
        return bool(urlsplit(target).scheme) or target.startswith("//")
    except ValueError:  # `https://[not-an-address]/`: not a site link either
        return True
