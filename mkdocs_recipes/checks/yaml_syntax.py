"""YAML that does not parse, keys given twice, and the elisions and placeholders that
documentation examples use, in any YAML block of a page."""

from __future__ import annotations

import dataclasses
import re

from ..base.plain_text import space_name
from ..base.yaml_limits import YamlTooLarge
from ..pages.fragments import YamlBlock
from ..pages.placeholders import ELISION, StandIn
from ..report.findings import Finding, Severity


def check_yaml_syntax(blocks: list[YamlBlock], path: str, recipe: bool = False) -> list[Finding]:
    """`recipe`: the page is a recipe, whose values blocks readers paste as they are."""
    findings = []
    for block in blocks:
        pasted = recipe and block.is_values
        error = block.error
        if isinstance(error, YamlTooLarge):
            findings += [_stand_in(s, block, path, pasted) for s in block.stand_ins]
            findings.append(
                Finding.of(
                    "yaml-too-large",
                    path,
                    block.block.first_line,
                    f"this YAML block is not checked: {error.problem}",
                    "show the values written out; readers paste them as they are",
                )
            )
            continue
        other = (
            other_language(block.block.text, parsed=error is None)
            if error is not None or block.stand_ins or block.duplicates
            else None
        )
        if other is not None:
            # Another format: its lines are not YAML's, stood in, repeated or not.
            findings.append(_other_format(block, path, other))
            continue
        findings += [_stand_in(s, block, path, pasted) for s in block.stand_ins]
        if error is not None:
            findings.append(_syntax_finding(block, error, path))
            continue
        findings += _duplicates(block, path, pasted)
    return findings


def _other_format(block: YamlBlock, path: str, other: tuple[str, str]) -> Finding:
    looks, label = other
    return Finding.of(
        "yaml-not-yaml",
        path,
        block.block.fence_line,
        f"this block is labelled yaml but holds {looks}, so it is not checked as YAML",
        f"label the fence `{label}`",
    )


