"""Links across a site, read from Markdown (no HTML is built).

What MkDocs' own `validation:` does not do, or only once the HTML exists:

* reference-style links (`[text][ref]`, `[ref][]`) whose label is defined nowhere, on
  sites that write reference definitions at all;
* absolute site links (`/kubernetes/cluster/`) that match no page or file;
* links to an anchor (`page.md#section`, `#section`) that the target page does not have;
* malformed links: `[text] (url)` with a space, a `[text](url` never closed, a stray
  `(` inside the target;
* relative links inside a snippet that break for some of the pages that include it;
* images that do not exist.

Each module reads the Markdown quickly and names *suspects*. A suspect that depends on
how Python-Markdown reads the page (an anchor, a reference, a link's syntax) becomes a
finding only when the site's own Markdown confirms it (`render`, which converts a page as
the build does; a page whose own links are in question only for the blocks that hold
what the suspects are about, their *needles*): a heading id, a reference defined in a
snippet that an include pulls in, brackets inside raw HTML are the build's to decide, not
a regular expression's. External links are never fetched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...base.suggest import Suggestions
from ...report.findings import Finding
from .prose import external, prose_lines
from .references import closest, definitions, undefined_references
from .snippets import SnippetPart, Snippets, snippet_folders
from .syntax import inline_targets, link_targets, malformed
from .targets import LinkedPage, SiteLinks, broken_for, judge_target

if TYPE_CHECKING:
    from ...pages.rendering import RenderedPage

__all__ = ["LinkedPage", "SiteLinks", "Snippets", "check_links", "snippet_folders"]

#: (src_path, needles) -> what the site's Markdown made of that page (None: it cannot
#: say); with needles, only the blocks holding one of them are read for links and text.
Render = Callable[[str, frozenset[str] | None], "RenderedPage | None"]


@dataclass
class _Suspect:
    finding: Finding
    #: The page whose rendering decides, and what must hold there for the finding to stand.
    page: str | None = None
    holds: Callable[[RenderedPage], bool] | None = None
    #: What `holds` looks for, as the page writes it (a link's target, a text that must
    #: stay text): the blocks without it cannot decide.
    needle: str | None = None
    #: A second page that must confirm too (an anchor: the target's ids).
    other_page: str | None = None
    other_holds: Callable[[RenderedPage], bool] | None = None
    #: The hint once the second page is rendered (did-you-mean among its real ids).
    other_hint: Callable[[RenderedPage], str] | None = None


def check_links(site: SiteLinks, render: Render | None = None) -> list[Finding]:
    """Every link finding of the site; suspects are judged by `render` when given (without
    it, a suspect that needs the build's reading is not reported)."""
    suspects: list[_Suspect] = []
    appended = site.snippets.appended()
    auto_defined: set[str] = set()
    for appended_part in appended:
        auto_defined |= definitions(site.snippets.text(appended_part))
    including: dict[Path, list[tuple[LinkedPage, SnippetPart]]] = {}
    defined_by_page: list[tuple[LinkedPage, set[str]]] = []
    site_labels: set[str] = set(auto_defined)
    for page in site.pages:
        snippets = site.snippets.included(page.markdown)
        for snippet in snippets:
            including.setdefault(snippet.path, []).append((page, snippet))
        defined = definitions(page.source) | definitions(page.markdown) | auto_defined
        for snippet in snippets:
            defined |= definitions(site.snippets.text(snippet))
        defined_by_page.append((page, defined))
        site_labels |= defined
    site_suggestions = Suggestions(site_labels)
    for page, defined in defined_by_page:
        suspects += _page_suspects(page, site, defined, site_labels, site_suggestions)
    for file, parts in sorted(including.items()):
        suspects += _snippet_suspects(file, parts, site)
    needles = _needles(suspects)
    findings = []
    for suspect in suspects:
        if _stands(suspect, render, needles):
            finding = suspect.finding
            if suspect.other_hint is not None and suspect.other_page and render is not None:
                # (Converted already: the suspect stood on what it holds.)
                other = render(suspect.other_page, None)
                if other is not None:
                    finding = dataclasses.replace(finding, hint=suspect.other_hint(other))
            findings.append(finding)
    return findings


def _needles(suspects: list[_Suspect]) -> dict[str, frozenset[str] | None]:
    """What each page to convert is read for: the needles of its suspects, or None (the
    whole page) when another page's link points into it (its ids) or a suspect names no
    needle."""
    gathered: dict[str, set[str] | None] = {}
    for suspect in suspects:
        if suspect.other_page is not None:
            gathered[suspect.other_page] = None
        if suspect.page is None:
            continue
        known = gathered.setdefault(suspect.page, set())
        if known is not None:
            if suspect.needle is None:
                gathered[suspect.page] = None
            else:
                known.add(suspect.needle)
    return {page: None if n is None else frozenset(n) for page, n in gathered.items()}


def _stands(
    suspect: _Suspect, render: Render | None, needles: dict[str, frozenset[str] | None]
) -> bool:
    for page, holds in (
        (suspect.page, suspect.holds),
        (suspect.other_page, suspect.other_holds),
    ):
        if page is None or holds is None:
            continue
        if render is None:
            return False
        rendered = render(page, needles.get(page))
        if rendered is None or not holds(rendered):
            return False
    return True


def _anchor_hint(anchor: str) -> Callable[[RenderedPage], str]:
    def hint(rendered: RenderedPage) -> str:
        ids = (i for i in rendered.ids if not i.startswith(("__", "fn:", "fnref:")))
        close = Suggestions(ids).closest(anchor)
        return f"did you mean `#{close}`?" if close else "link one of the page's headings"

    return hint


def _page_suspects(
    page: LinkedPage,
    site: SiteLinks,
    defined: set[str],
    site_labels: set[str],
    site_suggestions: Suggestions,
) -> list[_Suspect]:
    suspects: list[_Suspect] = []
    here = page.src_path

    def suspect(code: str, line: int, message: str, hint: str | None, **judge: Any) -> None:
        suspects.append(_Suspect(Finding.of(code, page.path, line, message, hint), **judge))

    # Labels are judged only where someone writes reference definitions.
    if site_labels and not site.autorefs and "][" in page.source:
        page_suggestions = Suggestions(defined)
        for reference in undefined_references(page.source, defined):
            close = closest(reference.written.lower(), page_suggestions, site_suggestions)
            # Judged where the page (with what it includes) writes reference links, or
            # where a defined label is close enough to be the one meant: elsewhere,
            # brackets are prose (a pull request title's `[Networking][cilium]`).
            if not defined and close is None:
                continue
            suspect(
                "link-reference-undefined",
                reference.line,
                f"the reference `[{reference.written}]` is defined nowhere on this page or "
                "in the snippets it includes; the link shows as plain text",
                f"did you mean `[{close}]`?"
                if close
                else f"define it: `[{reference.written}]: https://...` (or in a snippet the "
                "page includes)",
                page=here,
                holds=_text_holds(reference.literal),
                needle=reference.literal,
            )
    lines = [(line.number, line.text) for line in prose_lines(page.source, ("[", "<"))]
    if page.included:
        # The text another plugin pulls in, read as prose too, at the line that pulls it.
        pulled = "\n".join(text for _, text in page.included)
        lines += [
            (page.included[line.number - 1][0], line.text)
            for line in prose_lines(pulled, ("[", "<"))
        ]
    for number, text in lines:
        if "[" not in text and "<img" not in text.lower():
            continue
        for wrong in malformed(text):
            suspect(
                "link-malformed",
                number,
                wrong.message,
                wrong.hint,
                page=here,
                holds=_text_holds(wrong.stays)
                if wrong.stays
                else _links_hold(wrong.links_to or ""),
                needle=wrong.stays or wrong.links_to,
            )
        for link in link_targets(text):
            image, target, raw_html = link.image, link.target, link.raw_html
            problem = judge_target(page, target, image, site, raw_html=raw_html)
            if problem is None:
                continue
            # A link the page really makes (not text inside raw HTML or a code span the
            # quick reading missed); an `<img>` tag is raw HTML itself and is judged as
            # written.
            judge: dict[str, Any] = (
                {} if raw_html else {"page": here, "holds": _links_hold(target), "needle": target}
            )
            if problem.anchor_page is not None:
                anchor = problem.anchor
                # A link the page really makes, to an id the target really lacks.
                judge = {
                    "page": here,
                    "holds": _links_hold(target),
                    "needle": target,
                    "other_page": problem.anchor_page,
                    "other_holds": lambda rendered, anchor=anchor: anchor not in rendered.ids,
                    "other_hint": _anchor_hint(anchor or ""),
                }
            suspect(problem.code, number, problem.message, problem.hint, **judge)
    return suspects


def _text_holds(literal: str) -> Callable[[RenderedPage], bool]:
    """The build left `literal` as text: the link it would have been is not there."""
    return lambda rendered: literal in rendered.text


def _links_hold(target: str) -> Callable[[RenderedPage], bool]:
    """The build made a link (or image) to `target`, as written."""
    return lambda rendered: target in rendered.links


def _snippet_suspects(
    snippet: Path, including: list[tuple[LinkedPage, SnippetPart]], site: SiteLinks
) -> list[_Suspect]:
    """Relative links in a snippet resolve against each page that includes it: the pages
    whose part of it (the whole file, a section, some lines) holds the link's line."""
    suspects = []
    whole = site.snippets.text(snippet)
    kept = {part: part.keeps(whole) for _, part in including}
    for line in prose_lines(whole, "]("):
        pages = [page for page, part in including if kept[part][line.number - 1]]
        if not pages:
            continue
        for target in inline_targets(line.text):
            if not target or external(target) or target.startswith(("/", "#")):
                continue
            if not target.partition("#")[0]:
                continue
            broken, working = broken_for(target, pages, site)
            if not broken:
                continue
            shown = ", ".join(f"`{p.path}`" for p in broken[:3]) + (
                " ..." if len(broken) > 3 else ""
            )
            suspects.append(
                _Suspect(
                    Finding.of(
                        "link-snippet-relative",
                        site.display(snippet),
                        line.number,
                        f"the relative link `{target}` in this snippet breaks on {shown}, "
                        "which include it"
                        + (f" (it works on `{working[0].path}`)" if working else ""),
                        "a snippet's relative links resolve against each page that includes "
                        "it: use an absolute site link (`/section/page/`) or move the link to "
                        "the pages",
                    )
                )
            )
    return suspects
