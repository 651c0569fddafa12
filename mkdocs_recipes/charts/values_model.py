"""What a chart version accepts as values: the keys, their shapes, and where they come from.

Sources, most trusted first (see the charts notes in the docs):

1. values.schema.json, when the chart ships one (its `properties`, resolved through `$ref`);
2. the keys of values.yaml, with the shape of their defaults;
3. keys that values.yaml only shows in comments (`# hosts:` under `ingress:`), at the path
   where the comment stands, and bitnami-style `## @param a.b.c` annotations;
4. paths the chart's templates read (`.Values.ingress.hosts`);
5. subcharts under their alias or name, and `global`, which every chart accepts.

A subtree whose default is empty (`{}`, `[]`, null) or whose name says it holds
Kubernetes objects or free-form maps (annotations, labels, resources, probes, ...) accepts
any children. Block scalars are strings: their content is never read as keys.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from .archive import Chart, ValuesLayout, values_layout

#: libyaml's parser when PyYAML has it (about ten times faster on a large values.yaml).
_COMPOSER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAP, LIST, SCALAR, ANY = "map", "list", "scalar", "any"

# Keys whose values are Kubernetes objects or free-form maps by convention.
_FREE_NAMES = {
    "affinity",
    "annotations",
    "labels",
    "resources",
    "nodeselector",
    "tolerations",
    "securitycontext",
    "extraargs",
    "extraenv",
    "env",
    "envfrom",
    "extraenvvars",
    "topologyspreadconstraints",
    "strategy",
    "updatestrategy",
    "volumes",
    "volumemounts",
    "extravolumes",
    "extravolumemounts",
    "initcontainers",
    "extracontainers",
    "sidecars",
    "extraobjects",
    "extradeploy",
    "hostaliases",
    "imagepullsecrets",
    "dnsconfig",
    "lifecyclehooks",
    "lifecycle",
    "podaffinity",
    "podantiaffinity",
    "nodeaffinity",
}
_FREE_SUFFIXES = ("annotations", "labels", "securitycontext", "probe", "selector", "affinity")
_COMMENT_KEY = re.compile(
    r"^(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w.\-/]*|\"[^\"]+\"):(?:\s+(?P<rest>.*))?$"
)
_COMMENT_ITEM = re.compile(r"^-\s+(?P<item>\S.*)$")
_PARAM = re.compile(r"^\s*##\s*@param\s+(?P<path>[\w.\-/\[\]]+)\s")


def _free_by_name(key: str) -> bool:
    lowered = key.lower()
    return lowered in _FREE_NAMES or lowered.endswith(_FREE_SUFFIXES)


@dataclass
class ValuesNode:
    """One key of the values tree."""

    shape: str = ANY
    children: dict[str, ValuesNode] = field(default_factory=dict)
    #: Accepts keys it does not list.
    free: bool = False
    #: Known only from a comment or an annotation, not from a default value.
    documented: bool = False
    #: The default value (for shape messages), when it comes from values.yaml.
    default: Any = None
    #: For a list: the shape of its items, from the default or a commented example.
    item_shape: str | None = None
    #: An example item (for messages).
    item_example: Any = None
    #: Under the parent chart: the subchart whose values live here.
    subchart: ValuesModel | None = None

    def child(self, key: str) -> ValuesNode:
        return self.children.setdefault(key, ValuesNode())


class Dependency(NamedTuple):
    key: str
    name: str
    condition: str | None


@dataclass
class ValuesModel:
    """The values a chart version accepts, with its subcharts' models under their keys."""

    chart: Chart
    root: ValuesNode
    schema: dict[str, Any] | None
    dependencies: dict[str, Dependency]
    #: key name -> every path (tuple of keys) where it exists, for "did you mean" across levels.
    index: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.chart.name} {self.chart.version}"

    def node_at(self, path: tuple[str, ...]) -> ValuesNode | None:
        node = self.root
        for key in path:
            found = node.children.get(key)
            if found is None:
                return None
            node = found
        return node


# Models of recently used charts (a chart object is shared by every page that pins it, and
# kept across `mkdocs serve` rebuilds), bounded like the parsed charts themselves.
_MODELS: OrderedDict[int, ValuesModel] = OrderedDict()
_MODELS_MAX = 128


