"""YAML code blocks of a page, read as documents with the file line of every key.

A block is a *manifest* when a document has `apiVersion` and `kind`, otherwise a *values*
fragment when it is a mapping (indented or not, wrapped in `values:` or not).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import yaml

from ..base.yaml_limits import (
    MAX_DEPTH,
    YamlTooLarge,
    check_bounds,
    construct_bounded,
    surely_bounded,
)
from .blocks import CodeBlock
from .placeholders import (
    ELISION,
    PLACEHOLDER,
    StandIn,
    error_lines,
    fragments_after_elisions,
    quote_placeholder,
    quote_pointer,
    shown,
    starts_inside,
    without_callouts,
    without_elisions,
)

# libyaml when available, as MkDocs itself uses for front-matter.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loading that reads application tags (`!ENV`, `!!python/name:`) as plain data:
    they are valid YAML, whatever the program that reads them makes of them."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)

_KIND_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _NodesLoader(_Loader):
    """The same parse, without working out which type each plain scalar is (`true`, `3`,
    `2024-01-01`...): a page of examples is judged on its keys and lines, and PyYAML
    matches every scalar against its type patterns, in Python, for its tag. Its nodes'
    tags are the kinds' defaults: they never leave `read_yaml_block`, which keeps only
    what the page's checks read of them."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _KIND_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_UNBUILT = object()


class YamlDocument:
    """A document's node tree, and its data, built from the nodes on first use (a page
    of examples needs only the nodes: their keys and lines). Building it raises the
    YAMLError of a value PyYAML cannot build (`read_yaml_block` builds recipe pages'
    documents up front and reports that error as the block's)."""

    __slots__ = ("_data", "node")

    def __init__(self, node: yaml.Node, data: Any = _UNBUILT) -> None:
        self.node = node
        self._data = data

    @property
    def data(self) -> Any:
        error = self.error()
        if error is not None:
            raise error
        return self._data

    def error(self) -> yaml.YAMLError | None:
        """Why its data cannot be built (None: it can); builds it on first use."""
        if self._data is _UNBUILT:
            loader = _Loader("")
            try:
                self._data = construct_bounded(loader, self.node)
            except yaml.YAMLError as error:
                self._data = error
            except RecursionError:
                self._data = YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep")
            finally:
                loader.dispose()
        return self._data if isinstance(self._data, yaml.YAMLError) else None


#: A key given twice in one mapping: (the key, the block line of its first occurrence,
#: the block line of the repeat), lines counted from 0.
Duplicate = tuple[str, int, int]


def duplicate_keys(documents: Iterable[YamlDocument]) -> tuple[Duplicate, ...]:
    """Every key given twice in a mapping of `documents`, in document order."""
    found: list[Duplicate] = []
    for document in documents:
        _duplicates_in(document.node, found)
    return tuple(found)


