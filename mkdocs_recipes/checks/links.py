"""Links across a site, read from Markdown (no HTML is built).

What MkDocs' own `validation:` does not do, or only once the HTML exists:

* reference-style links (`[text][ref]`, `[ref][]`) whose reference is defined nowhere,
  counting definitions that pymdownx.snippets pulls in (`--8<--` and `auto_append`);
* absolute site links (`/kubernetes/cluster/`) that match no page or file;
* links to an anchor (`page.md#section`, `#section`) that the target page does not have;
* malformed links: `[text] (url)` with a space, a `[text](url` never closed;
* relative links inside a snippet that break for some of the pages that include it;
* images that do not exist.

External links (with a scheme) are never fetched.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..findings import Finding

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DEFINITION = re.compile(r"^[ \t]*\[([^\]^][^\]]*)\]:[ \t]*\S")
_REFERENCE = re.compile(r"(?<!\\)!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\[([^\[\]]*)\]")
_INLINE = re.compile(
    r"(?<!\\)(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*)>?(?:\s+[\"'(][^)]*)?\)"
)
_HTML_SOURCE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I)
_TARGET = r"(?:https?://|\.{0,2}/|#|[\w.-]+\.md\b)[^\s)]*"
_SPACED = re.compile(r"(?<![\]\\])\[([^\[\]\n]+)\] \((" + _TARGET + r")\)")
_UNCLOSED = re.compile(r"(?<!\\)\[[^\[\]\n]+\]\((" + _TARGET + r")[ \t]*$")
_SNIPPET = re.compile(r"""^[ \t]*(;?)-{1,}8<-{1,}[ \t]+(["'])(?P<name>[^"']+)\2[ \t]*$""")
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")
_ATX = re.compile(r"^[ \t]*(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^[ \t]*(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\{:?[^}]*#([\w.:-]+)[^}]*\}")
_HTML_ID = re.compile(r"""\b(?:id|name)=["']([^"']+)["']""")
_PLAIN = re.compile(r"[\w .,()'-]*")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp")


@dataclass
class _Page:
    src_path: str  # in docs_dir, posix
    path: str  # as findings show it
    source: str
    markdown: str


def snippet_folders(config: Any) -> list[Path]:
    """The folders pymdownx.snippets reads from (`base_path`; relative to mkdocs.yml or
    to the working directory), those that exist."""
    snippets = (config.mdx_configs or {}).get("pymdownx.snippets") or {}
    base = snippets.get("base_path", ["."])
    bases = [base] if isinstance(base, str) else list(base or [])
    root = Path(config.config_file_path or ".").resolve().parent
    folders: list[Path] = []
    for entry in bases:
        for candidate in (root / entry, Path.cwd() / entry):
            if candidate.exists() and candidate.resolve() not in folders:
                folders.append(candidate.resolve())
    return folders


@dataclass
class SiteLinks:
    """What link checks need to know about a site."""

    docs_dir: Path
    pages: list[_Page]
    #: Site URL (no leading slash) -> src_path, for pages and other files.
    urls: dict[str, str]
    files: set[str]
    slugify: Callable[[str, str], str]
    separator: str = "-"
    site_prefix: str = ""
    #: URL prefixes other plugins generate pages under (a blog's archive, tags).
    generated: tuple[str, ...] = ()
    theme_dirs: tuple[Path, ...] = ()
    snippet_dirs: tuple[Path, ...] = ()
    auto_append: tuple[str, ...] = ()
    #: mkdocs-autorefs resolves `[title][identifier]` across the site itself.
    autorefs: bool = False
    emoji: bool = False
    display: Callable[[Path], str] = field(default=lambda p: p.as_posix())
    _anchors: dict[str, set[str]] = field(default_factory=dict)
    _by_path: dict[str, _Page] = field(default_factory=dict)
    _absolute: dict[tuple[str, bool], tuple[str, str, str | None] | None] = field(
        default_factory=dict
    )

    @classmethod
    def from_config(cls, config: Any, files: Any, pages: list[Any]) -> SiteLinks:
        from .. import engine

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
        snippet_dirs = snippet_folders(config)
        generated = []
        for name, instance in config.plugins.items():
            if name.endswith("blog"):
                generated.append(str(instance.config.get("blog_dir", "blog")).strip("/") + "/")
            if name.endswith("tags"):
                generated.append("tags/")
        theme_dirs = tuple(Path(d) for d in getattr(config.theme, "dirs", []) or [])
        return cls(
            docs_dir=Path(config.docs_dir),
            pages=[_Page(p.src_path, p.path, p.source, p.markdown) for p in pages],
            urls=urls,
            files={file.src_uri for file in files},
            slugify=slugify,
            separator=str(toc.get("separator", "-")),
            site_prefix=urlsplit(config.site_url or "").path.strip("/"),
            generated=tuple(generated),
            theme_dirs=theme_dirs,
            snippet_dirs=tuple(snippet_dirs),
            auto_append=tuple(snippets.get("auto_append") or ()),
            autorefs=any(n.endswith(("autorefs", "mkdocstrings")) for n in config.plugins),
            emoji="pymdownx.emoji" in mdx or "pymdownx.emoji" in (config.markdown_extensions or []),
            display=lambda p: engine.display_path(str(p)),
        )

    # Anchors ------------------------------------------------------------------------

    def anchors(self, src_path: str) -> set[str] | None:
        """The ids a page's headings and elements get (None: the page is not known)."""
        if src_path in self._anchors:
            return self._anchors[src_path]
        if not self._by_path:
            self._by_path.update((p.src_path, p) for p in self.pages)
        page = self._by_path.get(src_path)
        if page is None:
            return None
        ids: set[str] = set()
        previous, previous_number = "", 0
        for line in _prose_lines(page.markdown):
            text = line.text
            stripped = text.lstrip()
            title = None
            if stripped.startswith("#"):
                heading = _ATX.match(text)
                title = heading.group(2) if heading else None
            elif (
                stripped[:1] in ("=", "-")
                and previous_number == line.number - 1
                and _SETEXT.match(text)
                and previous.strip()
                and not previous.lstrip().startswith(("-", "*", "|", ">", "!!!", "???", "==="))
            ):
                title = previous.strip()
            if title is not None:
                ids.add(self._heading_id(title, ids))
            if "{" in text:
                ids.update(_ATTR_ID.findall(text))
            if "id=" in text or "name=" in text:
                ids.update(_HTML_ID.findall(text))
            previous, previous_number = text, line.number
        self._anchors[src_path] = ids
        return ids

    def _heading_id(self, title: str, taken: set[str]) -> str:
        custom = _ATTR_ID.search(title) if "{" in title else None
        if custom:
            return custom.group(1)
        if _PLAIN.fullmatch(title):
            return self._unique(self.slugify(title, self.separator), taken)
        text = re.sub(r"\{:?[^}]*\}\s*$", "", title)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
        text = re.sub(r"`+([^`]*)`+", r"\1", text)
        text = re.sub(r"<[^>]+>", "", text)
        if self.emoji:
            text = re.sub(r":[\w+-]+:", "", text)
        text = re.sub(r"(\*\*|\*)(\S(?:.*?\S)?)\1", r"\2", text)
        # Underscores inside a word are not emphasis in Python-Markdown.
        text = re.sub(r"(?<!\w)(__|_)(\S(?:.*?\S)?)\1(?!\w)", r"\2", text)
        return self._unique(self.slugify(html.unescape(text), self.separator), taken)

    @staticmethod
    def _unique(slug: str, taken: set[str]) -> str:
        """As the toc extension makes ids unique: `_1`, `_2`, ... for repeats."""
        unique, number = slug, 0
        while unique in taken:
            number += 1
            unique = f"{slug}_{number}"
        return unique

    # Resolving ----------------------------------------------------------------------

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
        path = path.lstrip("/")
        if self.site_prefix:
            path = path.removeprefix(self.site_prefix + "/")
        if any(path.startswith(prefix) for prefix in self.generated):
            return True
        return any((folder / path).exists() for folder in self.theme_dirs if path)

    def snippet_file(self, name: str) -> Path | None:
        name = re.sub(r"(:[\w-]*)+$", "", name.strip())  # `file.md:section`, `:1:3`
        for folder in self.snippet_dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based in the text it came from
    text: str  # code spans and HTML comments blanked out


def _prose_lines(text: str, needle: str = "") -> Iterator[_Line]:
    """Lines outside fenced code, with inline code and HTML comments blanked; only those
    holding `needle`, when given (a fast way past lines that cannot matter)."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if fence is None and "`" not in line and "~~~" not in line:
            if needle in line:
                yield _Line(number, line)
            continue
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        if needle in line:
            yield _Line(number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))


def _label(text: str) -> str:
    return " ".join(text.lower().split())


def _external(target: str) -> bool:
    return bool(urlsplit(target).scheme) or target.startswith("//")


def check_links(site: SiteLinks) -> list[Finding]:
    findings: list[Finding] = []
    auto_defined = set()
    for name in site.auto_append:
        file = site.snippet_file(name)
        if file is not None:
            auto_defined |= _definitions(file.read_text(encoding="utf-8", errors="replace"))
    including: dict[Path, list[_Page]] = {}
    for page in site.pages:
        snippets = _snippets(page.source, site)
        for snippet in snippets:
            including.setdefault(snippet, []).append(page)
        defined = _definitions(page.source) | _definitions(page.markdown) | auto_defined
        for snippet in snippets:
            defined |= _definitions(snippet.read_text(encoding="utf-8", errors="replace"))
        findings += _page_links(page, site, defined)
    for snippet, pages in sorted(including.items()):
        findings += _snippet_links(snippet, pages, site)
    return findings


def _definitions(text: str) -> set[str]:
    if "]:" not in text:
        return set()
    return {
        _label(m.group(1))
        for line in _prose_lines(text, "]:")
        if (m := _DEFINITION.match(line.text))
    }


def _snippets(source: str, site: SiteLinks) -> list[Path]:
    found = []
    in_block = False
    for line in source.split("\n"):
        if _SNIPPET_BLOCK.match(line):
            in_block = not in_block
            continue
        name = None
        if in_block:
            name = line.strip() or None
        else:
            match = _SNIPPET.match(line)
            if match and not match.group(1):
                name = match.group("name")
        if name:
            file = site.snippet_file(name)
            if file is not None and file not in found:
                found.append(file)
    return found


def _page_links(page: _Page, site: SiteLinks, defined: set[str]) -> list[Finding]:
    findings = []

    def report(code: str, line: int, message: str, hint: str | None) -> None:
        findings.append(Finding.of(code, page.path, line, message, hint))

    for line in _prose_lines(page.source):
        text = line.text
        number = line.number
        if "[" not in text and "<img" not in text.lower():
            continue
        if not site.autorefs and "][" in text:
            for match in _REFERENCE.finditer(text):
                label = _label(match.group(2) or match.group(1))
                if not label or label in defined or label.startswith("^"):
                    continue
                close = difflib.get_close_matches(label, sorted(defined), n=1, cutoff=0.8)
                report(
                    "link-reference-undefined",
                    number,
                    f"the reference `[{match.group(2) or match.group(1)}]` is defined nowhere on "
                    "this page or in the snippets it includes; the link shows as plain text",
                    f"did you mean `[{close[0]}]`?"
                    if close
                    else f"define it: `[{label}]: https://...` (or in a snippet the page includes)",
                )
        for match in _SPACED.finditer(text) if "] (" in text else ():
            report(
                "link-malformed",
                number,
                f"`[{match.group(1)}] ({match.group(2)})` has a space between `]` and `(`, so "
                "it is not a link",
                f"write `[{match.group(1)}]({match.group(2)})`",
            )
        unclosed = _UNCLOSED.search(text) if "](" in text else None
        if unclosed and not _INLINE.search(text[unclosed.start() :]):
            report(
                "link-malformed",
                number,
                f"the link to `{unclosed.group(1)}` is never closed with `)`",
                "close it on the same line",
            )
        targets = (
            [(m.group(1) == "!", m.group(3)) for m in _INLINE.finditer(text)]
            if "](" in text
            else []
        )
        if "<img" in text.lower():
            targets += [(True, src) for src in _HTML_SOURCE.findall(text)]
        for image, target in targets:
            problem = _target_problem(page, target, image, site)
            if problem:
                code, message, hint = problem
                report(code, number, message, hint)
    return findings


def _target_problem(
    page: _Page, target: str, image: bool, site: SiteLinks
) -> tuple[str, str, str | None] | None:
    if target.startswith("/"):
        # An absolute target means the same on every page: judged once per site.
        key = (target, image)
        if key not in site._absolute:
            site._absolute[key] = _judge_target(page, target, image, site)
        return site._absolute[key]
    return _judge_target(page, target, image, site)


def _judge_target(
    page: _Page, target: str, image: bool, site: SiteLinks
) -> tuple[str, str, str | None] | None:
    """(code, message, hint) for a link target that does not lead anywhere."""
    if not target or _external(target) or "{{" in target or "{%" in target:
        return None
    path, _, anchor = target.partition("#")
    if image or path.lower().endswith(_IMAGE_SUFFIXES):
        if not path:
            return None
        if path.startswith("/"):
            found = site.page_for_url(path) or site.generated_url(path)
        else:
            resolved = posixpath.normpath(
                posixpath.join(posixpath.dirname(page.src_path), unquote(path))
            )
            found = resolved in site.files or (site.docs_dir / resolved).exists()
        if found:
            return None
        return (
            "image-missing",
            f"the image `{path}` does not exist",
            "check the file name and its folder (relative to this page, or to docs_dir "
            "for a path starting with `/`)",
        )
    if path.startswith("/"):
        src = site.page_for_url(path)
        if src is None and site.generated_url(path):
            return None
        if src is None:
            pages = sorted(
                u
                for u in site.urls
                if not u.endswith((".html",)) and "." not in u.rsplit("/", 1)[-1]
            )
            close = difflib.get_close_matches(path.strip("/") + "/", pages, n=1, cutoff=0.7)
            return (
                "link-absolute-unknown",
                f"the site link `{path}` matches no page or file of this site",
                f"did you mean `/{close[0]}`?"
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


def _anchor_problem(
    src_path: str, anchor: str, site: SiteLinks
) -> tuple[str, str, str | None] | None:
    if not anchor or anchor.startswith(("__", "fn:", "fnref:", ":~:")):
        return None
    anchors = site.anchors(src_path)
    if anchors is None or anchor in anchors:
        return None
    close = difflib.get_close_matches(anchor, sorted(anchors), n=1, cutoff=0.6)
    return (
        "link-anchor-missing",
        f"`{src_path}` has no heading or element with the id `{anchor}`",
        f"did you mean `#{close[0]}`?" if close else "link one of the page's headings",
    )


def _snippet_links(snippet: Path, pages: list[_Page], site: SiteLinks) -> list[Finding]:
    """Relative links in a snippet resolve against each page that includes it."""
    findings = []
    text = snippet.read_text(encoding="utf-8", errors="replace")
    for line in _prose_lines(text):
        for match in _INLINE.finditer(line.text):
            target = match.group(3)
            if not target or _external(target) or target.startswith(("/", "#")):
                continue
            path = unquote(target.partition("#")[0])
            if not path:
                continue
            broken: list[_Page] = []
            working: list[_Page] = []
            for page in pages:
                resolved = posixpath.normpath(
                    posixpath.join(posixpath.dirname(page.src_path), path)
                )
                ok = resolved in site.files or (site.docs_dir / resolved).exists()
                (working if ok else broken).append(page)
            if not broken:
                continue
            shown = ", ".join(f"`{p.path}`" for p in broken[:3]) + (
                " ..." if len(broken) > 3 else ""
            )
            findings.append(
                Finding.of(
                    "link-snippet-relative",
                    site.display(snippet),
                    line.number,
                    f"the relative link `{target}` in this snippet breaks on {shown}, which "
                    "include it" + (f" (it works on `{working[0].path}`)" if working else ""),
                    "a snippet's relative links resolve against each page that includes it: "
                    "use an absolute site link (`/section/page/`) or move the link to the pages",
                )
            )
    return findings
