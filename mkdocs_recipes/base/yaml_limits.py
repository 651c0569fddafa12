"""Bounds on YAML read from pages, front-matter and charts: no alias bomb or nesting depth
turns a few kilobytes of text into unbounded work.

Aliases (`*a`) make a YAML document a graph: a nine-level alias bomb is a few lines of text
whose tree has billions of nodes. PyYAML builds it with shared objects, cheaply; walking it
does not end. So a document is measured as the tree it stands for, on its node graph
(each shared node counted once per use, but computed once), before anything walks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

#: Nodes a document may stand for once its aliases are expanded.
MAX_NODES = 200_000
#: Nesting depth a document may have.
MAX_DEPTH = 200


class YamlTooLarge(yaml.YAMLError):
    """A document over the bounds; `problem` says which, for a finding."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


def check_bounds(node: yaml.Node | None, max_nodes: int = MAX_NODES) -> int:
    """The number of values `node` stands for once its aliases are expanded; raise
    `YamlTooLarge` when it stands for too big or too deep a tree."""
    if node is None:
        return 0
    sizes: dict[int, int] = {}

    def size(current: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep")
        known = sizes.get(id(current))
        if known is not None:
            return known
        total = 1
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                total += size(key, depth + 1) + size(value, depth + 1)
                if total > max_nodes:
                    break
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                total += size(item, depth + 1)
                if total > max_nodes:
                    break
        if total > max_nodes:
            raise YamlTooLarge(
                f"it stands for more than {max_nodes} values once its aliases (`*name`) are "
                "expanded (an alias bomb?)"
            )
        sizes[id(current)] = total
        return total

    return size(node, 0)


def surely_bounded(text: str) -> bool:
    """Whether `text` cannot stand for a tree over the bounds, judged from its characters
    (then `check_bounds` need not walk it). Without an alias (`*`) no node is shared, and
    every node takes at least one character of its own or follows an indicator, so there
    are at most twice as many nodes as characters. Each level of nesting takes a flow
    bracket, or, every two levels, one more column on the line of the deepest node (an
    indentation, or an indicator such as `- ` before it on that line)."""
    if "*" in text or 2 * len(text) + 2 > MAX_NODES:
        return False
    widest = max(map(len, text.split("\n")))
    return 2 * widest + text.count("[") + text.count("{") + 2 <= MAX_DEPTH


def compose_bounded(
    loader: Any, max_nodes: int = MAX_NODES, known_bounded: bool = False
) -> yaml.Node | None:
    """The single document of a loader, composed and measured (`YamlTooLarge`), unless
    its text is `known_bounded` (`surely_bounded`)."""
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep") from None
    if not known_bounded:
        check_bounds(node, max_nodes)
    return node


def construct_bounded(loader: Any, node: yaml.Node) -> Any:
    """`loader.construct_document(node)`; a value Python cannot hold (an integer of more
    than 4300 digits) is `YamlTooLarge`, not a ValueError from deep inside PyYAML."""
    try:
        return loader.construct_document(node)
    except (ValueError, OverflowError, TypeError, KeyError, AttributeError) as error:
        # PyYAML raises these, not a YAMLError, for a number Python cannot hold and for
        # an explicit tag on a value it does not fit (`!!timestamp x`, `!!bool x`).
        mismatch = _tag_mismatch(loader, node)
        if mismatch is not None:
            raise YamlValueError(
                None,
                None,
                f"`!!{mismatch.tag.rsplit(':', 1)[-1]} {str(mismatch.value)[:40]}` is not a "
                f"value of the type its tag names",
                mismatch.start_mark,
            ) from None
        raise YamlTooLarge(f"a value cannot be read ({str(error)[:100]})") from None
    except RecursionError:
        raise YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep") from None


class YamlValueError(yaml.constructor.ConstructorError):
    """A scalar whose explicit tag it does not fit (`!!bool x`), at that scalar: as YAML
    a reader's tool (kubectl, Helm) rejects, a syntax error, not a size one."""


def _tag_mismatch(loader: Any, node: yaml.Node) -> yaml.ScalarNode | None:
    """The first scalar under `node` (already measured) whose explicit standard tag is not
    the one its text resolves to (`!!int x`; not `!!str 1`, which is a string)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            tag = current.tag
            if tag.startswith("tag:yaml.org,2002:") and tag.rsplit(":", 1)[-1] in _TYPED:
                implicit = loader.resolve(yaml.ScalarNode, current.value, (True, False))
                if implicit != tag:
                    return current
        elif isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack += [value, key]
        elif isinstance(current, yaml.SequenceNode):
            stack += reversed(current.value)
    return None


#: Standard tags whose constructor reads the text as a type.
_TYPED = {"bool", "int", "float", "timestamp", "null"}


def load_bounded(text: str | bytes, loader: type, max_nodes: int = MAX_NODES) -> Any:
    """`yaml.load` of one document, within the bounds (`YamlTooLarge` otherwise)."""
    return parse_bounded(text, loader, max_nodes)[1]


def parse_bounded(
    text: str | bytes, loader: type, max_nodes: int = MAX_NODES
) -> tuple[yaml.Node | None, Any]:
    """One document's node tree and its data, within the bounds (`YamlTooLarge`
    otherwise): for a reader that needs the lines of its keys as well as their values."""
    instance = loader(text)
    try:
        node = compose_bounded(instance, max_nodes)
        return node, construct_bounded(instance, node) if node is not None else None
    finally:
        instance.dispose()


def documents_bounded(
    text: str, loader: type, max_nodes: int = MAX_NODES, budget: list[int] | None = None
) -> Iterator[tuple[yaml.Node, Any]]:
    """Every document of a multi-document text as (node, data), each measured before it
    is built (`YamlTooLarge`); a YAML error ends the iteration by raising. `budget`, when
    given, holds the values all the documents (of this text and others) may stand for
    together, and is spent as they are read."""
    instance = loader(text)
    try:
        while instance.check_node():
            try:
                node = instance.get_node()
            except RecursionError:
                raise YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep") from None
            if node is None:
                continue
            size = check_bounds(node, max_nodes)
            if budget is not None:
                budget[0] -= size
                if budget[0] < 0:
                    raise YamlTooLarge(
                        "its documents together stand for more values than are read "
                        "(aliases expanded)"
                    )
            yield node, construct_bounded(instance, node)
    finally:
        instance.dispose()
