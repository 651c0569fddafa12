"""Values snippets on a recipe page, checked against the chart version the page pins.

For each values block: unknown keys (with the key the author most likely meant), shapes
that contradict the chart's defaults (a map where the chart has a list), JSON Schema
errors when the chart or a subchart ships values.schema.json, subchart settings that have
no effect unless the page enables the subchart, and blocks that belong to another chart.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..base.plain_text import space_name
from ..base.schema_guard import GuardedSchema
from ..charts.helm_values import default_draft
from ..charts.values_model import ANY, LIST, MAP, SCALAR, ValuesModel, ValuesNode
from ..pages.fragments import YamlBlock, merge_values, value_at
from ..pages.placeholders import is_placeholder
from ..report.findings import Finding, Fix, Severity

if TYPE_CHECKING:
    import jsonschema


@dataclass
class _Context:
    model: ValuesModel
    block: YamlBlock
    page_path: str
    #: Added to messages when the block was read under a parent path it does not show.
    where: str = ""
    findings: list[Finding] = field(default_factory=list)
    #: Paths (from the chart's root) already reported, so the schema does not repeat them.
    reported_paths: set[tuple[str, ...]] = field(default_factory=set)
    #: Where this context's model sits in the top chart's values (a subchart's key).
    prefix: tuple[str, ...] = ()

    def report(
        self,
        code: str,
        node: yaml.Node,
        message: str,
        hint: str | None,
        path: tuple[str, ...] | None = None,
        fix: Fix | None = None,
    ) -> None:
        line = self.block.line_of(node)
        if path is not None:
            self.reported_paths.add((*self.prefix, *path))
        column = node.start_mark.column + 1 + self.block.block.indent
        self.findings.append(
            Finding.of(
                code, self.page_path, line, message + self.where, hint, column=column, fix=fix
            )
        )


def check_values_blocks(
    blocks: list[YamlBlock], model: ValuesModel, page_path: str
) -> list[Finding]:
    """Findings for every values fragment among `blocks`, against `model`."""
    findings: list[Finding] = []
    page_values: dict[str, Any] = {}
    values_blocks = [block for block in blocks if block.is_values]
    for block in values_blocks:
        page_values = merge_values(page_values, block.values())
    indents = [_indent(block) for block in values_blocks]
    for number, block in enumerate(values_blocks):
        others = [i for n, i in enumerate(indents) if n != number and i is not None]
        # The seed's convention: values blocks indented 4, ready to paste under `values:`.
        # The most common indentation of the others (the first of equals), without a
        # Counter per block.
        usual = max(others, key=others.count) if others else 4
        indent = indents[number]
        deeper = indent is not None and indent > usual
        findings += _check_block(block, model, page_path, page_values, deeper)
    # What the schema could not apply is said once per page.
    unchecked = [f for f in findings if f.code == "values-schema-unchecked"]
    return [f for f in findings if f.code != "values-schema-unchecked"] + unchecked[:1]


def block_anchor(block: YamlBlock, model: ValuesModel) -> tuple[tuple[str, ...] | None, bool]:
    """Where the values check reads a values block in `model`'s tree (the path its top
    keys sit at; None: the block is not read key by key), and whether it wraps them in
    `values:` (the editor completes keys there)."""
    if block.error is not None or not block.is_values:
        return None, False
    root = _fragment_node(block)
    wrapped = root is not block.documents[0].node
    return _anchor(root, model, _Context(model, block, ""), False), wrapped


def _indent(block: YamlBlock) -> int | None:
    """The column a block's keys start at (None when it is wrapped in `values:`, which says
    where it goes whatever its indentation)."""
    node = block.documents[0].node
    if _fragment_node(block) is not node:
        return None
    return node.start_mark.column


def _fragment_node(block: YamlBlock) -> yaml.MappingNode:
    node = block.documents[0].node
    assert isinstance(node, yaml.MappingNode)
    if (
        len(node.value) == 1
        and node.value[0][0].value == "values"
        and isinstance(node.value[0][1], yaml.MappingNode)
    ):
        return node.value[0][1]
    return node


def _check_block(
    block: YamlBlock,
    model: ValuesModel,
    page_path: str,
    page_values: dict[str, Any],
    deeper: bool = False,
) -> list[Finding]:
    root_node = _fragment_node(block)
    context = _Context(model, block, page_path)
    anchor = _anchor(root_node, model, context, deeper)
    if anchor is None:
        return context.findings
    node = model.node_at(anchor)
    assert node is not None
    _walk(root_node, node, anchor, model, context)
    _check_subcharts_enabled(root_node, anchor, model, context, page_values)
    fragment: dict[str, Any] = block.values()
    for key in reversed(anchor):
        fragment = {key: fragment}
    _check_schema(fragment, root_node, anchor, model, context, ())
    return context.findings


def _keys(node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
    # `<<: *defaults` merges another mapping in; it is not a key of its own. A placeholder
    # (`<name>:`, `...:`) stands for keys the reader chooses.
    return [
        (str(k.value), k, v)
        for k, v in node.value
        if k.tag != "tag:yaml.org,2002:merge" and not is_placeholder(k.value)
    ]


def _anchor(
    root_node: yaml.MappingNode, model: ValuesModel, context: _Context, deeper: bool = False
) -> tuple[str, ...] | None:
    """Where in the values tree the block's top keys sit: the root, or the one parent path
    where most of them exist (a block showing the children of a key it does not show).
    None when the block is reported as a whole and not checked key by key."""
    entries = _keys(root_node)
    keys = [key for key, _, _ in entries]
    if not keys:
        return ()
    at_root = sum(1 for key in keys if key in model.root.children)
    if at_root == len(keys):
        return ()
    counts: Counter[tuple[str, ...]] = Counter()
    for key in keys:
        for parent in {path[:-1] for path in model.index.get(key, []) if len(path) > 1}:
            counts[parent] += 1
    best = max(counts.values(), default=0)
    places = sorted(parent for parent, count in counts.items() if count == best)
    first = entries[0][1]
    # The parent must explain most of the keys (at least half, for a block indented
    # deeper than the page's others) and more of them than the top level does.
    majority = best * 2 >= len(keys) if deeper else best * 2 > len(keys)
    if best and majority and (best > at_root or (best == at_root and deeper)):
        if len(places) == 1:
            (anchor,) = places
            dotted = ".".join(anchor)
            share = (
                "its top keys are"
                if best == len(keys)
                else f"{best} of its {len(keys)} top keys are"
            )
            context.report(
                "values-anchored",
                first,
                f"this block shows the contents of `{dotted}`: {share} keys of `{dotted}` in "
                f"{model.label}, so it is checked there",
                f"show the parent key (`{anchor[-1]}:`) so readers know where to paste it",
            )
            context.where = f" (this block is read under `{dotted}`)"
            return anchor
        if at_root == 0 and not deeper:
            # At the page's usual values indent the block is meant for the top level,
            # where its keys do not exist: judged there, not guessed into a parent.
            return ()
        if at_root == 0:
            shown = ", ".join(f"`{'.'.join(p)}`" for p in places[:3])
            context.report(
                "values-anchored",
                first,
                f"this block's keys exist under several parents in {model.label} ({shown}"
                f"{' ...' if len(places) > 3 else ''}), so it was not checked",
                "show the parent key so readers (and this check) know where it goes",
            )
            return None
    if at_root == 0 and len(keys) > 1 and not any(_close_match(k, model.root) for k in keys):
        shown = ", ".join(f"`{k}`" for k in keys[:4]) + (" ..." if len(keys) > 4 else "")
        finding = Finding.of(
            "values-foreign-block",
            context.page_path,
            context.block.line_of(first),
            f"none of this block's keys ({shown}) exist at the top level of {model.label}; "
            "it looks like values of another chart, or another file",
            "check the chart this page pins, give the block a title naming its file, or mark "
            "it `<!-- recipes: skip -->` if it is not chart values",
            column=first.start_mark.column + 1 + context.block.block.indent,
        )
        if _indent(context.block) == 0:
            # Not indented to paste under `values:`, nor wrapped in it: likely not values.
            finding = dataclasses.replace(finding, severity=Severity.INFO)
        context.findings.append(finding)
        return None
    return ()


def _close_match(key: str, node: ValuesNode) -> bool:
    siblings = list(node.children)
    return bool(difflib.get_close_matches(key, siblings, n=1, cutoff=0.75)) or key.lower() in {
        s.lower() for s in siblings
    }


def _shape_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return MAP
    if isinstance(node, yaml.SequenceNode):
        return LIST
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return ANY
    return SCALAR


_SHAPE_WORDS = {MAP: "a mapping", LIST: "a list", SCALAR: "a single value"}


def _walk(
    fragment: yaml.MappingNode,
    node: ValuesNode,
    path: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
    parent_only: frozenset[str] = frozenset(),
) -> None:
    for key, key_node, value_node in _keys(fragment):
        if key in parent_only:
            continue  # a subchart's condition (`redis.enabled`) is read by the parent
        child = node.children.get(key)
        if child is None:
            if node.free or not node.children:
                continue
            _unknown(key, key_node, node, path, model, context)
            continue
        if isinstance(value_node, yaml.ScalarNode) and is_placeholder(value_node.value):
            continue  # a blank for the reader (`<count>`, `...`) is not a wrong shape
        if child.subchart is not None:
            if isinstance(value_node, yaml.MappingNode):
                sub = child.subchart
                dependency = model.dependencies.get(key)
                condition = dependency.condition if dependency else None
                conditions = frozenset(
                    c.strip().split(".", 1)[1]
                    for c in (condition or "").split(",")
                    if c.strip().startswith(f"{key}.")
                )
                _walk(
                    value_node,
                    sub.root,
                    (),
                    sub,
                    _sub_context(context, sub, (*path, key)),
                    conditions | {"enabled"},
                )
            elif not _is_null(value_node):
                _not_a_subchart_table(key, key_node, child.subchart, path, context)
            continue
        shape = _shape_of(value_node)
        if _contradicts(child, shape):
            dotted = ".".join((*context.prefix, *path, key))
            context.report(
                "values-type-mismatch",
                key_node,
                f"`{dotted}` is {_SHAPE_WORDS[child.shape]} in {model.label}, "
                f"but this block gives {_SHAPE_WORDS.get(shape, 'nothing')}",
                _shape_hint(child),
                (*path, key),
            )
            continue
        if isinstance(value_node, yaml.SequenceNode) and child.item_shape in (MAP, SCALAR):
            _check_items(value_node, key_node, child, (*path, key), model, context)
        if isinstance(value_node, yaml.MappingNode) and child.shape in (MAP, ANY):
            _walk(value_node, child, (*path, key), model, context)


def _is_null(node: yaml.Node) -> bool:
    """`key:` with nothing (or `~`, `null`): Helm removes the key, which is no shape."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _not_a_subchart_table(
    key: str, key_node: yaml.Node, sub: ValuesModel, path: tuple[str, ...], context: _Context
) -> None:
    """A subchart's key holds its values: Helm 4 fails the install when it is not a
    mapping, Helm 3 drops it with a warning ("skipped value ... not a table")."""
    dotted = ".".join((*context.prefix, *path, key))
    outcome = (
        "Helm 4 rejects the install"
        if context.model.chart.helm >= 4
        else "Helm 3 ignores it (with a warning)"
    )
    context.report(
        "values-type-mismatch",
        key_node,
        f"`{dotted}` holds the values of the subchart {sub.label}, but this block gives "
        f"it something other than a mapping: {outcome}",
        f"write a mapping of {sub.label}'s values under `{key}:`, e.g. `{key}:` then "
        "`  enabled: true` on the next line",
        (*path, key),
    )


