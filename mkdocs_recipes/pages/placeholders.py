"""Documentation YAML is not a file: elisions and placeholders.

Examples in docs leave parts out (`...`, `<snip>`, `[...]`) and leave blanks for the reader
(`<secretKey>`, `[GCP_SA]`, `*****`, `${VAR}`, `REPLACE_ME`). Some of these are not valid
YAML as written. Before a block is parsed, elision lines become comments and placeholders
that break the parse are quoted, line for line, so the rest of the block is still read and
checked; each such change is remembered as a `StandIn` and reported under its own code,
never as a syntax error. Placeholders that are valid YAML are left as they are, but the
values checks do not judge them (`replicas: <count>` is not a wrong type).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import yaml

#: One mark of omitted content: a run of dots or an ellipsis, one in brackets, or a word
#: that says so (`<snip>`, `snip`, `<truncated output>`).
_ELISION_MARK = r"""(?:
        \.{3,}|…
      | \[[ ]*(?:\.{2,}|…)[ ]*\]
      | \([ ]*(?:\.{2,}|…)[ ]*\)
      | \{[ ]*(?:\.{2,}|…)[ ]*\}
      | <[ ]*(?:snip|snipped|truncated|omitted|elided|more|\.{3,}|…)[^<>]*>
      | (?:snip|snipped|truncated|omitted)
    )"""
#: A whole line that stands for omitted content (after its indentation and any `- `): one
#: or more marks (`...<snip>`, `... snip ...`), or a line of dots alone (a vertical
#: ellipsis is three lines of `.`).
_ELISION_LINE = re.compile(
    rf"""^(?:
        (?:-[ ]+)?{_ELISION_MARK}(?:[ ]*{_ELISION_MARK})*
      | \.{{1,2}}
    )[ ]*(?:\#.*)?$""",
    re.IGNORECASE | re.VERBOSE,
)
#: `key: | ...`: an elision where a block scalar's content would start.
_ELIDED_SCALAR = re.compile(r"^(?P<head>.*:[ ]+[|>][-+0-9]*)[ ]+(?:\.{3,}|…)[ ]*$")
#: A line that starts a block scalar (`key: |`, `- >-`), whose deeper lines are text.
_SCALAR_HEADER = re.compile(
    r"""^[ ]*(?:-[ ]+)*(?:[^#'"\s][^#]*?:[ ]+|-[ ]+)?[|>][-+0-9]*[ ]*(?:\#.*)?$"""
)
#: What every elision line holds one of.
_ELISION_HINTS = ("..", "…", "<", ".\n", "snip", "truncated", "omitted")

#: Blanks left for the reader inside a key or a value.
_TOKEN = re.compile(
    r"""
      <[A-Za-z_][\w.\- /]{0,200}>           # <secretKey>, <your-domain>
    | \[[A-Z][A-Z0-9_\-]{0,200}\]           # [GCP_SA], [PROJECT_ID]
    | \$\{[^}\s]{1,200}\}                   # ${VAR}
    | \*{3,}                                # *****
    | \b(?:REPLACE_?ME|CHANGE_?ME|YOUR_[A-Z0-9_]+|FIXME|TODO)\b
    | \b[xX]{4,}\b                          # xxxx
    """,
    re.VERBOSE,
)
_ELIDED_VALUE = re.compile(r"^(?:\.{3,}|…|<[ ]*(?:snip|truncated|omitted|\.{3,})[^<>]*>)$", re.I)

#: `lead` (indentation and dashes), optional `key: `, then the value and a comment.
_LINE = re.compile(
    r"""^(?P<lead>[ ]*(?:-[ ]+)*)
        (?:(?P<key>[^\s'"\#\-][^:\#]*?|'[^']*'|"[^"]*"):(?:[ ]+|$))?
        (?P<value>.*?)
        (?P<comment>[ ]+\#.*)?$""",
    re.VERBOSE,
)

#: A numbered callout after a line's content: `name: x [1]`, `port: 80 <2>`.
_CALLOUT = re.compile(r"(?<=\S)([ \t]+)(\[(\d{1,2})\]|<(\d{1,2})>)[ \t]*$")

