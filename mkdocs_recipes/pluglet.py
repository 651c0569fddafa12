"""mkdocs_recipes as an mkdocs-macros pluglet: `macros: modules: [mkdocs_recipes]`.

This is how a site runs under Zensical, which renders mkdocs-macros pages itself but does
not run MkDocs plugins such as `recipes`; MkDocs runs it too. The macros are the plugin's;
each page is analysed the first time one of them runs on it, and findings are logged as
the plugin logs them. Options come from the `recipes:` mapping under `extra:` in mkdocs.yml
(the plugin's options, same names). When the MkDocs plugin `recipes` is active as well,
the plugin does the work and the pluglet stands aside.

Zensical's environment has no Jinja environment to add a template loader to, so the
packaged include files must be written into the site's include_dir:
`mkdocs-recipes includes --write includes`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader

from .config import RecipesConfig
from .macros import RecipeMacros
from .report.findings import Severity
from .site.analysis import PageState
from .site.engine import (
    INCLUDES_DIR,
    RecipeEngine,
    SetupError,
    jinja_renderer,
    log,
    macros_render,
)

#: Engines by (project folder, options): Zensical calls `define_env` for every page.
_ENGINES: dict[tuple[str, str], RecipeEngine] = {}
#: Set while `mkdocs-recipes check` drives the site with an engine of its own.
_ASIDE = threading.local()


@contextmanager
def pluglet_aside() -> Iterator[None]:
    """While active, `define_env` registers nothing (the caller provides the macros)."""
    _ASIDE.active = True
    try:
        yield
    finally:
        _ASIDE.active = False


def _is_zensical(env: Any) -> bool:
    return type(env).__module__.startswith("zensical")


def _plugins(conf: Any) -> Any:
    plugins = conf.get("plugins", {})
    return plugins or {}


def _macros_options(env: Any) -> dict[str, Any]:
    if _is_zensical(env):
        entry = _plugins(env.conf).get("macros") or {}
        return dict(entry.get("config") or {}) if isinstance(entry, dict) else {}
    return dict(getattr(env, "config", None) or {})


def recipes_options(conf: Any) -> tuple[RecipesConfig, list[str]]:
    """The `recipes:` mapping under `extra:`, validated as the plugin's options."""
    extra = conf.get("extra", {})
    raw = (extra or {}).get("recipes") or {}
    options = RecipesConfig()
    problems: list[str] = []
    if not isinstance(raw, dict):
        problems.append("extra.recipes must be a mapping of the recipes plugin's options")
        raw = {}
    options.load_dict(dict(raw))
    errors, _warnings = options.validate()
    problems += [f"extra.recipes.{key}: {error}" for key, error in errors]
    if problems:
        options = RecipesConfig()
        options.load_dict({})
        options.validate()
    return options, problems


def define_env(env: Any) -> None:
    """Register the recipe macros in an mkdocs-macros (or Zensical) environment."""
    conf = env.conf
    if getattr(_ASIDE, "active", False):
        return
    if not _is_zensical(env) and "recipes" in _plugins(conf):
        return  # the MkDocs plugin is active: it registers the same macros itself
    root = Path(env.project_dir)
    engine = _engine(env, root)
    if engine is None:
        return
    docs_dir = root / str(conf["docs_dir"])
    render_by_default = bool(_macros_options(env).get("render_by_default", True))

    def lookup(page: Any) -> PageState | None:
        if page is None:
            return None
        file = getattr(page, "file", None)
        src = getattr(file, "src_path", None) or getattr(page, "path", None)
        if not src:
            return None
        path = Path(getattr(file, "abs_src_path", None) or docs_dir / src)
        try:
            stat = path.stat()
        except OSError:
            return None
        # Keyed by the file's state too: under `zensical serve` the engine outlives an
        # edit. The page is read only when the engine has not analysed that state yet.
        key = f"{src}:{stat.st_mtime_ns}:{stat.st_size}"
        jinja = getattr(env, "env", None)
        meta = getattr(page, "meta", None) or {}
        render = (
            jinja_renderer(jinja, dict(env.variables), page)
            if jinja is not None and macros_render(render_by_default, meta)
            else None
        )
        return engine.page(key, str(path), lambda: path.read_text(encoding="utf-8-sig"), render)

    page_of = (lambda: env.page) if _is_zensical(env) else None
    find: Callable[[Any], PageState | None] = lookup
    if _is_zensical(env) and _macros_options(env).get("on_error_fail"):
        find = _failing_on_errors(lookup, engine)
    functions = RecipeMacros(find, engine.report, page_of).functions()
    for name, function in functions.items():
        env.macro(function, name)


class RecipeErrors(RuntimeError):
    """A page has errors and the site asked its macros to fail the build on errors."""


def _failing_on_errors(
    lookup: Callable[[Any], PageState | None], engine: RecipeEngine
) -> Callable[[Any], PageState | None]:
    """Under Zensical, whose build has no `--strict`: with `on_error_fail: true` under
    `macros`, the first recipe macro of a page with errors raises once its findings are
    logged, and Zensical stops the build (exit status 1)."""

    def lookup_or_fail(page: Any) -> PageState | None:
        state = lookup(page)
        if state is None:
            return None
        # As logged: severities and the baseline applied.
        errors = [f for f in engine.by_path.get(state.path, ()) if f.severity is Severity.ERROR]
        if errors:
            first = errors[0]
            raise RecipeErrors(
                f"mkdocs-recipes: {state.path} has {len(errors)} error(s), the first at line "
                f"{first.line} [{first.code}] (all logged above); the build stops because "
                "`on_error_fail: true` is set under `macros`"
            )
        return state

    return lookup_or_fail


def _engine(env: Any, root: Path) -> RecipeEngine | None:
    options, problems = recipes_options(env.conf)
    for problem in problems:
        log.error("recipes: invalid option in mkdocs.yml: %s", problem)
    key = (str(root), repr(sorted(options.items(), key=lambda item: item[0])))
    engine = _ENGINES.get(key) if _is_zensical(env) else None
    if engine is not None:
        return engine
    if not options.enabled:
        return None
    try:
        engine = RecipeEngine(options, root)
    except SetupError as error:
        log.error("recipes: invalid option in mkdocs.yml (extra.recipes): %s", error)
        return None
    docs_dir = root / str(env.conf["docs_dir"])
    conf = env.conf
    engine.use_markdown_config(
        list(conf.get("markdown_extensions") or []), dict(conf.get("mdx_configs") or {})
    )
    engine.check_include_dir(_macros_options(env).get("include_dir"), docs_dir)
    engine.prefetch(
        (file.relative_to(docs_dir).as_posix(), _reader(file))
        for file in sorted(docs_dir.rglob("*.md"))
    )
    if _is_zensical(env):
        _ENGINES[key] = engine
    return engine


def _reader(file: Path):
    return lambda: file.read_text(encoding="utf-8-sig")


def on_pre_page_macros(env: Any) -> None:
    """Under MkDocs, the packaged includes become loadable once mkdocs-macros has built
    its Jinja environment (after `define_env`); the site's include_dir stays first."""
    jinja = getattr(env, "env", None)
    if jinja is None or getattr(jinja, "_recipes_includes", False):
        return
    if not _is_zensical(env) and "recipes" in _plugins(env.conf):
        return
    loaders = [loader for loader in (jinja.loader,) if loader is not None]
    jinja.loader = ChoiceLoader([*loaders, FileSystemLoader(str(INCLUDES_DIR))])
    jinja._recipes_includes = True