def values_model(chart: Chart) -> ValuesModel:
    """The model of `chart`, built once per chart object."""
    cached = _MODELS.get(id(chart))
    if cached is not None and cached.chart is chart:
        _MODELS.move_to_end(id(chart))
        return cached
    model = _build(chart)
    _MODELS[id(chart)] = model
    while len(_MODELS) > _MODELS_MAX:
        _MODELS.popitem(last=False)
    return model


def _build(chart: Chart) -> ValuesModel:
    root = ValuesNode(shape=MAP)
    _from_defaults(root, chart.values)
    _from_comments(root, chart.values_text, chart.values_layout)
    for path in sorted(chart.template_paths):
        _add_path(root, path)
    if chart.schema:
        _from_schema(root, chart.schema, chart.schema, depth=0)
    dependencies: dict[str, Dependency] = {}
    for dependency in chart.dependencies:
        dependencies[dependency.key] = Dependency(
            dependency.key, dependency.name, dependency.condition
        )
    for key, sub in chart.subcharts.items():
        node = root.child(key)
        node.shape = MAP if node.shape in (ANY, MAP) else node.shape
        node.subchart = values_model(sub)
    for dependency in chart.dependencies:
        if dependency.key not in chart.subcharts and dependency.key in root.children:
            # A dependency the archive does not carry: the parent's defaults show only
            # some of the subchart's keys, so nothing under it is judged unknown.
            _free_subtree(root.children[dependency.key])
    # Every chart accepts `global`; its keys are shared with all subcharts.
    root.child("global").free = True
    model = ValuesModel(chart, root, chart.schema, dependencies)
    _index(root, (), model.index)
    return model


def _free_subtree(node: ValuesNode, depth: int = 0) -> None:
    node.free = True
    if depth < 20:
        for child in node.children.values():
            _free_subtree(child, depth + 1)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return MAP
    if isinstance(value, list):
        return LIST
    if value is None:
        return ANY
    return SCALAR


def _from_defaults(node: ValuesNode, value: Any) -> None:
    if not isinstance(value, dict):
        return
    for key, child_value in value.items():
        key = str(key)
        child = node.child(key)
        child.shape = _shape(child_value)
        child.default = child_value
        child.documented = False
        if (isinstance(child_value, (dict, list)) and not child_value) or child_value is None:
            child.free = True
        if _free_by_name(key):
            child.free = True
        if isinstance(child_value, dict):
            _from_defaults(child, child_value)
        elif isinstance(child_value, list):
            # Item keys are not modelled (a list accepts any items), but their shape is.
            child.free = True
            shapes = {_shape(item) for item in child_value}
            if len(shapes) == 1 and not _free_by_name(key):
                child.item_shape = shapes.pop()
                child.item_example = child_value[0]


def _from_comments(root: ValuesNode, text: str, layout: ValuesLayout | None) -> None:
    """Add keys that values.yaml shows only in comments, at the path where they stand."""
    if not text:
        return
    if layout is None:
        try:
            layout = values_layout(yaml.compose(text, Loader=_COMPOSER))
        except yaml.YAMLError:
            return
    # Real keys by line; lines inside block scalars are not comments.
    by_line, scalar_lines = layout
    stack: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(text.split("\n")):
        if number in by_line:
            column, path = by_line[number]
            while stack and stack[-1][0] >= column:
                stack.pop()
            stack.append((column, path))
            continue
        if number in scalar_lines:
            continue
        stripped = line.lstrip(" ")
        if not stripped.startswith("#"):
            continue
        param = _PARAM.match(line)
        if param:
            _add_path(root, tuple(p for p in param["path"].split(".") if p and "[" not in p))
            continue
        hash_column = len(line) - len(stripped)
        body = stripped.lstrip("#")
        spaces = len(body) - len(body.lstrip(" "))
        content = body.strip()
        column = hash_column + max(spaces - 1, 0)
        item = _COMMENT_ITEM.match(content)
        if item:
            _note_item(root, stack, column, item["item"])
            continue
        match = _COMMENT_KEY.match(content)
        if not match or content.startswith("--") or match["dash"]:
            continue
        rest = match["rest"] or ""
        if len(rest.split()) > 3 and not rest.startswith(("[", "{", '"', "'")):
            continue  # prose ("Note: this is ..."), not a commented-out key
        while stack and stack[-1][0] >= column:
            stack.pop()
        parent = stack[-1][1] if stack else ()
        if parent and parent[-1] == "[]":
            continue  # inside a list item: items are not modelled
        key = match["key"].strip('"')
        path = (*parent, key)
        node = _add_path(root, path)
        if node is not None and not rest:
            node.shape = ANY
        stack.append((column, path))