ELISION = "elision"
PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class StandIn:
    """A line of a block that was changed so the block parses: 0-based `index` in the
    block's text, what it was, and what kind of stand-in it is."""

    index: int
    kind: str
    original: str
    #: The line as it was read (placeholders: quoted), shown in hints.
    replacement: str = ""


def is_placeholder(value: object) -> bool:
    """Whether a value (or key) read from a block is a blank for the reader."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(_TOKEN.search(text) or _ELIDED_VALUE.match(text))


def is_elision_line(line: str) -> bool:
    return bool(_ELISION_LINE.match(line.strip()))


def without_elisions(text: str) -> tuple[str, list[StandIn]]:
    """`text` with each elision line blanked (a blank line is nothing to YAML, inside a
    mapping, a list or a block scalar alike). A line inside a block scalar is the scalar's
    text, whatever it says: `...` in a script is not an elision."""
    lowered = text.lower()
    if not text.endswith(".") and not any(mark in lowered for mark in _ELISION_HINTS):
        return text, []  # every elision form has one of these
    lines = text.split("\n")
    changes = []
    scalar_indent: int | None = None  # the indentation of the line that opened a scalar
    for index, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if scalar_indent is not None:
            if not stripped or indent > scalar_indent:
                continue  # the block scalar's own text
            scalar_indent = None
        if line.rstrip() == "..." and _ends_document(lines, index):
            continue  # YAML's own document end marker (Ansible playbooks end with it)
        elided = _ELIDED_SCALAR.match(line)
        if elided:
            lines[index] = elided["head"]
            changes.append(StandIn(index, ELISION, shown(line)))
            scalar_indent = indent
        elif is_elision_line(line):
            lines[index] = ""
            changes.append(StandIn(index, ELISION, shown(line)))
        elif _SCALAR_HEADER.match(line):
            scalar_indent = indent
    return "\n".join(lines), changes


def without_callouts(text: str) -> str:
    """`text` with numbered callouts blanked out (same columns), when they are callouts:
    two or more lines end with `[n]` or `<n>`, numbered upwards, as documentation numbers
    the notes under a block. A lone `ports: [80]` is YAML, and stays."""
    if "]" not in text and ">" not in text:
        return text
    lines = text.split("\n")
    found = []
    for index, line in enumerate(lines):
        match = _CALLOUT.search(line)
        if match and not line.lstrip().startswith("#"):
            found.append((index, match, int(match.group(3) or match.group(4))))
    numbers = [number for _, _, number in found]
    if len(found) < 2 or any(b <= a for a, b in itertools.pairwise(numbers)):
        return text
    for index, match, _ in found:
        line = lines[index]
        lines[index] = line[: match.start(2)] + " " * (len(line) - match.start(2))
    return "\n".join(lines)


def fragments_after_elisions(
    text: str, stand_ins: list[StandIn], *, excerpt: bool = False
) -> list[tuple[int, str]]:
    """`text` split where lines were elided, each part on its own, as (its first line's
    index, its text): the lines after an elision belong under a parent the example left
    out, so each part is dedented to its first line (and split again where it closes that
    unknown parent). A part holds only its own lines, so reading all of them costs one
    reading of the block; the part that starts the block keeps its line numbers.
    `excerpt`: the block starts inside a parent it does not show (see `starts_inside`), so
    its first part is split where it closes that parent too."""
    lines = text.split("\n")
    cuts = sorted({s.index for s in stand_ins if s.kind == ELISION})
    parts: list[list[int]] = []
    start = 0
    for cut in [*cuts, len(lines)]:
        parts += _closing(lines, list(range(start, cut)), first=start == 0 and not excerpt)
        start = cut + 1
    texts = []
    for part in parts:
        content = [i for i in part if lines[i].strip() and not lines[i].lstrip().startswith("#")]
        if not content:
            continue
        indent = min(len(lines[i]) - len(lines[i].lstrip(" ")) for i in content)
        texts.append((part[0], "\n".join(lines[i][indent:] for i in part)))
    return texts


def _closing(lines: list[str], part: list[int], first: bool) -> list[list[int]]:
    """A fragment after an elision, split where a line is indented less than the
    fragment's first line (it closes a parent left out). The part before any elision is
    the block's own top level and stays whole."""
    if first:
        return [part]
    groups: list[list[int]] = []
    level: int | None = None
    for index in part:
        line = lines[index]
        if line.strip() and not line.lstrip().startswith("#"):
            indent = len(line) - len(line.lstrip(" "))
            if level is None or indent < level:
                level = indent
                groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append(index)
    return groups