def _check_items(
    sequence: yaml.SequenceNode,
    key_node: yaml.Node,
    child: ValuesNode,
    path: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
) -> None:
    """Items of a list whose shape differs from the chart's items (maps for strings)."""
    wrong = [
        item
        for item in sequence.value
        if _shape_of(item) in (MAP, SCALAR)
        and _shape_of(item) != child.item_shape
        and not (isinstance(item, yaml.ScalarNode) and is_placeholder(item.value))
    ]
    if not wrong:
        return
    words = {MAP: "mappings", SCALAR: "single values"}
    given = words[_shape_of(wrong[0])]
    expected = words[child.item_shape or SCALAR]
    example = child.item_example
    shown = (
        example
        if isinstance(example, str)
        else yaml.safe_dump(example, default_flow_style=True).strip()
    )
    dotted = ".".join((*context.prefix, *path))
    context.report(
        "values-type-mismatch",
        key_node,
        f"the items of `{dotted}` are {expected} in {model.label}, but this block gives {given}",
        f"write items like the chart's `- {shown}`" if shown else None,
        path,
    )


def _sub_context(context: _Context, sub: ValuesModel, at: tuple[str, ...]) -> _Context:
    # Findings inside a subchart name it, and land in the same lists.
    return _Context(
        sub,
        context.block,
        context.page_path,
        context.where,
        context.findings,
        context.reported_paths,
        (*context.prefix, *at),
    )


