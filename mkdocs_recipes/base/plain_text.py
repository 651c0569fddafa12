"""Text from pages, charts and servers made safe to show: every control character visible.

A finding quotes what a page or a chart wrote (a key, a URL, a line). Shown as it is, a
newline in a key starts a new line of the build log (a forged `::error` annotation in
GitHub Actions), an escape sequence clears the terminal or writes a hyperlink, a carriage
return breaks out of the admonition the finding is shown in. So findings carry such
characters escaped, as Python writes them: `\\n`, `\\x1b`, `\\u2028`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides
# that reorder what a reader sees ("Trojan Source").
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """`text` with each control character written as its escape."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


# The same, but a tab: it is harmless on a terminal, and diffs of pages keep theirs.
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x08\x0a-\x1f{_BEYOND_C0}]")


def visible_lines(text: str) -> str:
    """`text` as lines for a terminal or a CI log: its own line breaks (`\\n`) kept, every
    other control character in a line escaped (a `\\r` that would overwrite a line, an
    escape sequence, an OSC 8 link), and the credentials of URLs replaced."""
    if _UNSAFE_IN_LINE.search(text.replace("\n", "")):
        text = "\n".join(_UNSAFE_IN_LINE.sub(_escape, line) for line in text.split("\n"))
    return without_credentials(text)


def _escape(match: re.Match[str]) -> str:
    character = match.group(0)
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# `scheme://user:password@host`, `scheme://token@host`: the part before `@` is a secret.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://)[^/\s@`'\"<>]{1,512}@")


def without_credentials(text: str) -> str:
    """`text` with the user information of every URL in it replaced by `***`."""
    if "@" not in text or "://" not in text:
        return text
    return _USERINFO.sub(r"\1***@", text)


#: Characters that look like a space, or like nothing, named as messages name them.
SPACE_LIKE = {
    "\t": "a tab",
    "\u00a0": "a no-break space (U+00A0)",
    "\u3000": "an ideographic space",
    "\u200b": "a zero-width space (U+200B)",
    "\ufeff": "a byte order mark (U+FEFF)",
    " ": "a space",
}


def space_name(character: str) -> str:
    """How a message names a space-like `character`."""
    return SPACE_LIKE.get(character, f"a space-like character U+{ord(character):04X}")
