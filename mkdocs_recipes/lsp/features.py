"""What the editor asks at a position, answered from a page's analysis: completion,
hover, definition, and the code actions of its findings. Each takes the page's text and
its latest `Analysis`, and returns the protocol's types; none reads the network."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from ..charts.values_model import schema_at, values_model
from ..flux.settings import FluxSettings
from ..recipe.keys import CHART_KEYS
from ..report.findings import Finding, Severity
from ..report.fixes import fixed_line
from .chart_docs import KeyDoc, children, key_doc, schema_text
from .cursor import Region, YamlPlace, link_at, region_at, token_range, word_at, yaml_place

if TYPE_CHECKING:
    from ..charts.values_model import ValuesModel
    from .sites import Analysis, OpenSite

#: What each front-matter key of a recipe says (completion and hover).
RECIPE_KEYS = {
    "helm_chart_name": "The chart's name in its repository. Makes the page a recipe.",
    "helm_chart_version": "The chart version, or a range (`1.2.x`, `~1.2`, `^1`, `>=1.2 <2`); "
    "the newest version the repository publishes in it is used.",
    "helm_chart_repo_url": "The chart repository: an `https://` Helm repository or an "
    "`oci://` registry.",
    "helm_chart_repo_name": "The HelmRepository's name (default: from the URL's host).",
    "helmrelease_name": "The HelmRelease's name (default: the chart's name).",
    "helmrelease_namespace": "The namespace the chart is installed into.",
    "kustomization_name": "The Flux Kustomization's name (default: the release's name).",
    "values_yaml_url": "A link to the chart's values.yaml for readers; it is compared with "
    "the chart at the pinned version.",
    "flux": "Flux options for this page (override the site's `flux:` option).",
    "recipe_checks": "Finding levels for this page: `code: error|warning|info|off`.",
}
assert set(CHART_KEYS) <= set(RECIPE_KEYS)

#: The command "accept in the baseline" runs (its arguments: the page's URI, and the
#: finding's line, code and message).
ACCEPT_COMMAND = "mkdocs-recipes.acceptFinding"


# Completion ----------------------------------------------------------------------------


def completion(
    site: OpenSite | None, analysis: Analysis | None, text: str, position: lsp.Position
) -> list[lsp.CompletionItem]:
    region = region_at(text, position.line)
    if region is None:
        return []
    place = yaml_place(region, position.line, position.character)
    lines = text.split("\n")
    line = lines[position.line] if position.line < len(lines) else ""
    replace = _typed_range(line, position)
    if region.kind == "front-matter":
        return _front_matter_items(site, analysis, place, replace)
    if analysis is None or analysis.chart is None or not place.on_key or place.in_list:
        return []
    model = values_model(analysis.chart.chart)
    path = _chart_path(region, place, analysis, model)
    if path is None:
        return []
    docs = children(model, path)
    if docs is None:
        return []
    return [_key_item(doc, replace, model) for doc in docs if doc.path[-1] not in place.siblings]


def _typed_range(line: str, position: lsp.Position) -> lsp.Range:
    """The word being typed before the cursor, which a completion replaces."""
    start = position.character
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_-./"):
        start -= 1
    return lsp.Range(lsp.Position(position.line, start), position)


def _front_matter_items(
    site: OpenSite | None, analysis: Analysis | None, place: YamlPlace, replace: lsp.Range
) -> list[lsp.CompletionItem]:
    if place.parents == () and place.on_key:
        return [
            lsp.CompletionItem(
                key,
                kind=lsp.CompletionItemKind.Property,
                detail="recipe",
                documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, about),
                text_edit=lsp.TextEdit(replace, key + ":" + ("" if key == "flux" else " ")),
            )
            for key, about in RECIPE_KEYS.items()
            if key not in place.siblings
        ]
    if place.parents == ("flux",) and place.on_key:
        defaults = FluxSettings()
        return [
            lsp.CompletionItem(
                name,
                kind=lsp.CompletionItemKind.Property,
                detail=f"Flux option (default: {getattr(defaults, name)!r})",
                text_edit=lsp.TextEdit(replace, name + ": "),
            )
            for name in FluxSettings._fields
            if name not in place.siblings
        ]
    if place.parents == () and place.key == "helm_chart_version" and not place.on_key:
        return _version_items(site, analysis, replace)
    return []


def _version_items(
    site: OpenSite | None, analysis: Analysis | None, replace: lsp.Range
) -> list[lsp.CompletionItem]:
    versions = _published(site, analysis)
    items: list[lsp.CompletionItem] = []
    seen: set[str] = set()
    for rank, version in enumerate(versions[:30]):
        parts = version.split("+")[0].split("-")[0].split(".")
        offered = [(version, "this version")]
        if len(parts) == 3 and "-" not in version:
            offered += [
                (f"{parts[0]}.{parts[1]}.x", "its newest patch"),
                (f"^{parts[0]}.{parts[1]}.{parts[2]}", "its newest release before the next major"),
            ]
        for text, about in offered:
            if text in seen:
                continue
            seen.add(text)
            items.append(
                lsp.CompletionItem(
                    text,
                    kind=lsp.CompletionItemKind.Value,
                    detail=about + (" (newest)" if rank == 0 and text == version else ""),
                    sort_text=f"{len(items):04d}",
                    filter_text=text,
                    text_edit=lsp.TextEdit(replace, f'"{text}"' if text[0].isdigit() else text),
                )
            )
    return items


def _published(site: OpenSite | None, analysis: Analysis | None) -> list[str]:
    """The chart's published versions, newest first, as the resolver knows them (only
    once its listing was fetched: nothing here waits for the network)."""
    if site is None or analysis is None or analysis.recipe is None or analysis.waiting:
        return []
    loaded = site.loaded()
    resolver = loaded.recipes.engine.resolver if loaded is not None else None
    if resolver is None:
        return []
    from functools import cmp_to_key

    from ..charts.semver import Version, VersionError
    from ..site.project import chart_key

    versions, _ = resolver.published_versions(chart_key(analysis.recipe))
    parsed: list[tuple[Version, str]] = []
    for text in versions:
        try:
            parsed.append((Version.parse(text, strict=False), text))
        except VersionError:
            continue

    def order(a: tuple[Version, str], b: tuple[Version, str]) -> int:
        return a[0].compare(b[0])

    parsed.sort(key=cmp_to_key(order), reverse=True)
    return [text for _, text in parsed]


def _key_item(doc: KeyDoc, replace: lsp.Range, model: ValuesModel) -> lsp.CompletionItem:
    key = doc.path[-1]
    default = doc.default_text
    one_line = default if default is not None and "\n" not in default else None
    nested = doc.node.shape == "map" or doc.node.subchart is not None
    return lsp.CompletionItem(
        key,
        kind=lsp.CompletionItemKind.Module if nested else lsp.CompletionItemKind.Property,
        detail=f"{doc.shape}" + (f" = {one_line}" if one_line is not None else ""),
        documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, key_markdown(doc, model)),
        text_edit=lsp.TextEdit(replace, key + (":" if nested else ": ")),
    )


def _chart_path(
    region: Region, place: YamlPlace, analysis: Analysis, model: ValuesModel
) -> tuple[str, ...] | None:
    """The path in the chart's values of the mapping the cursor is in."""
    from ..checks.values import block_anchor
    from ..pages.fragments import read_yaml_block

    assert region.block is not None
    parsed = None
    state = analysis.page.state if analysis.page is not None else None
    for block in state.yaml_blocks if state is not None else ():
        if block.block.first_line == region.block.first_line and block.error is None:
            parsed = block
    if parsed is None or not parsed.is_values:
        indent = " " * region.block.indent
        others = "\n".join(indent + line for line in place.others.split("\n"))
        parsed = read_yaml_block(dataclasses.replace(region.block, text=others))
    anchor, wrapped = block_anchor(parsed, model)
    if parsed.error is not None or not parsed.documents:
        anchor, wrapped = (), False  # nothing else to go by: the top level
    if anchor is None:
        return None
    path = place.parents
    if wrapped or (path[:1] == ("values",) and "values" not in model.root.children):
        if path[:1] != ("values",):
            return None  # beside `values:`, not under it
        path = path[1:]
    return (*anchor, *path)