def _note_item(
    root: ValuesNode, stack: list[tuple[int, tuple[str, ...]]], column: int, text: str
) -> None:
    """A commented list item (`#   - example.com`) shows the shape of its list's items."""
    parents = [path for col, path in stack if col < column]
    if not parents or not parents[-1] or parents[-1][-1] == "[]":
        return
    path = parents[-1]
    if _free_by_name(path[-1]):
        return
    node = root
    for key in path:
        found = node.children.get(key)
        if found is None:
            return
        node = found
    if node.item_shape is None and node.shape in (LIST, ANY):
        node.item_shape = MAP if _COMMENT_KEY.match(text) else SCALAR
        node.item_example = text


def _add_path(root: ValuesNode, path: tuple[str, ...]) -> ValuesNode | None:
    node = root
    for key in path:
        existing = node.children.get(key)
        if existing is None:
            if node.free and node is not root:
                return None  # already accepts anything
            existing = node.child(key)
            existing.documented = True
            existing.free = _free_by_name(key)
        node = existing
    return node


def _resolve(schema: Any, root_schema: dict[str, Any]) -> Any:
    for _ in range(20):
        if not isinstance(schema, dict) or "$ref" not in schema:
            return schema
        reference = schema["$ref"]
        if not isinstance(reference, str) or not reference.startswith("#/"):
            return {}
        target: Any = root_schema
        for part in reference[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = target
    return {}


def schema_at(schema: dict[str, Any] | None, path: tuple[str, ...]) -> dict[str, Any] | None:
    """The part of a chart's values.schema.json that describes the key at `path` (through
    `$ref`, and the first of `allOf`/`anyOf`/`oneOf` that has it), or None."""
    node: Any = _resolve(schema, schema) if schema else None
    for key in path:
        if not isinstance(node, dict):
            return None
        found = None
        for candidate in (node, *(node.get("allOf") or []), *(node.get("anyOf") or [])):
            candidate = _resolve(candidate, schema or {})
            properties = candidate.get("properties") if isinstance(candidate, dict) else None
            if isinstance(properties, dict) and key in properties:
                found = _resolve(properties[key], schema or {})
                break
        node = found
    return node if isinstance(node, dict) else None


#: Schema nodes read per chart, at most: `$ref` and `allOf` can make a small schema stand
#: for an exponential tree.
SCHEMA_BUDGET = 50_000


def _from_schema(
    node: ValuesNode,
    schema: Any,
    root_schema: dict[str, Any],
    depth: int,
    budget: list[int] | None = None,
) -> None:
    budget = budget if budget is not None else [SCHEMA_BUDGET]
    budget[0] -= 1
    if budget[0] < 0:
        return
    schema = _resolve(schema, root_schema)
    if not isinstance(schema, dict) or depth > 40:
        return
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for key, sub in properties.items():
            child = node.children.get(key)
            if child is None:
                child = node.child(key)
                child.documented = True
                resolved = _resolve(sub, root_schema)
                kind = resolved.get("type") if isinstance(resolved, dict) else None
                if kind is None:
                    child.shape = ANY
                else:
                    child.shape = {"object": MAP, "array": LIST}.get(str(kind), SCALAR)
                if kind == "object" and not resolved.get("properties"):
                    child.free = True
                if kind == "array":
                    child.free = True
            _from_schema(child, sub, root_schema, depth + 1, budget)
    elif schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        node.free = True
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator) or []:
            _from_schema(node, sub, root_schema, depth + 1, budget)


def _index(node: ValuesNode, path: tuple[str, ...], index: dict) -> None:
    for key, child in node.children.items():
        index.setdefault(key, []).append((*path, key))
        if child.subchart is None and len(path) < 12:
            _index(child, (*path, key), index)
