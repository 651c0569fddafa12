"""Markdown source -> its fenced code blocks, with their lines in the file and attributes.

Blocks are read from the page *source*, so every line number is a line of the file the
author edits (front-matter included), and blocks that includes or macros produce at
render time are not among them. Fences may be indented (inside admonitions, content tabs
or lists); their content is given dedented.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"^\s*<!--\s*recipes:\s*(?P<body>.*?)\s*-->\s*$")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_ATTRIBUTE = re.compile(r'(?P<key>[\w-]+)=(?P<value>"[^"]*"|\'[^\']*\'|\S+)')


@dataclass(frozen=True)
class CodeBlock:
    """A fenced block. `first_line` is the file line of the first content line."""

    language: str | None
    info: str
    fence_line: int
    first_line: int
    indent: int
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    #: Words of a `<!-- recipes: ... -->` comment on the line before the fence.
    directives: tuple[str, ...] = ()

    @property
    def skipped(self) -> bool:
        """The author opted this block out of every check (`<!-- recipes: skip -->`)."""
        return "skip" in self.directives

    @property
    def disabled(self) -> tuple[int, int, frozenset[str]] | None:
        """The lines (fence to closing fence) and the codes a `<!-- recipes:
        disable=code[,code] -->` comment turns off for this block, if it has one."""
        codes = frozenset(
            code
            for word in self.directives
            if word.startswith("disable=")
            for code in word.split("=", 1)[1].split(",")
            if code
        )
        if not codes:
            return None
        return self.fence_line, self.first_line + len(self.lines), codes

    @property
    def has_template(self) -> bool:
        """Whether the block holds Jinja that is only filled in when the page renders."""
        return "{{" in self.text or "{%" in self.text

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    @property
    def closing_line(self) -> int:
        """The file line of the closing fence (where it would be, for an unclosed block)."""
        return self.first_line + (self.text.count("\n") + 1 if self.text else 0)

    def file_line(self, index: int) -> int:
        """The file line of content line `index` (0-based)."""
        return self.first_line + index

    @property
    def is_yaml(self) -> bool:
        return (self.language or "").lower() in ("yaml", "yml")


def parse_info(info: str) -> tuple[str | None, dict[str, str], tuple[str, ...]]:
    """`yaml title="a" hl_lines="2 3"` or `{ .yaml .annotate title="a" }` -> parts."""
    info = info.strip()
    language = None
    classes: list[str] = []
    if info.startswith("{") and info.endswith("}"):
        inner = info[1:-1]
        for token in _tokens(inner):
            if token.startswith("."):
                classes.append(token[1:])
        language = classes[0] if classes else None
        attributes = _attributes(inner)
        return language, attributes, tuple(classes)
    head, _, rest = info.partition(" ")
    if head and "=" not in head:
        language = head.lstrip(".")
    else:
        rest = info
    return language, _attributes(rest), tuple(classes)


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _attributes(text: str) -> dict[str, str]:
    return {m["key"]: m["value"].strip("\"'") for m in _ATTRIBUTE.finditer(text)}


def fence_line_numbers(text: str) -> list[int]:
    """The (0-based) numbers of the lines of `text` that start with three backticks or
    tildes after their blanks, in order. (Found with `str.find`: a `^[ \t]*` pattern is
    tried at every character of the page.)"""
    return lines_holding(text, ("```", "~~~"), leading=True)


def lines_holding(text: str, needles: tuple[str, ...], leading: bool = False) -> list[int]:
    """The (0-based) numbers, in order, of the lines of `text` holding one of `needles`
    (each within one line), found with `str.find`; `leading`: only where the first one
    on the line has nothing but blanks before it."""
    starts = set()
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            if not leading or not text[start:at].strip(" \t"):
                starts.add(start)
            end = text.find("\n", at)
            if end == -1:
                break
            at = text.find(needle, end + 1)
    numbers = []
    line, offset = 0, 0
    for start in sorted(starts):
        line += text.count("\n", offset, start)
        offset = start
        numbers.append(line)
    return numbers


def code_blocks(source: str, first_line: int = 1) -> list[CodeBlock]:
    """Every fenced block in `source`, whose first line is file line `first_line`."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # Only lines that start with a fence can open or close a block.
    fence_lines = fence_line_numbers(text)
    blocks: list[CodeBlock] = []
    position = 0
    while position < len(fence_lines):
        index = fence_lines[position]
        position += 1
        match = _FENCE.match(lines[index])
        if not match:
            continue
        indent = len(match["indent"].expandtabs(4))
        fence = match["fence"]
        language, attributes, classes = parse_info(match["info"])
        mark, length = fence[0], len(fence)
        end = None
        for ahead in range(position, len(fence_lines)):
            candidate = fence_lines[ahead]
            # Closed, as pymdownx.superfences closes it, by a line of only that fence
            # character, at least as many, at the opening's own indentation.
            line = lines[candidate]
            closing = line.strip(" \t")
            opened_at = len(line) - len(line.lstrip(" \t"))
            if (
                len(closing) >= length
                and not closing.strip(mark)
                and line[:opened_at] == match["indent"]
            ):
                end = candidate
                position = ahead + 1
                break
        if end is None:
            # Never closed at its indentation: Python-Markdown shows its lines as text
            # (a fence indented by one space after a paragraph), and the next fence
            # line may open a block of its own.
            continue
        body = lines[index + 1 : end]
        if indent:
            pad = " " * indent
            content = [
                line[indent:] if line.startswith(pad) else _dedent(line, indent) for line in body
            ]
        else:
            content = body
        directive = _DIRECTIVE.match(lines[index - 1]) if index > 0 else None
        blocks.append(
            CodeBlock(
                language=language,
                info=match["info"],
                fence_line=first_line + index,
                first_line=first_line + index + 1,
                indent=indent,
                text="\n".join(content),
                attributes=attributes,
                classes=classes,
                directives=_directive_words(directive["body"]) if directive else (),
            )
        )
    return blocks


def _dedent(line: str, indent: int) -> str:
    """`line` without the fence's `indent` columns of leading whitespace (a tab counts to
    the next multiple of 4, as in Markdown). What follows is kept as written, tabs
    included, so a tab-indented YAML line is reported rather than silently fixed."""
    column = 0
    for position, character in enumerate(line):
        if column >= indent or character not in " \t":
            return line[position:]
        column = column + 1 if character == " " else (column // 4 + 1) * 4
    return ""


def _directive_words(body: str) -> tuple[str, ...]:
    """`skip` / `disable=a,b` / `disable=a, b` -> words, `disable=` lists kept together."""
    body = re.sub(r"\s*,\s*", ",", body.strip())
    return tuple(body.split())
