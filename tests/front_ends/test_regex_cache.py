"""regex_cache: patterns a command compiled come back from the user's cache folder as the
same pattern objects, and nothing else about `re` changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mkdocs_recipes.cli import regex_cache

PATTERNS = [
    (r"(?P<key>[\w.-]+)\s*:\s*(?P<value>.*)$", re.MULTILINE),
    (r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL),
    ("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
    (r"(?i)k(?:ubernetes)? \d+ (?#comment) [^\W\d]+", re.VERBOSE),
    (rb"(\x00+)(?P<tail>[a-f0-9]{2,})", 0),
    (r"(a)|(?P<b>b)(?(1)c|d)", re.ASCII),
]
TEXTS = ["key.name : value x\nother: 2\n", "---\na: 1\n---\n", "ok \x07 bad", "K 42 word"]


def behaviour(pattern: re.Pattern) -> tuple:
    if isinstance(pattern.pattern, bytes):
        samples = [b"\x00\x00ab12", b"zz\x00ff"]
    else:
        samples = [*TEXTS, "ac", "bd", "bc"]
    return (
        pattern.pattern,
        pattern.flags,
        pattern.groups,
        dict(pattern.groupindex),
        [[m.span() for m in pattern.finditer(text)] for text in samples],
    )


def compiled(folder: Path) -> list[tuple]:
    """Each pattern's behaviour, compiled under `kept(folder)` by a fresh `re` cache."""
    re.purge()
    with regex_cache.kept(folder):
        return [behaviour(re.compile(pattern, flags)) for pattern, flags in PATTERNS]


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The patterns compiled the slow way (parsed into opcodes)."""
    calls: list[str] = []
    slow = regex_cache._opcodes

    def opcodes(pattern, flags):
        if (pattern, flags) != regex_cache.PROBE:
            calls.append(pattern)
        return slow(pattern, flags)

    monkeypatch.setattr(regex_cache, "_opcodes", opcodes)
    return calls


def test_a_second_command_gets_the_same_patterns_from_the_file(tmp_path, counted) -> None:
    expected = [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    assert compiled(tmp_path) == expected
    assert sorted(map(str, counted)) == sorted(str(p) for p, _ in PATTERNS)
    stored = json.loads(regex_cache.cache_file(tmp_path).read_text())
    assert len(stored["patterns"]) == len(PATTERNS)
    counted.clear()
    assert compiled(tmp_path) == expected
    assert counted == [], "a kept pattern was compiled again"
    # After the block, `re` compiles as it always does.
    assert re._compiler.compile.__module__ == "re._compiler"


def test_what_is_not_a_plain_pattern_is_compiled_by_re(tmp_path, counted) -> None:
    re.purge()
    with regex_cache.kept(tmp_path):
        with pytest.raises(re.error) as raised:
            re.compile(r"(unclosed")
        assert re.compile(rb"\w+", re.LOCALE).match(b"abc")
        scanner = re.Scanner([(r"\d+", lambda s, t: int(t)), (r"\s+", None)])
        assert scanner.scan("1 22")[0] == [1, 22]
    assert "missing )" in str(raised.value)
    assert counted == ["(unclosed"]  # tried, then left to re; LOCALE never went through
    assert not regex_cache.cache_file(tmp_path).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff not json",
        b"[1, 2]",
        json.dumps({"format": 1, "python": "another build", "patterns": {}}).encode(),
        b'{"format": 1, "python": "%s", "patterns": {"s0:x": [0, "no", 0, {}, []]}}',
    ],
    ids=["garbage", "not-a-mapping", "another-python", "wrong-shape"],
)
def test_a_file_that_is_not_ours_is_ignored_and_replaced(tmp_path, content) -> None:
    path = regex_cache.cache_file(tmp_path)
    path.write_bytes(content.replace(b"%s", regex_cache._build().encode()))
    expected = [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    assert compiled(tmp_path) == expected
    assert len(json.loads(path.read_text())["patterns"]) == len(PATTERNS)


def test_opcodes_that_sre_refuses_are_compiled_again(tmp_path, counted) -> None:
    compiled(tmp_path)
    path = regex_cache.cache_file(tmp_path)
    data = json.loads(path.read_text())
    for entry in data["patterns"].values():
        entry[1] = [999999] * 3  # not SRE code: _sre.compile rejects it
    path.write_text(json.dumps(data))
    counted.clear()
    assert compiled(tmp_path) == [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    assert len(counted) == len(PATTERNS)


def test_a_folder_that_cannot_be_written_costs_only_the_cache(tmp_path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert compiled(blocked / "cache") == [behaviour(re.compile(p, f)) for p, f in PATTERNS]
    assert blocked.read_text() == "a file where the folder would be"


def test_the_file_is_started_again_when_it_grows_too_large(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", 3)
    path = regex_cache.cache_file(tmp_path)
    re.purge()
    with regex_cache.kept(tmp_path):
        for number in range(3):
            re.compile(f"first-{number}")
    with regex_cache.kept(tmp_path):
        re.compile("second")
    assert list(json.loads(path.read_text())["patterns"]) == ["s0:second"]
