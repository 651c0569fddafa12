"""The checks that look at a site as a whole, once every page is read: links and anchors,
Flux API versions in the snippets pages pull in, recipes against each other, and the
packaged includes a pluglet site cannot load."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..base.quiet import captured_output, quieted
from ..checks.across import check_recipes_together
from ..checks.api_versions import check_template_text
from ..checks.links import LinkedPage, SiteLinks, Snippets, check_links, snippet_folders
from ..checks.links.headings import HeadingIds
from ..pages.rendering import RenderedPage, SiteMarkdown
from ..report.findings import Finding, display_path
from .checked import CheckedPage
from .engine import PACKAGED_INCLUDES

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from ..flux.settings import FluxSettings


def across_pages(
    config: MkDocsConfig,
    files: Files,
    pages: list[CheckedPage],
    flux: FluxSettings,
    include_dir: str | None,
    pluglet_site: bool,
) -> list[Finding]:
    """The findings no page has on its own. A link suspect is confirmed by converting the
    page with the site's own Markdown extensions (`SiteMarkdown`), as the build would;
    `include_dir` and `pluglet_site`: where a site run by the pluglet keeps its includes."""
    site = site_links(config, files, pages)
    site_markdown = SiteMarkdown.from_config(config)
    by_path = {page.src_path: page.markdown for page in pages}

    def render(src: str, needles: frozenset[str] | None) -> RenderedPage | None:
        if src not in by_path:
            return None
        return site_markdown.render(src, by_path[src], needles)

    # Extensions print and log their own complaints while pages are converted
    # (markdown-include): those are the build's to show.
    with quieted(logging.CRITICAL, "", "mkdocs"), captured_output():
        findings = check_links(site, render)
    findings += snippet_api_findings(pages, site, flux.flux_version)
    findings += check_recipes_together(pages, flux)
    if pluglet_site:
        findings += missing_includes(pages, include_dir)
    return findings


def site_links(config: MkDocsConfig, files: Files, pages: list[CheckedPage]) -> SiteLinks:
    """What the link checks need of the site, from its configuration and files."""
    urls: dict[str, str] = {}
    for file in files:
        url = file.url.lstrip("/")
        urls[url] = file.src_uri
        if url.endswith("index.html"):
            urls[url[: -len("index.html")]] = file.src_uri
    mdx = config.mdx_configs or {}
    toc = mdx.get("toc") or {}
    slugify = toc.get("slugify")
    if not callable(slugify):
        from markdown.extensions.toc import slugify as default_slugify

        slugify = default_slugify
    snippets = mdx.get("pymdownx.snippets") or {}
    generated = []
    for name, instance in config.plugins.items():
        if name.endswith("blog"):
            generated.append(str(instance.config.get("blog_dir", "blog")).strip("/") + "/")
        if name.endswith("tags"):
            generated.append("tags/")
    extensions = [e if isinstance(e, str) else "" for e in config.markdown_extensions or []]
    published = {file.src_uri: file.url for file in files.documentation_pages()}
    return SiteLinks(
        docs_dir=Path(config.docs_dir),
        pages=[
            LinkedPage(p.src_path, p.path, p.source, p.markdown, published[p.src_path], p.included)
            for p in pages
            if p.src_path in published
        ],
        urls=urls,
        files={file.src_uri for file in files if not file.inclusion.is_excluded()},
        headings=HeadingIds(
            slugify=slugify,
            separator=str(toc.get("separator", "-")),
            emoji="pymdownx.emoji" in mdx or "pymdownx.emoji" in extensions,
        ),
        snippets=Snippets(
            folders=tuple(snippet_folders(config)),
            auto_append=tuple(snippets.get("auto_append") or ()),
        ),
        site_prefix=urlsplit(config.site_url or "").path.strip("/"),
        generated=tuple(generated),
        theme_dirs=tuple(Path(d) for d in getattr(config.theme, "dirs", []) or []),
        autorefs=any(n.endswith(("autorefs", "mkdocstrings")) for n in config.plugins),
        display=lambda p: display_path(str(p)),
    )


_INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([^"']+)["']""")


def snippet_api_findings(pages: list[CheckedPage], site: SiteLinks, release: str) -> list[Finding]:
    """Flux API versions in the Markdown snippets pages pull in (pymdownx.snippets) that
    are not pages themselves: readers see their YAML on every page that includes them."""
    checked = {page.src_path for page in pages}
    docs = Path(site.docs_dir).resolve()
    files: list[Path] = []
    for page in pages:
        for part in site.snippets.included(page.markdown):
            if part.path not in files:
                files.append(part.path)
    for part in site.snippets.appended():
        if part.path not in files:
            files.append(part.path)
    findings: list[Finding] = []
    for file in files:
        if file.suffix.lower() not in (".md", ".markdown"):
            continue  # a YAML file a block shows is checked as that block's file
        resolved = file.resolve()
        if resolved.is_relative_to(docs) and resolved.relative_to(docs).as_posix() in checked:
            continue  # a page of its own: already analysed
        findings += check_template_text(
            site.snippets.text(file), display_path(file), release, after_hint=""
        )
    return findings


def missing_includes(pages: list[CheckedPage], include_dir: str | None) -> list[Finding]:
    """Packaged include names a pluglet site uses but does not have as files: Zensical
    cannot load packaged templates, so those pages would lose their Flux YAML."""
    folder = Path(include_dir) if include_dir else None
    findings = []
    for page in pages:
        if not page.rendered:
            continue  # its Jinja is shown, not run
        for number, line in enumerate(page.source.split("\n"), start=1):
            for name in _INCLUDE.findall(line):
                if name not in PACKAGED_INCLUDES or (folder and (folder / name).is_file()):
                    continue
                findings.append(
                    Finding.of(
                        "include-missing",
                        page.path,
                        number,
                        f"`{name}` is a packaged include, which Zensical cannot load, and the "
                        f"site's include_dir ({include_dir or 'not set'}) has no such file",
                        f"run `mkdocs-recipes includes --write {include_dir or 'includes'}` "
                        "(and set the macros include_dir to that folder)",
                    )
                )
    return findings
