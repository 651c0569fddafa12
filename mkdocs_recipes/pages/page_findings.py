"""Findings shown in the page itself: what an author sees in the browser under `mkdocs
serve` (and in builds when `show_findings: always`).

Two steps, around the macros engine's rendering of the page:

1. `mark_blocks`, before rendering: a marker line (an HTML comment, which neither Jinja
   nor Markdown changes) goes right after each code block that has findings, indented
   like the block, so it stays inside the same admonition, tab or list item.
2. `show_findings`, after rendering: each marker becomes one admonition per finding (its
   message and hint), and a summary of the page's findings goes at its top, right
   under the page's first heading when it starts with one.

The admonitions are plain Python-Markdown ones (`!!! danger "..."`): Material styles
them, and so do MkDocs' own themes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..report.findings import Finding, Severity
from .blocks import code_blocks
from .markup import escape_inline

#: Admonition kind for each severity shown: names every MkDocs theme styles.
_KIND = {Severity.ERROR: "danger", Severity.WARNING: "warning"}
_MARKER = "<!-- mkdocs-recipes: findings {number} -->"
_MARKER_LINE = re.compile(r"^(?P<indent>[ \t]*)<!-- mkdocs-recipes: findings (?P<n>\d+) -->$", re.M)
#: Written after a block's findings, at the block's indent.
_END = "<!-- mkdocs-recipes: end of findings -->"
_H1 = re.compile(r"^# .*$|^[^\n]+\n=+[ \t]*$", re.M)
#: Findings the page shows; info findings stay in the build log.
SHOWN = (Severity.ERROR, Severity.WARNING)


@dataclass
class MarkedPage:
    """A page's Markdown with markers after its blocks, and what each marker stands for."""

    markdown: str
    #: Marker number -> (the file lines of its block, first and last).
    blocks: dict[int, tuple[int, int]] = field(default_factory=dict)


def front_matter_lines(source: str, markdown: str) -> int | None:
    """How many lines of the file come before `markdown` (its front-matter), or None
    when `markdown` is not the end of the file as written (another plugin changed it)."""
    source = source.replace("\r\n", "\n")
    if not source.endswith(markdown):
        return None
    return source[: len(source) - len(markdown)].count("\n")


def mark_blocks(markdown: str, source: str, findings: list[Finding]) -> MarkedPage:
    """`markdown` with a marker after each fenced block that has a finding to show
    (before any Jinja is rendered, while its lines still match the file `source`). A
    page without such findings is returned unchanged."""
    lines_with_findings = {f.line for f in findings if f.severity in SHOWN}
    offset = front_matter_lines(source, markdown) if lines_with_findings else None
    if offset is None:
        return MarkedPage(markdown)
    # Lines as the blocks count them, and as Python-Markdown reads them: a lone `\r` ends
    # a line too (else a marker lands lines after its block, amid what follows it).
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marked = MarkedPage(markdown)
    inserts: list[tuple[int, str]] = []
    for number, block in enumerate(code_blocks(markdown, first_line=offset + 1)):
        last = block.closing_line
        if not any(block.fence_line <= line <= last for line in lines_with_findings):
            continue
        marked.blocks[number] = (block.fence_line, last)
        after = min(last - offset, len(lines))  # the index after the closing fence
        inserts.append((after, " " * block.indent + _MARKER.format(number=number)))
    for index, marker in reversed(inserts):
        lines[index:index] = ["", marker, ""]
    marked.markdown = "\n".join(lines)
    return marked


def show_findings(markdown: str, marked: MarkedPage, findings: list[Finding]) -> str:
    """The rendered `markdown` with its markers replaced by the findings of their block,
    and a summary at the top when the page has findings to show."""
    shown = sorted(
        (f for f in findings if f.severity in SHOWN), key=lambda f: (f.line, f.code, f.message)
    )
    by_block: dict[int, list[Finding]] = {}
    placed: set[int] = set()
    for index, finding in enumerate(shown):
        for number, (first, last) in marked.blocks.items():
            if first <= finding.line <= last:
                by_block.setdefault(number, []).append(finding)
                placed.add(index)
                break

    def replace(match: re.Match[str]) -> str:
        block_findings = by_block.get(int(match["n"]), [])
        if not block_findings:
            return ""
        indent = len(match["indent"].expandtabs(4))
        # The comment ends the last box: what the page indents after the block (an
        # indented code block) stays the page's, not text inside the finding.
        end = " " * indent + _END
        return "\n\n".join([*(_admonition(f, indent) for f in block_findings), end])

    markdown = _MARKER_LINE.sub(replace, markdown)
    if not shown:
        return markdown
    summary = _summary(shown, placed)
    heading = _H1.search(markdown)
    if heading is not None and not markdown[: heading.start()].strip():
        end = heading.end()
        return f"{markdown[:end]}\n\n{summary}\n\n{markdown[end:].lstrip(chr(10))}"
    return f"{summary}\n\n{markdown}"


def _admonition(finding: Finding, indent: int) -> str:
    title = f"line {finding.line}: {finding.code}"
    body = [inline(finding.message)]
    if finding.hint:
        body += ["", "Hint: " + inline(finding.hint)]
    pad = " " * indent
    lines = [f'{pad}!!! {_KIND[finding.severity]} "{title}"', ""]
    lines += [f"{pad}    {line}" if line else "" for line in body]
    return "\n".join(lines)


def _summary(shown: list[Finding], placed: set[int]) -> str:
    counts = []
    for severity in SHOWN:
        n = sum(1 for f in shown if f.severity is severity)
        if n:
            counts.append(f"{n} {severity.value}{'s' if n > 1 else ''}")
    worst = max((f.severity for f in shown), key=lambda s: s.rank)
    lines = [f'!!! {_KIND[worst]} "mkdocs-recipes: {", ".join(counts)} on this page"', ""]
    for index, finding in enumerate(shown):
        where = "(shown after its block)" if index in placed else ""
        text = f"line {finding.line}, `{finding.code}`: {inline(finding.message)}"
        if finding.hint and index not in placed:
            text += " Hint: " + inline(finding.hint)
        lines.append(f"    * {text} {where}".rstrip())
    return "\n".join(lines)


def inline(text: str) -> str:
    """A finding's text as Markdown: its `code spans` kept, everything else shown as
    written (no emphasis, links or HTML from what a page or chart contains)."""
    parts = re.split(r"(`[^`\n]+`)", text)
    out = []
    for part in parts:
        if len(part) > 2 and part.startswith("`") and part.endswith("`"):
            out.append(part)
        else:
            core = part.strip()
            if core:
                lead = part[: len(part) - len(part.lstrip())]
                trail = part[len(part.rstrip()) :]
                part = lead + escape_inline(core) + trail
            out.append(part)
    return "".join(out)
