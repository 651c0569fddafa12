"""Where a link leads: absolute site links, anchors, images, relative links in snippets."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from ...base.inputs import probed
from ...base.suggest import Suggestions
from .headings import HeadingIds
from .prose import external
from .snippets import Snippets

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp")


@dataclass
class LinkedPage:
    src_path: str  # in docs_dir, posix
    path: str  # as findings show it
    source: str
    #: The Markdown the build converts (after mkdocs-macros).
    markdown: str
    #: Where the build publishes it (`section/page/`), which raw HTML links resolve against.
    url: str = ""
    #: Lines another plugin brought into its Markdown, at the source line that brought
    #: them (include-markdown): their links are the page's too.
    included: tuple[tuple[int, str], ...] = ()


@dataclass
class SiteLinks:
    """What link checks need to know about a site: its published pages and files, how its
    `toc` makes ids, its snippet folders."""

    docs_dir: Path
    pages: list[LinkedPage]
    #: Site URL (no leading slash) -> src_path, for pages and other files.
    urls: dict[str, str]
    files: set[str]
    headings: HeadingIds
    snippets: Snippets = field(default_factory=Snippets)
    site_prefix: str = ""
    #: URL prefixes other plugins generate pages under (a blog's archive, tags).
    generated: tuple[str, ...] = ()
    theme_dirs: tuple[Path, ...] = ()
    #: mkdocs-autorefs resolves `[title][identifier]` across the site itself.
    autorefs: bool = False
    display: Callable[[Path], str] = field(default=lambda p: p.as_posix())
    _estimates: dict[str, set[str]] = field(default_factory=dict)
    _by_path: dict[str, LinkedPage] = field(default_factory=dict)
    _page_urls: Suggestions | None = None
    _generated_urls: dict[str, bool] = field(default_factory=dict)

    def page(self, src_path: str) -> LinkedPage | None:
        if not self._by_path:
            self._by_path.update((p.src_path, p) for p in self.pages)
        return self._by_path.get(src_path)

    def estimated_ids(self, src_path: str) -> set[str] | None:
        """The ids the page's headings and elements likely get (None: not a page of the
        site)."""
        if src_path not in self._estimates:
            page = self.page(src_path)
            if page is None:
                return None
            self._estimates[src_path] = self.headings.estimate(page.markdown)
        return self._estimates[src_path]

    def page_urls(self) -> Suggestions:
        """Did-you-mean among the site's page URLs (for links that match none)."""
        if self._page_urls is None:
            self._page_urls = Suggestions(
                (
                    u
                    for u in self.urls
                    if not u.endswith(".html") and "." not in u.rsplit("/", 1)[-1]
                ),
                cutoff=0.7,
            )
        return self._page_urls

    def page_for_url(self, path: str) -> str | None:
        """The src_path of the page or file an absolute site path leads to."""
        path = unquote(path).lstrip("/")
        if self.site_prefix and (path + "/").startswith(self.site_prefix + "/"):
            path = path[len(self.site_prefix) :].lstrip("/")
        for candidate in (path, path.rstrip("/") + "/", path + "index.html"):
            if candidate in self.urls:
                return self.urls[candidate]
        if path.rstrip("/") in self.files:
            return path.rstrip("/")
        return None

    def generated_url(self, path: str) -> bool:
        """Whether another plugin or the theme makes `path` (asked once per path: the
        same links recur on many pages)."""
        known = self._generated_urls.get(path)
        if known is None:
            known = self._generated_urls[path] = self._generated_url(path)
        return known

    def _generated_url(self, path: str) -> bool:
        path = path.lstrip("/")
        if self.site_prefix:
            path = path.removeprefix(self.site_prefix + "/")
        if any(path.startswith(prefix) for prefix in self.generated):
            return True
        if not path:
            return False
        for folder in self.theme_dirs:
            if (folder / path).exists():
                return True
            probed(folder / path)  # a theme file added later (custom_dir) is a target
        return False


class Problem(NamedTuple):
    code: str
    message: str
    hint: str | None
    #: For a missing anchor: the page whose ids decide it.
    anchor_page: str | None = None
    anchor: str | None = None