def starts_inside(text: str) -> bool:
    """Whether the block's first line is deeper than a later one: it begins inside a
    parent it does not show (`          env:` then `        volumes:`), as excerpts of a
    manifest do. A document's first line is at its top level."""
    first: int | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if first is None:
            first = indent
        elif indent < first:
            return True
    return False


def shown(line: str) -> str:
    """A line as a message quotes it: without indentation or a trailing comment."""
    return re.sub(r"[ ]+#.*$", "", line.strip())


def _ends_document(lines: list[str], index: int) -> bool:
    """Whether a `...` at column 0 is followed only by blank lines, comments or `---`."""
    for line in lines[index + 1 :]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line.startswith("---")
    return True


def quote_placeholder(text: str, index: int) -> str | None:
    """`text` with the placeholder on line `index` quoted (value first, else the key);
    None when that line has no placeholder to quote."""
    lines = text.split("\n")
    if not 0 <= index < len(lines):
        return None
    match = _LINE.match(lines[index])
    if match is None:
        return None
    lead, key, value = match["lead"], match["key"], match["value"]
    comment = match["comment"] or ""
    if value and _TOKEN.search(value) and not value.startswith(("'", '"')):
        quoted = f"{lead}{key}: " if key is not None else lead
        lines[index] = quoted + _quoted(value) + comment
    elif key and _TOKEN.search(key) and not key.startswith(("'", '"')):
        rest = f" {value}" if value else ""
        lines[index] = f"{lead}{_quoted(key)}:{rest}{comment}"
    else:
        return None
    return "\n".join(lines)


_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")
#: A Go pointer type, as API references write a field's type: `*int32`, `*metav1.Duration`.
_POINTER_TYPE = re.compile(r"^\*(?:\[\])?(?:[a-z][a-z0-9]*\.)?[A-Za-z][A-Za-z0-9]*$")
#: A value that is a type's name: the block summarises fields, it sets none.
_TYPE_VALUE = re.compile(
    r":[ ]+(?:\*|\[\])?(?:bool(?:ean)?|string|object|array|int(?:eger|32|64)?|float(?:32|64)?"
    r"|number|map\[[^\]]+\][\w.*]+|duration|quantity)[ ]*(?:\#.*)?$",
    re.M,
)


def quote_pointer(text: str, index: int, error: yaml.YAMLError) -> str | None:
    """`text` with the value on line `index` quoted when YAML read it as an alias that
    is a Go pointer type in a field summary (`autoPromotionSeconds: *int32` beside
    `previewService: string`): the block defines no anchor and its values are type
    names, so `*int32` is text. A glob (`name: *.example.com`) in a manifest stays an
    error: a reader who pastes it gets one. None otherwise."""
    problem = str(getattr(error, "problem", "") or "")
    if "alias" not in problem or _ANCHOR.search(text) or not _TYPE_VALUE.search(text):
        return None
    lines = text.split("\n")
    if not 0 <= index < len(lines):
        return None
    match = _LINE.match(lines[index])
    if match is None or not _POINTER_TYPE.match(match["value"]):
        return None
    key = f"{match['key']}: " if match["key"] is not None else ""
    lines[index] = match["lead"] + key + _quoted(match["value"]) + (match["comment"] or "")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def error_lines(error: yaml.YAMLError) -> list[int]:
    """The 0-based lines a parse error points at, problem first."""
    lines = []
    for name in ("problem_mark", "context_mark"):
        mark = getattr(error, name, None)
        if mark is not None and mark.line not in lines:
            lines.append(mark.line)
    return lines