def _key_at(region: Region, place: YamlPlace, analysis: Analysis | None) -> KeyDoc | None:
    """The chart's documentation of the values key written at `place`, if it has one."""
    if analysis is None or analysis.chart is None or not place.on_key or not place.key:
        return None
    model = values_model(analysis.chart.chart)
    path = _chart_path(region, place, analysis, model)
    return key_doc(model, (*path, place.key)) if path is not None else None


# Hover ---------------------------------------------------------------------------------


def hover(
    site: OpenSite | None, analysis: Analysis | None, text: str, position: lsp.Position
) -> lsp.Hover | None:
    region = region_at(text, position.line)
    if region is None:
        return None
    lines = text.split("\n")
    line = lines[position.line]
    span = word_at(line, position.character)
    if span is None:
        return None
    place = yaml_place(region, position.line, span[0])
    found = None
    if region.kind == "front-matter" and place.parents == () and place.key:
        found = _front_matter_hover(site, analysis, place.key)
    elif region.kind == "block" and analysis is not None and analysis.chart is not None:
        doc = _key_at(region, place, analysis)
        found = key_markdown(doc, values_model(analysis.chart.chart)) if doc else None
    if found is None:
        return None
    return lsp.Hover(
        lsp.MarkupContent(lsp.MarkupKind.Markdown, found),
        lsp.Range(lsp.Position(position.line, span[0]), lsp.Position(position.line, span[1])),
    )


