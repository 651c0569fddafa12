"""A site as `check` saw it: each page with its analysis, and the check's report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.findings import Finding, display_path

if TYPE_CHECKING:
    from mkdocs.structure.files import File

    from ..flux.settings import FluxSettings
    from ..recipe.frontmatter import FrontMatter
    from ..recipe.model import Recipe
    from .analysis import PageState
    from .check_cache import CheckCache
    from .engine import RecipeEngine

#: `progress(stage, done, total)`: "pages" as they are checked.
Progress = Callable[[str, int, int], None]


class SiteCheckError(Exception):
    """The site cannot be checked at all (its mkdocs.yml, a missing plugin): exit 2."""


@dataclass
class CheckedPage:
    """A page as the check saw it."""

    src_path: str
    path: str
    source: str
    #: The Markdown after mkdocs-macros (includes filled in).
    markdown: str
    #: The recipe, when the page has a valid one, and the page's Flux settings.
    recipe: Recipe | None = None
    settings: FluxSettings | None = None
    #: Whether mkdocs-macros renders the page (not with `render_macros: false`).
    rendered: bool = True
    #: The page's front-matter, when it parses, and whether it declares a recipe (valid
    #: or not).
    front_matter: FrontMatter | None = None
    declared: bool = False
    #: The page's analysis (its values blocks, resolved chart), when it has one.
    state: PageState | None = None
    #: Lines another plugin brought into the Markdown (include-markdown's included
    #: files), each as (the source line of what brought it, its text).
    included: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of(
        cls,
        file: File,
        source: str,
        markdown: str,
        rendered: bool,
        state: PageState | None,
        included: tuple[tuple[int, str], ...] = (),
    ) -> CheckedPage:
        """The page of MkDocs file `file`, with its analysis `state` (or None)."""
        return cls(
            included=included,
            src_path=file.src_path,
            path=shown(file),
            source=source,
            markdown=markdown,
            recipe=state.recipe if state else None,
            settings=state.settings if state else None,
            rendered=rendered,
            front_matter=state.front_matter if state else None,
            declared=state.declared if state else False,
            state=state,
        )


def shown(file: File) -> str:
    """How findings name a MkDocs file."""
    return display_path(file.abs_src_path) if file.abs_src_path else file.src_path


@dataclass
class SiteReport:
    findings: list[Finding] = field(default_factory=list)
    #: Those of `findings` the checks across pages made (links, recipes against each
    #: other, a stale baseline): what a page's own analysis cannot tell.
    across: list[Finding] = field(default_factory=list)
    pages: list[CheckedPage] = field(default_factory=list)
    #: The recipes engine the pages were analysed with (its resolver, Flux settings).
    engine: RecipeEngine | None = None
    #: The site's root (the folder of its mkdocs.yml) and docs_dir.
    root: Path | None = None
    docs_dir: Path | None = None
    #: The check cache this check used, if any.
    cache: CheckCache | None = None
    #: The site's `baseline` option (relative to root), read or not.
    baseline_option: str = ""

    @property
    def recipes(self) -> int:
        return sum(1 for page in self.pages if page.recipe is not None)

    @property
    def baseline_used(self) -> bool:
        return self.engine is not None and self.engine.baseline is not None
