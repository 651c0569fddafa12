"""What a chart says about one of its values keys: the comment above it in values.yaml,
its default, its schema description, and the line it stands on; and the keys under a
path, subcharts included (their keys are read from their own values.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from ..charts.archive import values_layout
from ..charts.values_model import LIST, MAP, ValuesModel, ValuesNode, schema_at

if TYPE_CHECKING:
    from ..charts.archive import Chart

#: A comment's text: `#`s and one blank dropped; a bitnami `## @param a.b text` keeps
#: only its text.
_PARAM = re.compile(r"^@param\s+\S+\s*")
#: Lines of a comment or a default shown, at most.
_MAX_LINES = 20


@dataclass(frozen=True)
class KeyDoc:
    """One key of a chart's values, as the chart documents it."""

    path: tuple[str, ...]
    #: The chart (or subchart) whose values.yaml holds the key, and the path there.
    chart: Chart
    local_path: tuple[str, ...]
    node: ValuesNode
    #: 0-based line in that values.yaml (None: the file does not show it).
    line: int | None
    comment: str
    description: str | None

    @property
    def default_text(self) -> str | None:
        """The default as YAML (None when values.yaml gives none)."""
        if self.node.documented:
            return None
        text = yaml.safe_dump(self.node.default, default_flow_style=False, sort_keys=False)
        text = text.removesuffix("...\n").rstrip("\n")
        lines = text.split("\n")
        if len(lines) > _MAX_LINES:
            lines = [*lines[:_MAX_LINES], "# ..."]
        return "\n".join(lines)

    @property
    def shape(self) -> str:
        if self.node.subchart is not None:
            return f"subchart {self.node.subchart.chart.name}"
        return {MAP: "map", LIST: "list"}.get(self.node.shape, "value")


def key_doc(model: ValuesModel, path: tuple[str, ...]) -> KeyDoc | None:
    """The documentation of the key at `path` of `model` (through subcharts), or None
    when the chart has no such key."""
    if not path:
        return None
    node: ValuesNode = model.root
    here: ValuesModel = model
    local: tuple[str, ...] = ()
    for number, key in enumerate(path):
        found = node.children.get(key)
        if found is None:
            return None
        if (
            found.subchart is not None
            and number < len(path) - 1
            and _subchart_says(found, path[number + 1])
        ):
            # The subchart's own keys are read from its values.yaml; those the parent's
            # values.yaml sets under it (its `enabled` switch) stay the parent's.
            here, local = found.subchart, ()
            node = found.subchart.root
            continue
        local = (*local, key)
        node = found
    chart = here.chart
    known = _known(chart)
    line = known.by_path.get(local)
    if line is None and node.documented:
        line = _commented_line(known.lines, local[-1])
    schema = schema_at(chart.schema, local)
    description = schema.get("description") if schema else None
    return KeyDoc(
        path,
        chart,
        local,
        node,
        line,
        _comment_above(known.lines, line) if line is not None else "",
        description if isinstance(description, str) else None,
    )


def _subchart_says(node: ValuesNode, key: str) -> bool:
    """Whether the subchart at `node` documents `key` better than its parent does: the
    parent only shows it in a comment, or not at all."""
    assert node.subchart is not None
    own = node.children.get(key)
    return own is None or (own.documented and key in node.subchart.root.children)


def children(model: ValuesModel, path: tuple[str, ...]) -> list[KeyDoc] | None:
    """The keys the chart lists under `path` (the top level for `()`), each documented;
    None when `path` is not a map of the chart's (unknown, free-form, or a list)."""
    if path:
        parent = key_doc(model, path)
        if parent is None:
            return None
        node = parent.node
    else:
        node = model.root
    keys = list(node.children)
    if node.subchart is not None:
        keys += [key for key in node.subchart.root.children if key not in node.children]
    elif node.shape not in (MAP, "any") or (node.free and not node.children):
        return None
    found = []
    for key in keys:
        doc = key_doc(model, (*path, key))
        if doc is not None:
            found.append(doc)
    return found


class _Known(NamedTuple):
    """A chart's values.yaml as the editor reads it: its lines, and each key path's."""

    chart: Chart
    lines: list[str]
    by_path: dict[tuple[str, ...], int]


_KNOWN: dict[int, _Known] = {}


def _known(chart: Chart) -> _Known:
    """`chart`'s values.yaml split into lines and its keys' lines, once per chart."""
    kept = _KNOWN.get(id(chart))
    if kept is not None and kept.chart is chart:
        return kept
    layout = chart.values_layout
    if layout is None:
        try:
            layout = values_layout(*yaml.compose_all(chart.values_text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            layout = None
    by_path: dict[tuple[str, ...], int] = {}
    if layout is not None:
        for line, (_, path) in sorted(layout.keys.items()):
            by_path.setdefault(path, line)
    if len(_KNOWN) > 64:
        _KNOWN.clear()
    known = _KNOWN[id(chart)] = _Known(chart, chart.values_text.split("\n"), by_path)
    return known


def _commented_line(lines: list[str], key: str) -> int | None:
    """The line of a key values.yaml shows only in a comment (`# key:`)."""
    pattern = re.compile(r"^\s*#+\s*(?:-\s+)?" + re.escape(key) + r":")
    for number, line in enumerate(lines):
        if pattern.match(line):
            return number
    return None


def _comment_above(lines: list[str], line: int) -> str:
    """The comment lines right above `line` (a key, or a commented-out key)."""
    found: list[str] = []
    number = line - 1
    while number >= 0 and len(found) < _MAX_LINES:
        stripped = lines[number].strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#")
        body = body[1:] if body.startswith(" ") else body
        body = _PARAM.sub("", body)
        if body.strip() in ("", "-", "--") and not found:
            number -= 1
            continue
        found.insert(0, body.rstrip())
        number -= 1
    return "\n".join(found).strip("\n")


def schema_text(schema: dict[str, Any] | None) -> str | None:
    """A one-line type of a schema node (`string`, `integer or null`)."""
    if not schema:
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    return str(kind) if kind else None