def judge_target(
    page: LinkedPage, target: str, image: bool, site: SiteLinks, *, raw_html: bool = False
) -> Problem | None:
    """What is wrong with a link target, when something surely or likely is. `raw_html`:
    the target is written in an HTML tag, which MkDocs does not rewrite."""
    if not target or external(target) or "{{" in target or "{%" in target:
        return None
    path, _, anchor = target.partition("#")
    if image or path.lower().endswith(_IMAGE_SUFFIXES):
        return _image_problem(page, path, site, raw_html)
    if path.startswith("/"):
        if not path.strip("/") or (
            site.site_prefix and path.strip("/") == site.site_prefix.strip("/")
        ):
            return None  # the site's home: every build has one
        src = site.page_for_url(path)
        if src is None and site.generated_url(path):
            return None
        if src is None:
            close = site.page_urls().closest(path.strip("/") + "/")
            return Problem(
                "link-absolute-unknown",
                f"the site link `{path}` matches no page or file of this site",
                f"did you mean `/{close}`?"
                if close
                else "link the page's source file relatively (`../section/page.md`), which "
                "MkDocs checks and rewrites",
            )
        return _anchor_problem(src, anchor, site)
    if not path:
        return _anchor_problem(page.src_path, anchor, site)
    if path.endswith(".md") or path.endswith("/"):
        resolved = posixpath.normpath(
            posixpath.join(posixpath.dirname(page.src_path), unquote(path))
        )
        if path.endswith("/"):
            resolved = next(
                (
                    c
                    for c in (resolved + "/index.md", resolved + ".md", resolved + "/README.md")
                    if c in site.files
                ),
                resolved,
            )
        if resolved in site.files and anchor:
            return _anchor_problem(resolved, anchor, site)
    return None  # MkDocs' own validation reports relative links to missing pages


def _image_problem(page: LinkedPage, path: str, site: SiteLinks, raw_html: bool) -> Problem | None:
    if not path:
        return None
    if path.startswith("/"):
        found = bool(site.page_for_url(path) or site.generated_url(path))
    else:
        resolved = posixpath.normpath(
            posixpath.join(posixpath.dirname(page.src_path), unquote(path))
        )
        found = resolved in site.files or (site.docs_dir / resolved).exists()
        if not found and raw_html:
            # The browser resolves it against the page's URL (`section/page/` with
            # directory URLs), not against its source file.
            base = page.url if page.url.endswith("/") else posixpath.dirname(page.url)
            published = posixpath.normpath(posixpath.join("/" + base, unquote(path)))
            found = bool(site.page_for_url(published))
    if found:
        return None
    return Problem(
        "image-missing",
        f"the image `{path}` does not exist",
        "check the file name and its folder (relative to this page, or to docs_dir "
        "for a path starting with `/`)",
    )


def _anchor_problem(src_path: str, anchor: str, site: SiteLinks) -> Problem | None:
    if not anchor or anchor.startswith(("__", "fn:", "fnref:", ":~:")):
        return None
    ids = site.estimated_ids(src_path)
    if ids is None or anchor in ids:
        return None
    close = Suggestions(ids).closest(anchor)
    return Problem(
        "link-anchor-missing",
        f"`{src_path}` has no heading or element with the id `{anchor}`",
        f"did you mean `#{close}`?" if close else "link one of the page's headings",
        anchor_page=src_path,
        anchor=anchor,
    )


def broken_for(
    snippet_target: str, pages: list[LinkedPage], site: SiteLinks
) -> tuple[list[LinkedPage], list[LinkedPage]]:
    """The pages that include a snippet split by whether its relative link works there."""
    path = unquote(snippet_target.partition("#")[0])
    broken: list[LinkedPage] = []
    working: list[LinkedPage] = []
    for page in pages:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.src_path), path))
        ok = resolved in site.files or (site.docs_dir / resolved).exists()
        (working if ok else broken).append(page)
    return broken, working


__all__ = ["LinkedPage", "Problem", "SiteLinks", "Snippets", "broken_for", "judge_target"]
