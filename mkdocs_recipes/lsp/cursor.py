"""Where a position in a page stands: in its front-matter, in a YAML block, on a link;
and, in YAML, the path of keys that leads to it.

Read from the text alone, line by line by indentation, because the text is being typed:
a key half written (`repl`) does not parse, and the cursor must still know it stands
under `ingress:` in a block that starts at the chart's top level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..pages.blocks import CodeBlock, code_blocks

#: `key:` at the start of a line (after its indent and an optional list dash).
_KEY = re.compile(r"(?P<dash>-\s+)?(?P<key>[^\s#:'\"\[\]{}][^:#]*?|\"[^\"]*\"|'[^']*'):(?:\s|$)")
#: What a YAML key or a word of a version is made of, for the token under the cursor.
_WORD = re.compile(r"[\w.\-/@]+")
#: A Markdown inline link or image: `[text](target "title")`.
_LINK = re.compile(r"!?\[[^\]\n]*\]\((?P<target><[^>\n]*>|[^)\s]+)(?:\s+[^)]*)?\)")


@dataclass(frozen=True)
class YamlPlace:
    """A position inside a YAML region (front-matter or a fenced block)."""

    #: The keys from the region's top to the mapping the cursor's line belongs to.
    parents: tuple[str, ...]
    #: The key written on the cursor's line, when there is one (else None).
    key: str | None
    #: Whether the cursor stands on that key (not on its value).
    on_key: bool
    #: What is typed before the cursor on its line, after the indent and a list dash.
    typed: str
    #: Under a list item somewhere on the path (items are not modelled).
    in_list: bool
    #: The region's lines, with the cursor's line left out, for a parse that must not
    #: trip on what is being typed.
    others: str
    #: The keys already written beside the cursor's (same mapping, other lines).
    siblings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Region:
    kind: str  # "front-matter" or "block"
    #: The 0-based line of the region's first content line in the page.
    first: int
    lines: list[str]
    #: For a block: the fenced block it is.
    block: CodeBlock | None = None


def region_at(source: str, line: int) -> Region | None:
    """The YAML region holding page line `line` (0-based), if any."""
    lines = source.split("\n")
    if lines and lines[0].rstrip() == "---":
        for end in range(1, len(lines)):
            if lines[end].rstrip() in ("---", "..."):
                if 0 < line < end:
                    return Region("front-matter", 1, lines[1:end])
                break
    for block in code_blocks(source):
        first = block.first_line - 1
        content = block.lines
        if first <= line < first + max(len(content), 1) and block.is_yaml:
            indent = block.indent
            return Region("block", first, [text[indent:] for text in content], block)
    return None


def yaml_place(region: Region, line: int, character: int) -> YamlPlace:
    """The place of (page `line`, `character`) in `region`."""
    index = line - region.first
    shift = region.block.indent if region.block is not None else 0
    text = region.lines[index] if 0 <= index < len(region.lines) else ""
    column = max(character - shift, 0)
    entries = _entries(text)
    # The cursor's own line: what stands left of the cursor is its context.
    own = len(text) - len(text.lstrip(" ")) if text.strip() else column
    parents: list[str] = []
    key, on_key = None, True
    for depth, name, end in entries:
        if depth > column:
            break
        if name == "[]":
            parents.append("[]")
            own = depth + 2
        else:
            key, own = name, depth
            on_key = column <= end
    typed = text[own:column] if column >= own else ""
    limit = own
    for above in reversed(region.lines[:index]):
        if limit == 0:
            break
        found = _entries(above)
        if not found:
            continue
        for depth, name, _ in reversed(found):
            if depth < limit:
                parents.insert(0, name)
                limit = depth
    others = "\n".join(text for number, text in enumerate(region.lines) if number != index)
    return YamlPlace(
        tuple(name for name in parents if name != "[]"),
        key,
        on_key,
        typed,
        "[]" in parents,
        others,
        _siblings(region.lines, index, own),
    )


def _siblings(lines: list[str], index: int, own: int) -> frozenset[str]:
    """The keys at column `own` of the mapping holding line `index` (that line aside)."""
    found: set[str] = set()
    for step in (-1, 1):
        number = index + step
        while 0 <= number < len(lines):
            entries = _entries(lines[number])
            if entries:
                depth, name, _ = entries[0]
                if depth < own or (depth == own and name == "[]"):
                    break
                for column, key, _ in entries:
                    if column == own and key not in ("", "[]"):
                        found.add(key)
            number += step
    return frozenset(found)


def _entries(text: str) -> list[tuple[int, str, int]]:
    """What a line opens, left to right: list items (`[]`) and a key, each with the
    column it stands at and, for a key, where it ends (comments and blanks: none)."""
    stripped = text.lstrip(" ")
    if not stripped or stripped.startswith("#"):
        return []
    depth = len(text) - len(stripped)
    found: list[tuple[int, str, int]] = []
    while stripped.startswith("- ") or stripped == "-":
        found.append((depth, "[]", depth + 1))
        inner = stripped[1:].lstrip(" ")
        depth += len(stripped) - len(inner)
        stripped = inner
    match = _KEY.match(stripped)
    if match:
        found.append((depth, _unquote(match["key"].strip()), depth + len(match["key"])))
    elif stripped and not found:
        # A key being typed (no colon yet) stands where the line starts.
        found.append((depth, "", depth + len(stripped)))
    return found


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        return key[1:-1]
    return key


def word_at(text: str, character: int) -> tuple[int, int] | None:
    """The span of the YAML key, word or version under `character` on a line."""
    for match in _WORD.finditer(text):
        if match.start() <= character <= match.end():
            return match.start(), match.end()
    return None


def link_at(text: str, character: int) -> str | None:
    """The target of the Markdown link under `character` on a line, if any."""
    for match in _LINK.finditer(text):
        if match.start() <= character <= match.end():
            return match["target"].strip("<>")
    return None


def token_range(text: str, column: int | None) -> tuple[int, int]:
    """What a finding at 1-based `column` of a line points at: the YAML key, value or word
    that starts there, or (no column) the line without its indent."""
    if column is not None and 0 < column <= len(text):
        start = column - 1
        span = word_at(text, start)
        if span is not None:
            return start, span[1]
        return start, len(text.rstrip())
    stripped = text.strip()
    start = len(text) - len(text.lstrip())
    return (start, start + len(stripped)) if stripped else (0, 0)