def _syntax_finding(block: YamlBlock, error: Exception, path: str) -> Finding:
    stray = next(
        (
            index
            for index, line in enumerate(block.block.text.split("\n"))
            if len(line.strip()) >= 3 and not line.strip().strip("`~") and line != line.lstrip()
        ),
        None,
    )
    if stray is not None:
        # What the page shows: Python-Markdown closes a fence only at its own
        # indentation, so the block runs on past this line, prose and all.
        return Finding.of(
            "yaml-syntax",
            path,
            block.block.file_line(stray),
            f"this fence line is indented differently from the block's opening fence (line "
            f"{block.block.fence_line}), so it does not close the block: the page shows "
            "what follows as part of this YAML block",
            "indent the closing fence exactly as the opening one",
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = block.block.file_line(mark.line) if mark else block.block.first_line
    problem = getattr(error, "problem", None) or str(error)
    hint = "check the indentation, and quote values that contain ': ' or ' #'"
    odd = _odd_indentation(block.block.text)
    if odd is not None:
        index, character = odd
        line = block.block.file_line(index)
        problem = (
            f"line {line} is indented with {character}, which YAML does not read as "
            f"indentation ({problem})"
        )
        hint = "indent with ordinary spaces"
        mark = None
    return Finding.of(
        "yaml-syntax",
        path,
        line,
        f"this YAML block does not parse: {problem}",
        hint,
        column=(mark.column + 1 + block.block.indent) if mark else None,
    )


#: What YAML does not read as indentation though it looks like it.
_SPACES = "\t\u00a0\u3000"


def _odd_indentation(text: str) -> tuple[int, str] | None:
    """The first line whose indentation holds a tab or a no-break space."""
    if not any(c in text for c in _SPACES):
        return None
    for index, line in enumerate(text.split("\n")):
        lead = line[: len(line) - len(line.lstrip(" " + _SPACES))]
        for character in lead:
            if character in _SPACES:
                return index, space_name(character)
    return None


_JSON_KEY = re.compile(r'"[^"\n]*"\s*:')
_ENV_LINE = re.compile(r"^(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*=")
#: A shell here-document: `cat <<EOF | kubectl apply -f -`, `<<-'END'`.
_HEREDOC = re.compile(r"<<-?[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
#: The characters `tree` draws folders with.
_TREE = re.compile("[├└│]")
#: A unified diff's headers and hunks.
_DIFF = re.compile(r"^(?:@@ -\d|--- a/|\+\+\+ b/|diff --git )", re.M)
#: A diff without headers: an added line (`+   lang: x@0.9.0`); YAML never starts one so.
_ADDED_LINE = re.compile(r"^\+[ ]+\S", re.M)
_REMOVED_LINE = re.compile(r"^-[ ]+\S", re.M)
#: A tool's `Title Case Name:   value` columns (`kubectl describe`), not YAML's `key: value`.
_COLUMNS = re.compile(r"^[ ]*[A-Z][A-Za-z]*(?: [A-Z]?[A-Za-z]+)*:[ ]{2,}\S")
#: A line with YAML's structure: a list item, a key (`key:` then a blank or the end), or a
#: flow collection.
_STRUCTURE = re.compile(
    r"^[ ]*(?:-(?:[ ]|$)|[\[{]|[^\s#'\"][^#]*?:(?:[ ]|$)|['\"][^'\"]*['\"][ ]*:)"
)
#: A Go template's action (`{{ .Values.name }}`, `{{- $x := ...}}`), outside a quoted value.
_TEMPLATE = re.compile(
    r"\{\{-?[ ]*(?:[.$]|(?:if|else|end|range|with|define|template|include|block)\b|[A-Z]\w*[ ])"
)


def other_language(text: str, parsed: bool = False) -> tuple[str, str] | None:
    """(what a yaml-labelled block looks like, the label to use): the marks of another
    format, which YAML never has. `parsed`: the block reads as YAML (with keys given
    twice, or stand-ins); then only the marks YAML text cannot have count, not JSON or
    `NAME=value` lines, which YAML reads too."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    first = lines[0].lstrip()
    if first.startswith("$ "):
        return f"a shell session (`{first[:40]}`)", "console"
    heredoc = _HEREDOC.search(text)
    if heredoc and any(line.strip() == heredoc.group(2) for line in lines):
        command = next(line.strip() for line in lines if _HEREDOC.search(line))
        return f"a shell here-document (`{command[:40]}`)", "sh"
    if _TREE.search(text):
        return "a directory tree", "text"
    if _DIFF.search(text) or (_ADDED_LINE.search(text) and _REMOVED_LINE.search(text)):
        return "a diff", "diff"
    if sum(1 for line in lines if _COLUMNS.match(line)) >= max(3, len(lines) // 3):
        return "a tool's output (`Name:   value` columns)", "text"
    if _TEMPLATE.search(text):
        return "a Go template (`{{ . }}` actions)", "go-text-template"
    if parsed:
        return None
    stripped = text.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]" and _JSON_KEY.search(stripped):
        # JSON, or JSON with comments: YAML reads plain JSON, so this one has something
        # YAML does not (a `//` comment, an escape it lacks).
        return "JSON", "json"
    content = [line for line in lines if not line.lstrip().startswith("#")]
    if content and all(_ENV_LINE.match(line) for line in content):
        return "an environment file (`NAME=value` lines)", "sh"
    if content and not any(_STRUCTURE.match(line) for line in content):
        # Not one `key: value`, `- item` or flow collection: whatever it is, it is no
        # YAML document (shell lines `NAME=$(kubectl ...)`, prose, a list of words).
        shell = any(_ENV_LINE.match(line) for line in content)
        return ("shell lines" if shell else "text with no YAML structure"), (
            "sh" if shell else "text"
        )
    return None


def _duplicates(block: YamlBlock, path: str, pasted: bool) -> list[Finding]:
    """`pasted`: a recipe's values block, which readers paste whole: never alternatives."""
    lines = block.block.text.split("\n")
    findings = []
    elided = sorted(s.index for s in block.stand_ins if s.kind == ELISION)
    for key, first, again in block.duplicates:
        if any(first < index < again for index in elided):
            # Lines were left out between the two: they belong to two excerpts (two
            # objects shown with `...` between them), not to one mapping.
            continue
        reading = None if pasted else _alternatives(lines, key, first, again)
        where = (
            f"`{key}` is given twice in this mapping (first at line {block.block.file_line(first)})"
        )
        if reading is None:
            findings.append(
                Finding.of(
                    "yaml-duplicate-key",
                    path,
                    block.block.file_line(again),
                    f"{where}; YAML keeps only the last one",
                    "merge the two into one",
                )
            )
        else:
            findings.append(
                Finding.of(
                    "yaml-alternatives",
                    path,
                    block.block.file_line(again),
                    f"{where}, read as {reading}; pasted whole, YAML keeps only the last",
                    "show each part in a block of its own, or separate them with `---`",
                )
            )
    return findings


#: A comment that says the block shows what not to write.
_COUNTER_EXAMPLE = re.compile(
    r"\b(?:wrong|incorrect|invalid|bad|don'?t|do not|avoid|twice|duplicated?|overrides?|wins)\b",
    re.IGNORECASE,
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_at(line: str) -> str:
    return line.split(":", 1)[0].strip("'\" -")


def _heads_a_repeat(lines: list[str], first: int, again: int, level: int) -> bool:
    """Whether the repeat at line `again` lies in a part a comment heads, and that part
    starts over: its first key at this level was given before (`# After:` then `spec:`
    again; `# cluster-west.yaml` then `region:` again). Section comments of one file
    (`# replicas` over `replicas:`) head parts that start with new keys."""
    above = again - 1
    while above > first:
        line = lines[above]
        if line.strip() and _indent(line) <= level:
            if line.lstrip().startswith("#"):
                break
            if _indent(line) < level:
                return False  # left the mapping: no heading inside it
        above -= 1
    if above <= first:
        return False
    opening = next(
        (line for line in lines[above + 1 : again + 1] if line.strip() and _indent(line) == level),
        None,
    )
    earlier = {
        _key_at(line)
        for line in lines[:above]
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) == level
    }
    return opening is not None and _key_at(opening) in earlier


def _alternatives(lines: list[str], key: str, first: int, again: int) -> str | None:
    """Why a key given twice is meant (None: it is a mistake a reader would paste). The
    author shows parts, not one mapping, when a comment heads a part that starts over
    (`# After:`, `# cluster-west.yaml`, `# or use a raw unit`, see `_heads_a_repeat`),
    when every key at that level is this key, three times or more (a list of one key's
    forms), or when the block's opening comment says it is what not to write."""
    level = _indent(lines[again])
    if _heads_a_repeat(lines, first, again, level):
        return "parts headed by comments (alternatives, or a before and an after)"
    siblings = [
        line.strip()
        for line in lines
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) == level
    ]
    # Three or more: a mistake repeats a key once; a list of forms shows several.
    if len(siblings) > 2 and all(line.split(":", 1)[0].strip("'\" -") == key for line in siblings):
        return f"a list of the forms `{key}` can take"
    # The block's own heading comment, not any comment in it: "# don't change this" above
    # one key says nothing about the rest.
    opening = next((line.strip() for line in lines if line.strip()), "")
    if opening.startswith("#") and _COUNTER_EXAMPLE.search(opening):
        return "an example of what not to write"
    return None


def _stand_in(stand_in: StandIn, block: YamlBlock, path: str, pasted: bool) -> Finding:
    line = block.block.file_line(stand_in.index)
    shown = stand_in.original
    if stand_in.kind == ELISION:
        finding = Finding.of(
            "yaml-elision",
            path,
            line,
            f"`{shown}` stands for lines left out; it is not YAML, so a reader who pastes "
            "this block gets an error (the rest of the block was still checked)",
            f"write it as a comment, `# {shown.lstrip('- ')}`, so the block pastes as it is",
        )
    else:
        finding = Finding.of(
            "yaml-placeholder",
            path,
            line,
            f"`{shown}` holds a placeholder that is not valid YAML as written (the rest of "
            "the block was still checked)",
            f"quote it, `{stand_in.replacement}`, so the block pastes as valid YAML",
        )
    if pasted:
        # Readers paste a recipe's values blocks as they are.
        finding = dataclasses.replace(finding, severity=Severity.WARNING)
    return finding
