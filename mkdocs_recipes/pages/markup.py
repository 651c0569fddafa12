"""Markdown text produced for a page: fenced blocks, admonitions, escaped inline text."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from ..base.plain_text import visible

# Characters Python-Markdown lets a backslash escape (`<`, `>`, `&` are HTML-escaped).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!])")


def fenced_block(content: str, language: str, title: str | None = None, indent: int = 0) -> str:
    """A fenced code block whose fence cannot be closed by its own content."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * max(3, longest + 1)
    attributes = f' title="{html.escape(title, quote=True)}"' if title else ""
    lines = [f"{fence}{language}{attributes}", *content.rstrip("\n").split("\n"), fence]
    return _indent("\n".join(lines), indent)


def admonition(kind: str, title: str, body_lines: list[str], indent: int = 0) -> str:
    """A Material/Python-Markdown admonition (`!!! kind "title"`) with a bullet list."""
    safe_title = title.replace('"', "'")
    lines = [f'!!! {kind} "{safe_title}"', ""]
    lines += [f"    * {line}" for line in body_lines]
    return _indent("\n".join(lines), indent)


def escape_inline(text: str) -> str:
    """Text shown as-is in Markdown: no markup, no HTML, no Jinja-looking braces."""
    text = " ".join(visible(text).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def code_span(text: str) -> str:
    """`text` as inline code, whatever it holds: a fence longer than any run of backticks
    in it, and no character that would end the line."""
    text = " ".join(visible(text).split()) or " "
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


#: What a link may point at from a page the plugin writes.
LINK_SCHEMES = ("http", "https", "mailto")
_URL_KEEP = ":/?#[]@!$&'()*+,;=%-._~"
#: What a browser drops from the start of a URL before reading its scheme.
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def decoded_url(url: str) -> str:
    """`url` as the browser reads it in an attribute: HTML entities decoded until nothing
    changes (`javascript&colon;` is `javascript:`), leading controls and spaces dropped."""
    for _ in range(8):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return url.lstrip(_C0_AND_SPACE)


def link_target(url: str) -> str | None:
    """The href to write for `url`, or None when it is no http(s), mailto or site-relative
    link once decoded as the browser decodes it."""
    decoded = decoded_url(url)
    if visible(decoded) != decoded:
        return None
    try:
        parts = urlsplit(decoded)
    except ValueError:
        return None
    if parts.scheme and parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return None  # `https:x`, `https:https://...`: no host to go to
    if not parts.scheme and ":" in decoded.split("/", 1)[0]:
        return None  # `javascript:...` that urlsplit did not read as a scheme
    if parts.username is not None or parts.password is not None:
        return None
    return quote(decoded, safe=_URL_KEEP)


def link(text: str, url: str) -> str:
    """A Markdown link to `url` with `text` shown as written; code when `url` is not a
    link the plugin writes (an `oci://` repository, anything else)."""
    target = link_target(url)
    if target is None:
        return code_span(url)
    return f"[{escape_inline(text)}](<{target}>)"


def _indent(text: str, indent: int) -> str:
    if indent <= 0:
        return text
    pad = " " * indent
    # The first line sits where the template put the call; only later lines move.
    first, *rest = text.split("\n")
    return "\n".join([first, *(pad + line if line else line for line in rest)])