def _contradicts(child: ValuesNode, shape: str) -> bool:
    if child.shape == ANY or shape == ANY:
        return False
    if child.shape == shape:
        return False
    if child.documented:
        return False  # known only from a comment: its shape is a guess
    default = child.default
    if child.shape == MAP:
        # An empty map default often also takes a list (extraArgs): only a filled-in map
        # is a firm shape.
        return bool(default)
    if child.shape == LIST:
        return shape == MAP or bool(default)
    return shape in (MAP, LIST)


def _shape_hint(child: ValuesNode) -> str:
    if child.shape == LIST:
        example = child.default[0] if isinstance(child.default, list) and child.default else None
        return "write a list (lines starting with `- `)" + (
            f", like the chart's default `{example!r}`" if example is not None else ""
        )
    if child.shape == MAP:
        keys = ", ".join(f"`{k}`" for k in list(child.children)[:4])
        return f"write a mapping of keys ({keys}, ...)" if keys else "write a mapping"
    default = yaml.safe_dump(child.default, default_flow_style=True).strip().removesuffix("...")
    return f"write a single value, like the chart's default `{default.strip()}`"


#: Characters that look like nothing, or like a space, in a key.
_INVISIBLE = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b"
    "\u202f\u205f\u3000\ufeff\t "
)