def _duplicates_in(node: yaml.Node, found: list[Duplicate]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            first = seen.setdefault(key, key_node)
            if first is not key_node:
                found.append((key, first.start_mark.line, key_node.start_mark.line))
            if not isinstance(value_node, yaml.ScalarNode):
                _duplicates_in(value_node, found)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                _duplicates_in(item, found)


class YamlBlock(NamedTuple):
    """A YAML code block and its parsed documents (empty when it does not parse)."""

    block: CodeBlock
    documents: tuple[YamlDocument, ...]
    error: yaml.YAMLError | None = None
    #: Elision lines and placeholders changed so that the rest of the block parses.
    stand_ins: tuple[StandIn, ...] = ()
    #: Its keys given twice (see `duplicate_keys`), found once per distinct text.
    duplicates: tuple[Duplicate, ...] = ()

    def line_of(self, node: yaml.Node) -> int:
        """The file line of a node of this block."""
        return self.block.file_line(node.start_mark.line)

    @property
    def manifests(self) -> list[YamlDocument]:
        return [
            d
            for d in self.documents
            if isinstance(d.data, dict) and "apiVersion" in d.data and "kind" in d.data
        ]

    @property
    def is_values(self) -> bool:
        return (
            len(self.documents) == 1
            and isinstance(self.documents[0].data, dict)
            and not self.manifests
            and not self.shows_other_file
        )

    @property
    def shows_other_file(self) -> bool:
        """The block's title names a file that is not a values file (`docker-compose.yml`,
        `mkdocs.yml`): it shows that file, not chart values."""
        title = self.block.attributes.get("title", "").strip()
        name = title.rsplit("/", 1)[-1].lower()
        if "." not in name or " " in name:
            return False  # a caption, not a file name
        return "values" not in name

    def values(self) -> dict[str, Any]:
        """The fragment as chart values, without a `values:` wrapper."""
        data = self.documents[0].data
        if set(data) == {"values"} and isinstance(data["values"], dict):
            return data["values"]
        return data


#: Placeholders quoted, at most, before a block is judged as not parsing.
_MAX_QUOTED = 20


#: Parses by block text, the most recently used kept: a text is parsed once while it is
#: in use (pages share snippets and copied examples; `mkdocs serve` rebuilds parse the
#: blocks of the page being edited again). Parsed documents are never modified by their
#: readers. Bounded low: each entry holds a node tree, and a build reads every page (a
#: 200-page site of examples peaked at 56 MiB with 4096 entries, 52 with 128; 48 MiB
#: without the plugin). A page of examples keeps no tree: only its duplicate keys.
class _Parsed(NamedTuple):
    documents: tuple[YamlDocument, ...]
    error: yaml.YAMLError | None
    stand_ins: tuple[StandIn, ...]
    duplicates: tuple[Duplicate, ...]
    #: Read for its keys only: `documents` is empty, the tree was not kept.
    keys_only: bool


_PARSED: OrderedDict[str, _Parsed] = OrderedDict()
_PARSED_MAX = 128


def read_yaml_block(block: CodeBlock, nodes_only: bool = False) -> YamlBlock:
    """Parse every document of a block once, keeping both its nodes and its data.
    `nodes_only`: the data is built when first read, and a value PyYAML cannot build is
    not the block's error (a page of examples, whose checks read the nodes).

    Elision lines and placeholders that break the parse are stood in for, line for line
    (see `placeholders`), so the rest of a documentation example is still read."""
    known = _PARSED.get(block.text)
    if known is not None and known.keys_only and not nodes_only:
        known = None  # read for its keys only: now its documents are wanted
    if known is not None:
        _PARSED.move_to_end(block.text)
    else:
        # A page of examples is judged on its keys and their lines, except for Flux
        # objects (their apiVersions are judged on the data): the tree is not kept.
        keys_only = nodes_only and "fluxcd.io" not in block.text
        documents, error, stand_ins = _read(block.text, untyped=keys_only)
        duplicates = duplicate_keys(documents)
        known = _Parsed(() if keys_only else documents, error, stand_ins, duplicates, keys_only)
        _PARSED[block.text] = known
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    documents, error, stand_ins = known.documents, known.error, known.stand_ins
    if not nodes_only and error is None:
        for document in documents:
            error = document.error()
            if error is not None:
                return YamlBlock(block, (), error, stand_ins)
    return YamlBlock(block, documents, error, stand_ins, known.duplicates)


def _read(
    source: str, untyped: bool = False
) -> tuple[tuple[YamlDocument, ...], yaml.YAMLError | None, tuple[StandIn, ...]]:
    text, stand_ins = without_elisions(without_callouts(source))
    original = source.split("\n")
    for _ in range(_MAX_QUOTED):
        documents, error = _parse(text, untyped)
        if error is None:
            return documents, None, tuple(stand_ins)
        if any(s.kind == ELISION for s in stand_ins):
            elided = _read_fragments(text, stand_ins, untyped)
            if elided is not None:
                return elided, None, tuple(stand_ins)
        for line in error_lines(error):
            fixed = quote_placeholder(text, line) or quote_pointer(text, line, error)
            if fixed is not None:
                text = fixed
                read_as = shown(text.split("\n")[line])
                stand_ins.append(StandIn(line, PLACEHOLDER, shown(original[line]), read_as))
                break
        else:
            break
    if starts_inside(text):
        # An excerpt that begins inside a parent it does not show: its parts, each under
        # a parent left out, are what a reader reads.
        elided = _read_fragments(text, stand_ins, untyped, excerpt=True)
        if elided is not None:
            return elided, None, tuple(stand_ins)
    return (), error, tuple(stand_ins)


def _read_fragments(
    text: str, stand_ins: list[StandIn], untyped: bool = False, excerpt: bool = False
) -> tuple[YamlDocument, ...] | None:
    """The documents of an elided block read part by part (None: a part does not parse
    either). Only the part before the first elision is the block's own top level: its
    documents are the block's; the parts after are checked for syntax alone."""
    documents: tuple[YamlDocument, ...] = ()
    for start, part in fragments_after_elisions(text, stand_ins, excerpt=excerpt):
        parsed, error = _parse(part, untyped)
        if error is not None:
            return None
        if start == 0:
            documents = parsed  # its lines are the block's own
    return documents


def _parse(
    text: str, untyped: bool = False
) -> tuple[tuple[YamlDocument, ...], yaml.YAMLError | None]:
    loader = (_NodesLoader if untyped else _Loader)(text)
    documents: list[YamlDocument] = []
    bounded = surely_bounded(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                if not bounded:
                    check_bounds(node)  # before anything walks it: an alias bomb never ends
                documents.append(YamlDocument(node))
    except yaml.YAMLError as error:
        return (), error
    except RecursionError:
        return (), YamlTooLarge(f"it is nested more than {MAX_DEPTH} levels deep")
    finally:
        loader.dispose()
    return tuple(documents), None


def mapping_value_node(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key node, value node) of `key` in a mapping node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None


def merge_values(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Deep merge as Helm merges values files: mappings merge, anything else replaces."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = value
    return merged


def key_nodes(
    node: yaml.Node, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], yaml.Node]]:
    """(path, key node) of every scalar key in a tree of mappings, depth first."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            path = (*prefix, str(key.value))
            yield path, key
            yield from key_nodes(value, path)


def leaves(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, value) of every value that is not a non-empty mapping, depth first."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, (*prefix, str(key)))
    else:
        yield prefix, value


def value_at(data: Any, path: Iterable[str]) -> tuple[bool, Any]:
    """(whether `path` exists in nested mappings, the value there)."""
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data