def _front_matter_hover(site: OpenSite | None, analysis: Analysis | None, key: str) -> str | None:
    about = RECIPE_KEYS.get(key)
    if about is None:
        return None
    text = f"**`{key}`**: {about}"
    if key == "helm_chart_version" and analysis is not None and analysis.recipe is not None:
        if analysis.waiting:
            text += "\n\nThe chart is being fetched."
        elif analysis.chart is not None:
            chart = analysis.chart
            text += f"\n\nResolves to **{chart.chart.name} {chart.version}**"
            if chart.chart.app_version:
                text += f" (app {chart.chart.app_version})"
            text += "."
            published = _published(site, analysis)
            if published:
                newest = published[0]
                text += f" The newest release is **{newest}**" + (
                    " (this one)." if newest == chart.version else "."
                )
        else:
            text += "\n\nIt does not resolve: see the finding on this page."
    return text


def key_markdown(doc: KeyDoc, model: ValuesModel) -> str:
    """A values key as hover and completion show it: where, its comment, its default
    and its schema."""
    parts = [f"**`{'.'.join(doc.path)}`** in {model.label}"]
    if doc.chart is not model.chart:
        parts[0] += f" (subchart {doc.chart.name} {doc.chart.version})"
    if doc.comment:
        parts.append(doc.comment)
    if doc.description and doc.description.strip() not in doc.comment:
        parts.append(doc.description)
    default = doc.default_text
    if default is not None:
        parts.append(f"Default:\n```yaml\n{default}\n```")
    elif doc.node.documented:
        parts.append("No default: the chart documents this key in a comment or its schema.")
    kind = schema_text(schema_at(doc.chart.schema, doc.local_path))
    if kind:
        parts.append(f"Schema type: `{kind}`")
    return "\n\n".join(parts)


# Definition ----------------------------------------------------------------------------


def definition(
    site: OpenSite | None, analysis: Analysis | None, text: str, file: Path, position: lsp.Position
) -> lsp.Location | None:
    lines = text.split("\n")
    line = lines[position.line]
    region = region_at(text, position.line)
    if region is None or region.kind != "block":
        target = link_at(line, position.character)
        return _link_target(site, file, target) if target else None
    if site is None:
        return None
    span = word_at(line, position.character)
    place = yaml_place(region, position.line, span[0] if span else position.character)
    doc = _key_at(region, place, analysis)
    if doc is None or doc.line is None:
        return None
    copy = _values_copy(site, doc)
    if copy is None:
        return None
    point = lsp.Position(doc.line, 0)
    return lsp.Location(copy.as_uri(), lsp.Range(point, point))


def _values_copy(site: OpenSite, doc: KeyDoc) -> Path | None:
    """A read-only copy of the values.yaml holding `doc`, in the chart cache."""
    loaded = site.loaded()
    resolver = loaded.recipes.engine.resolver if loaded is not None else None
    if resolver is None:
        return None
    chart = doc.chart
    name = "".join(c if c.isalnum() or c in ".-_" else "_" for c in f"{chart.name}-{chart.version}")
    folder = Path(resolver.settings.cache_dir) / "editor" / name
    target = folder / "values.yaml"
    data = chart.values_text.encode("utf-8")
    try:
        if target.is_file() and target.read_bytes() == data:
            return target
        folder.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.chmod(target, stat.S_IWUSR | stat.S_IRUSR)
        from ..base.writing import atomic_write

        atomic_write(target, data, mode=0o444)
    except OSError:
        return None
    return target