def _odd_characters(key: str) -> str | None:
    """What invisible or space-like character `key` holds, named (None: none)."""
    for character in key:
        if character in _INVISIBLE:
            return space_name(character)
    return None


def _unknown(
    key: str,
    key_node: yaml.Node,
    node: ValuesNode,
    path: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
) -> None:
    shown = (*context.prefix, *path)
    where = f"`{'.'.join(shown)}`" if shown else "the top level"
    siblings = list(node.children)
    odd = _odd_characters(key)
    if odd and key.strip(_INVISIBLE) in siblings:
        # `\u00a0clientID` looks like `clientID` on the page: name what makes it another key.
        context.report(
            "values-unknown-key",
            key_node,
            f"`{key}` is not a key at {where} in {model.label}: it holds {odd}, which "
            "makes it another key than "
            f"`{key.strip(_INVISIBLE)}`",
            f"write `{key.strip(_INVISIBLE)}` with ordinary characters",
            (*path, key),
        )
        return
    close = difflib.get_close_matches(key, siblings, n=2, cutoff=0.75)
    # One close key and no other: renaming to it is likely right, but a person decides.
    fix = Fix("key", key, close[0], safe=False) if len(close) == 1 else None
    if not close:
        lowered = {s.lower(): s for s in siblings}
        if key.lower() in lowered:
            close = [lowered[key.lower()]]
    if close:
        hint = f"did you mean `{close[0]}`?"
    else:
        elsewhere = [".".join(p) for p in model.index.get(key, [])][:3]
        hint = (
            f"`{key}` exists at {', '.join(f'`{p}`' for p in elsewhere)}"
            if elsewhere
            else f"keys at {where}: "
            + ", ".join(f"`{s}`" for s in siblings[:8])
            + (" ..." if len(siblings) > 8 else "")
        )
    context.report(
        "values-unknown-key",
        key_node,
        f"`{key}` is not a key at {where} in {model.label}",
        hint,
        (*path, key),
        fix,
    )


def _check_subcharts_enabled(
    fragment: yaml.MappingNode,
    anchor: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
    page_values: dict[str, Any],
) -> None:
    if anchor:
        return
    for key, key_node, value_node in _keys(fragment):
        dependency = model.dependencies.get(key)
        if dependency is None or not dependency.condition:
            continue
        if not isinstance(value_node, yaml.MappingNode):
            continue
        condition = dependency.condition.split(",")[0].strip().split(".")
        if set(_keys_of(value_node)) <= {condition[-1]}:
            continue
        if value_at(page_values, condition)[1] is True:
            continue
        if value_at(model.chart.values, condition)[1] is not False:
            continue
        dotted = ".".join(condition)
        context.report(
            "values-subchart-disabled",
            key_node,
            f"the `{key}` settings only take effect when `{dotted}: true`, which is off by "
            f"default in {model.label} and not set on this page",
            f"add `{dotted}: true` to the values",
        )


def _keys_of(node: yaml.MappingNode) -> list[str]:
    return [str(k.value) for k, _ in node.value]


