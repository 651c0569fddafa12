"""Read a page's YAML front-matter the way MkDocs does, but keep the source lines.

MkDocs parses the block with PyYAML (YAML 1.1) and silently moves a block it cannot
parse into the page body. Here the same block is located with the same rule, composed
into nodes so that every key keeps its line in the file, and parse errors become findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..base.yaml_limits import YamlTooLarge, compose_bounded, construct_bounded, surely_bounded
from ..report.findings import Finding

# The same delimiters MkDocs accepts: `---` to open, `---` or `...` to close.
_BLOCK = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_LOOKS_LIKE_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


@dataclass(frozen=True)
class FrontMatter:
    """A parsed front-matter block.

    `data` is what MkDocs sees as `page.meta`; `nodes` keeps, for each top-level key,
    its YAML value node, whose marks give lines (`first_line` is the file line of the
    block's first line, so a node's file line is `first_line + node.start_mark.line`).
    """

    data: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, yaml.Node] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 2

    def line_of(self, key: str) -> int:
        """The file line of `key`, or of the opening `---` when the key is absent."""
        return self.key_lines.get(key, 1)

    def node_line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line


# The loader MkDocs uses for front-matter (libyaml when available): the same YAML 1.1 reading.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A parse `mkdocs_data` made for MkDocs, handed to the `read_front_matter` of the same
# page that follows (`mkdocs-recipes check` reads each page that way): its text, nodes, data.
_handed: tuple[str, yaml.Node | None, Any] | None = None


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse, both the node tree (for lines) and the data (what MkDocs sees)."""
    global _handed
    if _handed is not None:
        handed, _handed = _handed, None
        if handed[0] == text:
            return handed[1], handed[2]
    loader = _LOADER(text)
    try:
        node = compose_bounded(loader, known_bounded=surely_bounded(text))
        return node, (construct_bounded(loader, node) if node is not None else None)
    finally:
        loader.dispose()


def mkdocs_data(doc: str, block: re.Pattern[str]) -> tuple[str, dict[str, Any]] | None:
    """What MkDocs' `meta.get_data(doc)` returns (`block`: its front-matter expression),
    from the parse `read_front_matter` then reuses instead of parsing the block again;
    None unless `doc` opens with a block that parses as a mapping (MkDocs then reads it
    itself). The data is a copy: MkDocs' `page.meta` is the plugins' to change."""
    global _handed
    match = block.match(doc)
    if match is None:
        return None
    text = match.group(1)
    try:
        node, data = _compose_and_load(text)
    except (yaml.YAMLError, YamlTooLarge):
        return None
    if not isinstance(data, dict):
        return None
    _handed = (text, node, data)
    return doc[match.end() :].lstrip("\n"), plain_copy(data)


def plain_copy(value: Any, copies: dict[int, Any] | None = None) -> Any:
    """A copy of what YAML's safe loader makes (mappings, lists, sets, tuples of
    immutable scalars), sharing what the original shares (anchors and aliases)."""
    kind = type(value)
    if kind not in (dict, list, set, tuple):
        return value
    if copies is None:
        copies = {}
    done = copies.get(id(value))
    if done is not None:
        return done
    if kind is dict:
        copy: dict[Any, Any] = {}
        copies[id(value)] = copy
        copy.update((plain_copy(k, copies), plain_copy(v, copies)) for k, v in value.items())
        return copy
    if kind is list:
        items: list[Any] = []
        copies[id(value)] = items
        items.extend(plain_copy(v, copies) for v in value)
        return items
    # A set's members and a tuple's (`!!omap` pairs) cannot refer back to it.
    copied = kind(plain_copy(v, copies) for v in value)
    copies[id(value)] = copied
    return copied


def normalise_newlines(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


def front_matter_text(source: str) -> str | None:
    """The text of the page's YAML front-matter block, None when it has none."""
    if not source.startswith("---"):
        return None
    match = _BLOCK.match(normalise_newlines(source))
    return match.group(1) if match else None


def read_front_matter(source: str, path: str) -> tuple[FrontMatter, list[Finding]]:
    """Return the front-matter of `source` (empty when there is none) and its findings."""
    source = normalise_newlines(source)
    match = _BLOCK.match(source)
    if not match:
        lines = source.split("\n", 2)
        if len(lines) > 1 and lines[0].rstrip() == "---" and _LOOKS_LIKE_KEY.match(lines[1]):
            return FrontMatter(), [
                Finding.of(
                    "front-matter-unparsable",
                    path,
                    1,
                    "the front-matter block opened here is never closed, so MkDocs "
                    "treats it as page text",
                    hint="end the block with a line of three dashes `---`",
                )
            ]
        return FrontMatter(), []
    text = match.group(1)
    try:
        root, data = _compose_and_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = 2 + mark.line if mark else 1
        column = mark.column + 1 if mark else None
        problem = error.problem or "invalid YAML"
        return FrontMatter(), [
            Finding.of(
                "front-matter-unparsable",
                path,
                line,
                f"front-matter is not valid YAML ({problem}); MkDocs ignores the whole "
                "block and shows it as page text",
                hint="quote values that contain ': ', ' #', or start with '{', '[', '*', '&'",
                column=column,
            )
        ]
    except YamlTooLarge as error:
        return FrontMatter(), [
            Finding.of(
                "yaml-too-large",
                path,
                1,
                f"the front-matter is not read: {error.problem}",
                "write the values out; front-matter needs no anchors or deep nesting",
            )
        ]
    except yaml.YAMLError as error:
        return FrontMatter(), [
            Finding.of(
                "front-matter-unparsable",
                path,
                1,
                f"front-matter is not valid YAML ({error})",
            )
        ]
    if root is None:
        return FrontMatter(), []
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        return FrontMatter(), [
            Finding.of(
                "front-matter-not-mapping",
                path,
                2,
                "front-matter must be a mapping of `key: value` lines; MkDocs ignores it",
                hint="write one `key: value` per line, e.g. `title: Install the chart`",
            )
        ]
    nodes: dict[str, yaml.Node] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        # A repeated key: YAML keeps the last one, and so does MkDocs.
        nodes[key] = value_node
        key_lines[key] = 2 + key_node.start_mark.line
    return (
        FrontMatter(data=data, nodes=nodes, key_lines=key_lines, first_line=2),
        [],
    )
