"""The prose of a Markdown page: its lines outside fenced code, inline code blanked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based in the text it came from
    text: str  # code spans and HTML comments blanked out


def prose_lines(text: str, needle: str = "") -> Iterator[Line]:
    """Lines outside fenced code, with inline code and HTML comments blanked; only those
    holding `needle`, when given (a fast way past lines that cannot matter)."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if fence is None and "`" not in line and "~~~" not in line:
            if needle in line:
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
        if needle in line:
            yield Line(number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))


def label(text: str) -> str:
    """A reference label as Python-Markdown compares them: case and spacing ignored."""
    return " ".join(text.lower().split())


def external(target: str) -> bool:
    """A target with a scheme (`https:`, `mailto:`) or a network path (`//host/x`)."""
    try:
        return bool(urlsplit(target).scheme) or target.startswith("//")
    except ValueError:  # `https://[not-an-address]/`: not a site link either
        return True
