"""Reference-style links (`[text][label]`, `[label][]`) whose label is defined nowhere.

Brackets are everywhere in prose that is not about links (release notes write
`[#1234][someone]`, pull request titles `[Networking][cilium]`, code `root["a"]["b"]`),
so a label is judged only on a page that writes reference links itself (on the page or
in what it includes), or where a label defined on the site is close enough to be the one
meant; and never brackets that hold no label (an issue number, a quoted string). Then
an undefined one is a typo worth a warning, with the closest label as a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ...base.suggest import Suggestions
from .prose import label, may_match, prose_lines

# Bounded repetitions: no line can make these backtrack over it again and again.
_DEFINITION = re.compile(r"^[ \t]{0,20}\[([^\]^][^\]]{0,500})\]:[ \t]*\S")
_REFERENCE = re.compile(r"(?<!\\)!?\[((?:[^\[\]]|\[[^\[\]]{0,100}\]){0,300})\]\[([^\[\]]{0,300})\]")


def definitions(text: str) -> set[str]:
    """The labels `text` defines (`[label]: target`), normalised."""
    if "]:" not in text or not may_match(text, "]:", _DEFINITION):
        return set()  # (a footnote `[^1]: ...` is no definition)
    return {
        label(m.group(1)) for line in prose_lines(text, "]:") if (m := _DEFINITION.match(line.text))
    }


class Reference(NamedTuple):
    line: int
    #: The label as written (the second brackets, or the first for `[label][]`).
    written: str
    #: What stays in the page's text when the label is not defined.
    literal: str


def undefined_references(source: str, defined: set[str]) -> Iterator[Reference]:
    """References in `source` whose label is not in `defined`."""
    for line in prose_lines(source, "]["):
        for match in _REFERENCE.finditer(line.text):
            written = match.group(2) or match.group(1)
            name = label(written)
            if not name or name in defined or name.startswith("^"):
                continue
            if not _may_be_label(written):
                continue
            literal = f"][{match.group(2)}]" if match.group(2) else "][]"
            yield Reference(line.number, written, literal)


def _may_be_label(written: str) -> bool:
    """Whether brackets hold what an author writes as a label: not an issue number
    (`#4821`), not a quoted string (`root["double"]`). (`[text][1]` is a label.)"""
    text = written.strip()
    return bool(text) and text[0] not in "#\"'"


def closest(name: str, page: Suggestions, site: Suggestions) -> str | None:
    """The defined label `name` most likely meant: the page's own first, then the site's."""
    return page.closest(name) or site.closest(name)