def _link_target(site: OpenSite | None, file: Path, target: str) -> lsp.Location | None:
    """The page (and heading) a relative Markdown link points at."""
    if "://" in target or target.startswith(("mailto:", "/")):
        return None
    path, _, anchor = target.partition("#")
    page = (file.parent / path).resolve() if path else file
    if page.is_dir():
        page = page / "index.md"
    if not page.is_file():
        return None
    line = _heading_line(page, anchor) if anchor else 0
    point = lsp.Position(line or 0, 0)
    return lsp.Location(page.as_uri(), lsp.Range(point, point))


def _heading_line(page: Path, anchor: str) -> int | None:
    """The line of the heading whose id (as the toc extension makes it, by default) is
    `anchor`."""
    from markdown.extensions.toc import slugify

    from ..checks.links.headings import HeadingIds, atx_title
    from ..checks.links.prose import prose_lines

    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    ids, taken = HeadingIds(slugify), set[str]()
    raw = text.split("\n")
    for line in prose_lines(text, "#"):
        title = atx_title(raw[line.number - 1].lstrip())
        if title is None:
            continue
        found = ids.heading_id(title, taken)
        if found == anchor:
            return line.number - 1
        taken.add(found)
    return None


# Diagnostics and code actions --------------------------------------------------------

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def diagnostic(finding: Finding, lines: list[str]) -> lsp.Diagnostic:
    """A finding as the editor shows it: at its key, value or link, with its code, and
    its hint in the message (as the build logs it)."""
    number = min(max(finding.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[number] if lines else ""
    start, end = token_range(text, finding.column)
    message = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    return lsp.Diagnostic(
        lsp.Range(lsp.Position(number, start), lsp.Position(number, end)),
        message,
        severity=_SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Information),
        code=finding.code,
        source="mkdocs-recipes",
        tags=[lsp.DiagnosticTag.Unnecessary] if finding.baselined else None,
        data={"line": finding.line, "code": finding.code, "message": finding.message},
    )


def code_actions(
    uri: str,
    lines: list[str],
    findings: list[Finding],
    wanted: lsp.Range,
    baseline: bool,
) -> list[lsp.CodeAction]:
    """The fixes of the findings on the lines of `wanted`, and "accept in the baseline"
    for each of its warnings and errors (`baseline`: the site keeps one)."""
    actions: list[lsp.CodeAction] = []
    for finding in findings:
        number = finding.line - 1
        if not wanted.start.line <= number <= wanted.end.line or number >= len(lines):
            continue
        shown = diagnostic(finding, lines)
        fix = finding.fix
        if fix is not None and not fix.blockers:
            changed = fixed_line(lines[number], fix.kind, fix.old, fix.new)
            if changed is not None:
                edit = lsp.TextEdit(
                    lsp.Range(lsp.Position(number, 0), lsp.Position(number, len(lines[number]))),
                    changed,
                )
                actions.append(
                    lsp.CodeAction(
                        f"Change `{fix.old}` to `{fix.new}`",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[shown],
                        is_preferred=fix.safe,
                        edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
        if baseline and not finding.baselined and finding.severity.rank >= Severity.WARNING.rank:
            actions.append(
                lsp.CodeAction(
                    f"Accept [{finding.code}] in the baseline",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    command=lsp.Command(
                        "Accept in the baseline",
                        ACCEPT_COMMAND,
                        arguments=[uri, finding.line, finding.code, finding.message],
                    ),
                )
            )
    return actions


def accepted(arguments: Any, findings: list[Finding]) -> Finding | None:
    """The finding an "accept in the baseline" command names, among a page's."""
    if not isinstance(arguments, (list, tuple)) or len(arguments) != 4:
        return None
    _, line, code, message = arguments
    for finding in findings:
        if (finding.line, finding.code, finding.message) == (line, code, message):
            return finding
    return None
