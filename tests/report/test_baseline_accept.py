"""One finding accepted into the baseline (the editor's "Accept in the baseline"): the
other entries kept as they are, the same line accepted twice counted twice, and a file
that is not a baseline left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_recipes.report.baseline import Baseline, BaselineError, accept_finding, write_baseline
from mkdocs_recipes.report.findings import Finding


def _finding(root: Path, line: int, code: str = "values-unknown-key") -> Finding:
    return Finding.of(code, str(root / "docs" / "page.md"), line, "a message")


def test_accepting_keeps_the_other_entries_and_counts_repeats(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text("one: 1\nreplicaCont: 2\nthree: 3\n", encoding="utf-8")
    baseline = tmp_path / "recipes-baseline.json"
    write_baseline(baseline, tmp_path, [_finding(tmp_path, 3, "yaml-syntax")])
    before = json.loads(baseline.read_text())["findings"]

    # The buffer's line (not yet saved) is what is fingerprinted.
    accept_finding(baseline, tmp_path, _finding(tmp_path, 2), "replicaCnt: 2")
    accept_finding(baseline, tmp_path, _finding(tmp_path, 2), "replicaCnt: 2")
    entries = json.loads(baseline.read_text())["findings"]
    assert before[0] in entries  # untouched
    (added,) = [e for e in entries if e["code"] == "values-unknown-key"]
    assert (added["path"], added["count"], added["line"]) == ("docs/page.md", 2, 2)

    # Once the page says so, the baseline matches it (twice: the count).
    page.write_text("one: 1\nreplicaCnt: 2\nthree: 3\n", encoding="utf-8")
    loaded = Baseline.load(baseline, tmp_path)
    assert loaded is not None
    assert loaded.match(_finding(tmp_path, 2)) and loaded.match(_finding(tmp_path, 2))
    assert not loaded.match(_finding(tmp_path, 2))


def test_a_file_that_is_not_a_baseline_is_left_alone(tmp_path: Path) -> None:
    baseline = tmp_path / "recipes-baseline.json"
    baseline.write_text('{"something": "else"}', encoding="utf-8")
    with pytest.raises(BaselineError, match="not a version 1 baseline"):
        accept_finding(baseline, tmp_path, _finding(tmp_path, 1), "x: 1")
    assert baseline.read_text(encoding="utf-8") == '{"something": "else"}'
