"""The installed package: entry points, command line, and documented finding codes."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from mkdocs_recipes import CODES, __version__
from support.fresh import copy_checkout
from support.paths import ROOT


def test_plugin_entry_point_is_registered() -> None:
    (plugin,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "recipes"]
    assert plugin.load().__name__ == "RecipesPlugin"


def test_command_line_reports_its_version() -> None:
    # The console script is installed beside the interpreter running the tests.
    script = str(Path(sys.executable).parent / "mkdocs-recipes")
    for command in ([script], [sys.executable, "-m", "mkdocs_recipes"]):
        done = subprocess.run([*command, "--version"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert __version__ in done.stdout


def test_every_code_is_documented_with_its_severity() -> None:
    table = (ROOT / "docs" / "reference" / "codes.md").read_text()
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| (\w+) \|", table, flags=re.M))
    assert documented == {name: code.severity.value for name, code in CODES.items()}


def test_a_bug_on_one_page_is_an_error_finding_not_a_crash(monkeypatch, tmp_path) -> None:
    from mkdocs_recipes.config import RecipesConfig
    from mkdocs_recipes.site import engine as engine_module

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(engine_module, "analyse_page", broken)
    options = RecipesConfig()
    options.load_dict({"resolve_charts": False})
    options.validate()
    engine = engine_module.RecipeEngine(options, tmp_path)
    reported = []
    engine.sink = reported.append
    state = engine.page("p.md", None, lambda: "# P\n", None)
    (finding,) = state.findings
    assert finding.code == "internal-error" and "KeyError" in finding.message
    assert reported == [finding]


def test_every_code_has_an_example_in_the_reference() -> None:
    text = (ROOT / "docs" / "reference" / "codes.md").read_text()
    for name in CODES:
        section = re.search(rf"^### `{re.escape(name)}`\n\n```text\n(.+)\n```", text, re.M)
        assert section, f"no example for {name}"
        assert f"[{name}]" in section.group(1)


def test_display_path_is_relpath(tmp_path, monkeypatch) -> None:
    # Its quick path (a normalised path under the working directory) must say what
    # `os.path.relpath` says, for every shape of path.
    import os

    from mkdocs_recipes.report.findings import display_path

    monkeypatch.chdir(tmp_path)
    here = str(tmp_path)
    for path in [
        f"{here}/a/b.md",
        f"{here}//a/b.md",
        f"{here}/a/../b.md",
        f"{here}/./a.md",
        f"{here}/a/b/",
        f"{here}/a/.hidden/x.md",
        f"{here}x/a.md",
        "/elsewhere/x.md",
        "relative/x.md",
        "./relative/../x.md",
    ]:
        assert display_path(path) == Path(os.path.relpath(path)).as_posix(), path


@pytest.mark.slow
def test_the_release_artifacts_build_and_pass_twine_check(tmp_path) -> None:
    """`python -m build` makes the sdist and the wheel a release uploads, and `twine check`
    accepts their metadata (the README renders on the package index); both carry the
    version the code reports and the changelog names."""
    source = copy_checkout(tmp_path / "source")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    built = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert built == [
        f"mkdocs_recipes-{__version__}-py3-none-any.whl",
        f"mkdocs_recipes-{__version__}.tar.gz",
    ]
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            *map(str, (tmp_path / "dist").iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_include(tmp_path) -> None:
    """Every module and packaged include of the checkout is in the wheel: an ignore
    pattern meant for the docs site's `site/` once left the package's `site/` out."""
    import zipfile

    from support.fresh import build_wheel

    wheel = build_wheel(tmp_path)
    package = ROOT / "mkdocs_recipes"
    wanted = {
        f"mkdocs_recipes/{p.relative_to(package).as_posix()}"
        for p in [*package.rglob("*.py"), *(package / "includes").iterdir()]
        if "__pycache__" not in p.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        held = set(archive.namelist())
    assert "mkdocs_recipes/site/engine.py" in wanted
    assert sorted(wanted - held) == []