def _check_schema(
    fragment: dict[str, Any],
    root_node: yaml.MappingNode,
    anchor: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
    prefix: tuple[str, ...],
) -> None:
    if model.schema:
        merged = merge_values(
            model.chart.values if isinstance(model.chart.values, dict) else {}, fragment
        )
        outcome = _guarded_schema(model.schema, model.chart.helm).validate(merged)
        errors = outcome.errors
        if outcome.unchecked:
            context.report(
                "values-schema-unchecked",
                root_node,
                f"parts of the values schema of {model.label} were not applied: "
                + "; ".join(outcome.unchecked[:3]),
                None,
            )
        for error in errors:
            _schema_finding(error, root_node, anchor, prefix, model, context)
    # Subcharts with a schema validate their own part, with the globals.
    for key, sub_fragment in fragment.items():
        node = model.root.children.get(key)
        if node is None or node.subchart is None or not isinstance(sub_fragment, dict):
            continue
        sub = node.subchart
        condition = model.dependencies.get(key)
        values = {
            k: v
            for k, v in sub_fragment.items()
            if not (condition and condition.condition == f"{key}.{k}")
        }
        if "global" in fragment:
            values["global"] = fragment["global"]
        _check_schema(values, root_node, anchor, sub, context, (*prefix, key))


_GUARDED: dict[tuple[int, int], tuple[Any, GuardedSchema]] = {}


def _guarded_schema(schema: Any, helm: int) -> GuardedSchema:
    """The chart's schema prepared once per chart and Helm version (`schema_guard`: no
    reference outside it followed, patterns in RE2, a budget; without `$schema`, the
    draft that Helm version applies)."""
    known = _GUARDED.get((id(schema), helm))
    if known is not None and known[0] is schema:
        return known[1]
    guarded = GuardedSchema(schema, default_draft(helm))
    if len(_GUARDED) > 256:
        _GUARDED.clear()
    _GUARDED[(id(schema), helm)] = (schema, guarded)
    return guarded


def _schema_finding(
    error: jsonschema.ValidationError,
    root_node: yaml.MappingNode,
    anchor: tuple[str, ...],
    prefix: tuple[str, ...],
    model: ValuesModel,
    context: _Context,
) -> None:
    full = (*prefix, *(str(p) for p in error.absolute_path))
    if tuple(full[: len(anchor)]) != anchor:
        return
    if is_placeholder(error.instance):
        return  # `port: <port>` is a blank for the reader, not a wrong type
    if any(full[: len(done)] == done for done in context.reported_paths):
        return  # already reported as an unknown key or a shape
    relative = full[len(anchor) :]
    target, key_node, complete = _locate(root_node, relative)
    if target is None:
        return  # the error is in the chart's own defaults, not in this block
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema or {}).get("properties") or {})
        extras = [k for k in error.instance if k not in allowed]
        for extra in extras:
            extra_node = _key_node(target, extra)
            if extra_node is None or (*full, extra) in context.reported_paths:
                continue
            dotted = ".".join((*full, extra))
            close = difflib.get_close_matches(extra, sorted(allowed), n=1, cutoff=0.75)
            context.report(
                "values-schema",
                extra_node,
                f"`{dotted}` is not allowed by the values schema of {model.label}",
                f"did you mean `{close[0]}`?"
                if close
                else "remove it: the chart's schema rejects unknown keys at `helm install`",
            )
        return
    if not complete:
        return
    dotted = ".".join(full) or "(values)"
    context.report(
        "values-schema",
        key_node or target,
        f"`{dotted}`: {message} (values schema of {model.label})",
        _schema_hint(error),
    )


def _schema_hint(error: jsonschema.ValidationError) -> str | None:
    expected = (error.schema or {}).get("type") if isinstance(error.schema, dict) else None
    if error.validator == "type" and expected:
        kinds = expected if isinstance(expected, list) else [expected]
        return "write " + " or ".join(
            {
                "array": "a list",
                "object": "a mapping",
                "string": "a string",
                "boolean": "true or false",
                "integer": "a whole number",
                "number": "a number",
                "null": "null",
            }.get(str(k), str(k))
            for k in kinds
        )
    if error.validator == "enum":
        return "one of: " + ", ".join(repr(v) for v in error.validator_value)
    return None


def _key_node(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, _ in mapping.value:
            if str(key_node.value) == key:
                return key_node
    return None


def _locate(
    node: yaml.Node, path: tuple[str, ...]
) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
    """The node at `path` in the fragment (or the deepest one there), the key node that
    names it (None for list items and the root), and whether the whole path was found."""
    current: yaml.Node = node
    naming: yaml.Node | None = None
    for index, key in enumerate(path):
        if isinstance(current, yaml.MappingNode):
            found = None
            for key_node, value_node in current.value:
                if str(key_node.value) == key:
                    found, naming = value_node, key_node
                    break
            if found is None:
                return (current if index else None), naming, False
            current = found
        elif isinstance(current, yaml.SequenceNode) and key.isdigit():
            items = current.value
            if int(key) >= len(items):
                return current, naming, False
            current, naming = items[int(key)], None
        else:
            return current, naming, False
    return current, naming, True
