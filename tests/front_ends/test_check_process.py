"""What a check does to the process it runs in. A deferred module runs its code on first
use, not at its `import`; `check` defers the `requests` that mkdocs-macros imports and
never calls, keeps the regular expressions it compiles for the next check, and gives the
garbage collector, `re` and MkDocs' front-matter reading back as it found them; and the
benchmarks' floor of a check imports nothing a check does not. Each case runs in a new
Python process, so that the test process's own modules stay as they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from test_check import expected, planted_site  # noqa: F401  (a fixture)


def run_python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(cwd), **env},
    )


def package(root: Path) -> Path:
    """`counted`, whose import appends a line to ran.txt, with a submodule `sub`; and
    `broken`, whose code raises."""
    (root / "counted").mkdir()
    (root / "counted" / "__init__.py").write_text(
        "with open('ran.txt', 'a') as out:\n    out.write('counted\\n')\nvalue = 42\n"
    )
    (root / "counted" / "sub.py").write_text("from . import value\ndoubled = value * 2\n")
    (root / "broken.py").write_text("raise RuntimeError('broken on purpose')\n")
    return root


def test_a_deferred_module_runs_at_its_first_use_and_only_then(tmp_path) -> None:
    done = run_python(
        """
        import sys
        from pathlib import Path
        from mkdocs_recipes.cli import lazy_modules

        ran = Path('ran.txt')
        assert lazy_modules.defer('counted') is True
        import counted
        import counted as again
        assert again is counted and not ran.exists(), 'the import ran the code'
        assert counted.value == 42
        assert ran.read_text() == 'counted\\n'
        assert type(counted).__name__ == 'module'
        import counted.sub
        from counted import value
        assert counted.sub.doubled == 84 and value == 42
        assert ran.read_text() == 'counted\\n', 'the code ran twice'
        # Already imported, a submodule, or not there: nothing is deferred.
        assert lazy_modules.defer('counted') is False
        assert lazy_modules.defer('json.tool') is False
        assert lazy_modules.defer('no_such_module_here') is False
        print('ok')
        """,
        package(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_deferred_module_that_fails_fails_where_it_is_used_and_is_not_kept(tmp_path) -> None:
    done = run_python(
        """
        import sys
        from mkdocs_recipes.cli import lazy_modules

        assert lazy_modules.defer('broken')
        import broken
        try:
            broken.anything
        except RuntimeError as error:
            print('raised:', error)
        assert 'broken' not in sys.modules
        try:
            import broken
        except RuntimeError as error:
            print('again:', error)
        """,
        package(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["raised: broken on purpose", "again: broken on purpose"]


CHECK_IN_PROCESS = """
import gc, json, re, sys
from mkdocs.utils import meta
from mkdocs_recipes import cli

reading = meta.get_data
gc.set_threshold(500, 7, 9)
try:
    cli.main(['check', '--no-cache', '--format', 'json'], prog_name='mkdocs-recipes')
except SystemExit as exit:
    code = exit.code
module = sys.modules.get('requests')
print(json.dumps({
    'code': code,
    'requests': type(module).__name__ if module is not None else None,
    'cookiejar': 'http.cookiejar' in sys.modules,
    'collector': [gc.isenabled(), list(gc.get_threshold())],
    'restored': meta.get_data is reading and re._compiler.compile.__module__ == 're._compiler',
}), file=sys.stderr)
"""


def test_check_does_not_run_requests_and_finds_the_same(planted_site, tmp_path) -> None:  # noqa: F811
    cache = tmp_path / "user-cache"
    runs = [run_python(CHECK_IN_PROCESS, planted_site, XDG_CACHE_HOME=str(cache)) for _ in "ab"]
    # The second check takes the regular expressions the first one compiled from the
    # user's cache folder, and finds the same.
    kept = json.loads(
        (cache / "mkdocs-recipes" / f"regex-{sys.implementation.cache_tag}.json").read_text()
    )
    assert len(kept["patterns"]) > 100
    for done in runs:
        status = json.loads(done.stderr.strip().splitlines()[-1])
        # mkdocs-macros imported it (a check of a macros site), and it never ran; the
        # collector is on again with the caller's thresholds; MkDocs' front-matter
        # reading and `re` are as they were.
        assert status == {
            "code": 1,
            "requests": "_Deferred",
            "cookiejar": False,
            "collector": [True, [500, 7, 9]],
            "restored": True,
        }, done.stderr
        found = {(f["path"], f["line"], f["code"]) for f in json.loads(done.stdout)["findings"]}
        assert found == {tuple(entry) for entry in expected()["findings"]}


# Prints the modules the process has imported, one a line, on stderr.
PRINT_MODULES = "\nimport sys\nprint('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"


def test_the_benchmarks_floor_imports_only_what_a_check_imports(planted_site) -> None:  # noqa: F811
    """benchmarks/check.py's floor is a lower bound of a check: it imports nothing the
    check does not (the plugins' and extensions' modules named as MkDocs resolves them,
    Material's own `search`, `requests` deferred), and something of each kind."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        from check import floor_code, floor_modules
    finally:
        sys.path.pop(0)
    config = planted_site / "mkdocs.yml"
    named = floor_modules(config)
    assert {"material.plugins.search.plugin", "mkdocs_macros.plugin"} <= set(named)
    assert {"markdown.extensions.toc", "pymdownx.snippets"} <= set(named)
    assert not any(name.startswith("mkdocs_recipes") for name in named)
    check = run_python(CHECK_IN_PROCESS + PRINT_MODULES, planted_site)
    floor = run_python(floor_code(config) + PRINT_MODULES, planted_site)
    assert floor.returncode == 0, floor.stderr
    of_check = set(check.stderr.split())
    of_floor = set(floor.stderr.split())
    assert set(named) <= of_floor
    assert of_floor - of_check == set()
    assert len(of_check) > len(of_floor) + 20  # the check does more than the floor
