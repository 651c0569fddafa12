"""The prose of a Markdown page: its lines outside fenced code, inline code blanked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from ...pages.blocks import fence_line_numbers, lines_holding

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`{1,50})(?:.{1,2000}?)\1")


class Line(NamedTuple):
    number: int  # 1-based in the text it came from
    text: str  # code spans and HTML comments blanked out


def prose_lines(text: str, needle: str | tuple[str, ...] = "") -> Iterator[Line]:
    """Lines outside fenced code, with inline code and HTML comments blanked; only those
    holding `needle` (or one of several, each within one line), when given: a fast way
    past lines that cannot matter. The lines holding a needle are found with `str.find`
    and the fences from the lines that start with one, so a page costs what its matching
    lines cost, not a Python step per line."""
    if "<!--" in text:
        text = _without_comments(text)
    needles = (needle,) if isinstance(needle, str) else needle
    lines, fenced = _layout(text)
    if "" in needles:
        numbers: Iterable[int] = range(len(lines))
    else:
        numbers = lines_holding(text, needles)
    span = 0
    for number in numbers:
        while span < len(fenced) and fenced[span][1] < number:
            span += 1
        if span < len(fenced) and fenced[span][0] <= number:
            continue  # a fence line, or inside a fenced block
        line = lines[number]
        if "`" in line:
            line = _blank_code_spans(line)
        yield Line(number + 1, line)


def may_match(text: str, needle: str, pattern: re.Pattern[str]) -> bool:
    """Whether a line of `text` holding `needle`, its code spans blanked, matches
    `pattern` at its start: when none does, no prose line can (prose lines are such
    lines, less those in fenced code), and the caller can skip the prose pass and its
    reading of the page's layout. A page with an HTML comment, which can span lines: True."""
    if "<!--" in text:
        return True
    at = text.find(needle)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = text[start:] if end == -1 else text[start:end]
        if pattern.match(_blank_code_spans(line) if "`" in line else line):
            return True
        if end == -1:
            break
        at = text.find(needle, end + 1)
    return False


def _blank_code_spans(line: str) -> str:
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


@lru_cache(maxsize=4)
def _layout(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The lines of `text` and its fenced spans; the link pass reads a page several
    times over, one needle at a time."""
    lines = text.split("\n")
    return lines, _fenced_spans(lines, fence_line_numbers(text))


def _fenced_spans(lines: list[str], fence_lines: list[int]) -> list[tuple[int, int]]:
    """(first, last) line numbers of each fenced block, its fence lines included; an
    unclosed block runs to the end. A block closes at a fence of its own character, at
    least as long as the one that opened it."""
    spans = []
    opened: tuple[int, str] | None = None
    for number in fence_lines:
        match = _FENCE.match(lines[number])
        if match is None:
            continue
        fence = match.group(1)
        if opened is None:
            opened = (number, fence)
        elif fence[0] == opened[1][0] and len(fence) >= len(opened[1]):
            spans.append((opened[0], number))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(lines) - 1))
    return spans


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
