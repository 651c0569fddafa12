"""Oracles for hostile input: HTML that holds only the markup the plugin means to write,
and output whose every line begins where the plugin began it.

The hostile strings are what pages, charts, indexes and registries can put in a finding:
line breaks of every kind, backticks, `<`, `&`, quotes, HTML entities, links with
schemes that run script, terminal escape sequences, forged CI annotations.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

HOSTILE = (
    "a``\n<img src=x onerror=alert(2)>\n``b",
    "`x`\r<script>alert(1)</script>\r`y`",
    "x\u2028<svg onload=alert(3)>\u2029y",
    "`\x0b<iframe src=javascript:alert(4)>\x0c`",
    "<b onmouseover=alert(5)>bold</b>",
    "&lt;img src=x onerror=alert(6)&gt;",
    '" onfocus="alert(7)" autofocus x="',
    "[click](javascript:alert(8))",
    "<javascript:alert(9)>",
    "<oci://127.0.0.1:9/x/contenteditable/autofocus/onfocus=alert(10)//>",
    "javascript&colon;alert(11)",
    "![i](x onerror=alert(12))",
    "<!-- --><script>alert(13)</script>",
    "{{ 7 * 7 }} {% raw %}",
    "*em* __b__ ~~s~~ ==m== ^^i^^",
    "\\`\\<img src=x onerror=alert(14)\\>",
    "x\n::error file=README.md,line=1::forged annotation",
    "\x1b[2J\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\u202eevil\u202c",
)

#: Elements a finding's admonition (or the summary) is made of.
FINDING_TAGS = frozenset({"div", "p", "code", "ul", "li", "a", "pre", "span"})
#: Attributes the plugin (or Python-Markdown for it) writes there.
FINDING_ATTRIBUTES = frozenset({"class", "href", "title"})
#: http(s), or a reference within the site: a URL without a scheme, which is one without a
#: colon before its first `/`, `?` or `#` (RFC 3986's relative reference: `page#section`,
#: `h*a//x`, `/docs/`, `#top`).
_SAFE_HREF = re.compile(r"^(?:https?://|[^:/?#]*(?:[/?#]|$))", re.I)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def markup_problems(
    fragment: str,
    tags: frozenset[str] = FINDING_TAGS,
    attributes: frozenset[str] = FINDING_ATTRIBUTES,
) -> list[str]:
    """Every element or attribute in `fragment` outside `tags` / `attributes`, and every
    link that is not http(s) or site-relative once the browser decodes it."""
    parser = _Collector()
    parser.feed(fragment)
    parser.close()
    problems = []
    for tag, attrs in parser.elements:
        if tag not in tags:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in attributes or name.startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and value is not None:
                decoded = html.unescape(value).strip()
                if not _SAFE_HREF.match(decoded) or decoded.lower().startswith("javascript"):
                    problems.append(f"<{tag} {name}={decoded[:60]!r}>")
    return problems


def forged_lines(output: str) -> list[str]:
    """Lines of `output` that begin with text a page wrote (a forged annotation, an
    escape sequence), or that hold a terminal control character anywhere."""
    bad = []
    for line in re.split(r"\r\n|\r|\n", output):
        if (
            line.startswith("::error file=README.md")
            or "forged annotation" in line[:20]
            or any(c in line for c in "\x1b\x07\x08\x0b\x0c\x85\u2028\u2029\u202e")
        ):
            bad.append(line)
    return bad
