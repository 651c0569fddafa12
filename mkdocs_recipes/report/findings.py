"""Findings: what the checks report, with a stable code, a place and a hint.

Every code a check can emit is listed in `CODES` with its default severity and a
one-line summary; `docs/reference/codes.md` documents each of them, and a test keeps
the two in step.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..base.plain_text import visible, without_credentials


def display_path(path: str | os.PathLike[str]) -> str:
    """A file as ruff and yamllint print it: relative to the working directory (so that
    `mkdocs build -f hack/docs/mkdocs.yml` and CI annotations name the right file)."""
    text = os.fspath(path)
    here = os.getcwd()
    if os.sep == "/" and text.startswith(here + "/") and os.path.normpath(text) == text:
        return text[len(here) + 1 :]  # what relpath gives, for a fraction of its cost
    try:
        return Path(os.path.relpath(text)).as_posix()
    except ValueError:  # another drive, on Windows
        return Path(text).as_posix()


class Severity(str, enum.Enum):
    """How serious a finding is. `error` and `warning` fail `mkdocs build --strict`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Code(NamedTuple):
    """A kind of finding: its stable identifier, default severity and summary."""

    name: str
    severity: Severity
    summary: str


CODES: dict[str, Code] = {
    code.name: code
    for code in (
        Code(
            "front-matter-unparsable",
            Severity.ERROR,
            "The front-matter block is not valid YAML; MkDocs drops it into the page body.",
        ),
        Code(
            "front-matter-not-mapping",
            Severity.ERROR,
            "The front-matter block is YAML but not a mapping of keys to values.",
        ),
        Code(
            "recipe-missing-key",
            Severity.ERROR,
            "A key that every recipe needs is missing.",
        ),
        Code(
            "recipe-wrong-type",
            Severity.ERROR,
            "A front-matter value has the wrong YAML type (for example a list for a name).",
        ),
        Code(
            "recipe-yaml-number",
            Severity.ERROR,
            "An unquoted value was read as a number by YAML 1.1 (6.10 became 6.1).",
        ),
        Code(
            "recipe-invalid-name",
            Severity.ERROR,
            "A Kubernetes object name that Kubernetes would reject.",
        ),
        Code(
            "recipe-invalid-url",
            Severity.ERROR,
            "A URL that is not http(s):// (or oci:// for a chart repository).",
        ),
        Code(
            "recipe-invalid-version",
            Severity.ERROR,
            "helm_chart_version is not a version constraint Flux can parse.",
        ),
        Code(
            "recipe-invalid-links",
            Severity.ERROR,
            "`links` is not a list of {name, uri} mappings.",
        ),
        Code(
            "recipe-without-chart",
            Severity.WARNING,
            "Recipe-only keys (helm_chart_version, ...) on a page without helm_chart_name.",
        ),
        Code(
            "recipe-chart-mismatch",
            Severity.WARNING,
            "helm_chart_name looks like another chart of the repository than the page is about.",
        ),
        Code(
            "chart-unavailable",
            Severity.WARNING,
            "The chart repository or archive could not be reached (or is not cached offline).",
        ),
        Code(
            "chart-not-in-repository",
            Severity.ERROR,
            "The repository publishes no chart with this name.",
        ),
        Code(
            "chart-version-not-found",
            Severity.ERROR,
            "No published version of the chart matches helm_chart_version.",
        ),
        Code(
            "chart-digest-mismatch",
            Severity.ERROR,
            "A downloaded chart archive does not have the digest the index or lockfile names.",
        ),
        Code(
            "chart-invalid",
            Severity.ERROR,
            "The chart archive cannot be read as a Helm chart.",
        ),
        Code(
            "chart-cache-used",
            Severity.INFO,
            "The repository could not be refreshed; a cached copy of its index was used.",
        ),
        Code(
            "lock-stale",
            Severity.INFO,
            "The lockfile pins an older version than the repository now resolves to.",
        ),
        Code(
            "flux-api-not-served",
            Severity.ERROR,
            "A manifest on the page uses an apiVersion the target Flux release does not serve.",
        ),
        Code(
            "flux-invalid-option",
            Severity.ERROR,
            "A Flux option (site, front-matter `flux:` or macro keyword) is invalid.",
        ),
        Code(
            "flux-url-adjusted",
            Severity.INFO,
            "helm_chart_repo_url was changed for the emitted source (chart name removed).",
        ),
        Code(
            "yaml-syntax",
            Severity.ERROR,
            "A YAML code block on the page does not parse.",
        ),
        Code(
            "yaml-elision",
            Severity.INFO,
            "A line that stands for omitted lines (`...`, `<snip>`); a warning in a recipe's "
            "values block.",
        ),
        Code(
            "yaml-placeholder",
            Severity.INFO,
            "A placeholder that is not valid YAML as written (`*****`, `[A]@[B]`); a warning "
            "in a recipe's values block.",
        ),
        Code(
            "yaml-too-large",
            Severity.ERROR,
            "A YAML block or front-matter that expands beyond the bounds (an alias bomb, "
            "deep nesting); it is not read.",
        ),
        Code(
            "yaml-not-yaml",
            Severity.INFO,
            "A block labelled yaml holds another format (a shell session or heredoc, JSON, an "
            "env file, a tool's output, a directory tree, a diff, a template).",
        ),
        Code(
            "yaml-duplicate-key",
            Severity.ERROR,
            "A key is given twice in one mapping of a YAML block (YAML keeps the last).",
        ),
        Code(
            "yaml-alternatives",
            Severity.INFO,
            "A key given twice in a block that shows alternatives (parts headed by comments, "
            "a before/after pair, a list of one key's forms, a counter-example).",
        ),
        Code(
            "values-unknown-key",
            Severity.ERROR,
            "A values snippet sets a key the pinned chart version does not have.",
        ),
        Code(
            "values-type-mismatch",
            Severity.ERROR,
            "A values snippet gives a map, list or single value where the chart has another.",
        ),
        Code(
            "values-schema",
            Severity.ERROR,
            "A values snippet is rejected by the chart's (or a subchart's) values.schema.json.",
        ),
        Code(
            "values-schema-unchecked",
            Severity.INFO,
            "Parts of a chart's values.schema.json were not applied (a reference to another "
            "document, a pattern RE2 cannot run, a schema that is not valid, or one too "
            "costly to apply).",
        ),
        Code(
            "values-foreign-block",
            Severity.ERROR,
            "None of a values block's keys exist in the chart: values of another chart?",
        ),
        Code(
            "values-anchored",
            Severity.INFO,
            "A values block was read under the one parent path where its keys exist.",
        ),
        Code(
            "values-subchart-disabled",
            Severity.INFO,
            "Subchart settings that take effect only once the page enables the subchart.",
        ),
        Code(
            "values-url-differs",
            Severity.INFO,
            "values_yaml_url shows values that differ from the pinned chart version's.",
        ),
        Code(
            "values-url-invalid",
            Severity.WARNING,
            "values_yaml_url does not lead to a values file (an Artifact Hub page, HTML).",
        ),
        Code(
            "values-url-unchecked",
            Severity.INFO,
            "values_yaml_url could not be fetched, so it was not compared.",
        ),
        Code(
            "values-from-url",
            Severity.INFO,
            "The chart could not be resolved; snippets were checked against values_yaml_url.",
        ),
        Code(
            "recipe-checks-invalid",
            Severity.ERROR,
            "`recipe_checks` in the front-matter names an unknown code or level.",
        ),
        Code(
            "include-missing",
            Severity.WARNING,
            "A packaged include a pluglet (Zensical) site uses but has not written to its "
            "include_dir.",
        ),
        Code(
            "link-reference-undefined",
            Severity.WARNING,
            "A reference-style link whose reference is defined nowhere (shows as plain text).",
        ),
        Code(
            "link-malformed",
            Severity.WARNING,
            "A link that is not one: `[text] (url)` with a space, or never closed.",
        ),
        Code(
            "link-absolute-unknown",
            Severity.WARNING,
            "An absolute site link (`/section/page/`) that matches no page or file.",
        ),
        Code(
            "link-anchor-missing",
            Severity.WARNING,
            "A link to an anchor the target page does not have.",
        ),
        Code(
            "link-snippet-relative",
            Severity.WARNING,
            "A relative link in a snippet that breaks on some of the pages including it.",
        ),
        Code(
            "image-missing",
            Severity.WARNING,
            "An image that does not exist.",
        ),
        Code(
            "recipe-release-clash",
            Severity.ERROR,
            "Two recipes deploy the same release into the same namespace.",
        ),
        Code(
            "recipe-repository-clash",
            Severity.ERROR,
            "One chart source file (helm_chart_repo_name) filled differently by two recipes.",
        ),
        Code(
            "recipe-file-clash",
            Severity.ERROR,
            "Two recipes write one GitOps file with different contents.",
        ),
        Code(
            "recipe-copied-text",
            Severity.WARNING,
            "A recipe's title or description is the same as another recipe's.",
        ),
        Code(
            "recipe-names-other-chart",
            Severity.WARNING,
            "A recipe's title, slug or upstream names another recipe's chart, not its own.",
        ),
        Code(
            "recipe-namespace-missing",
            Severity.INFO,
            "A recipe deploys into a namespace that no recipe creates.",
        ),
        Code(
            "internal-error",
            Severity.ERROR,
            "mkdocs-recipes failed while analysing the page (a bug: please report it).",
        ),
        Code(
            "page-unreadable",
            Severity.ERROR,
            "A page MkDocs cannot read (not UTF-8, say); `mkdocs build` stops on it.",
        ),
        Code(
            "page-macros-error",
            Severity.WARNING,
            "mkdocs-macros cannot render the page's Jinja; the page shows an error instead.",
        ),
        Code(
            "export-literal-secret",
            Severity.WARNING,
            "An exported value is a secret written in the page; it would sit in Git in plain text.",
        ),
        Code(
            "export-values-placeholder",
            Severity.WARNING,
            "An exported value is a placeholder (`<your-domain>`) to fill in before committing.",
        ),
        Code(
            "export-values-incomplete",
            Severity.INFO,
            "A values block elides part of the values; the export has only what the page shows.",
        ),
        Code(
            "export-values-unavailable",
            Severity.ERROR,
            "`--values full` needs the chart's defaults, and the chart could not be resolved.",
        ),
        Code(
            "export-invalid",
            Severity.ERROR,
            "An exported object would be rejected by the cluster's CRDs; it is not written.",
        ),
        Code(
            "crd-schema-unchecked",
            Severity.INFO,
            "Parts of a CRD's schema were not applied (a reference to another document, a "
            "pattern RE2 cannot run, a schema that is not valid, or one too costly).",
        ),
        Code(
            "export-conflict",
            Severity.ERROR,
            "Two pages would write different objects into one file; the second is not written.",
        ),
        Code(
            "drift-missing",
            Severity.ERROR,
            "An object the page describes is not in the GitOps repository.",
        ),
        Code(
            "drift-api-version",
            Severity.ERROR,
            "The repository's object has another API version than the page prints.",
        ),
        Code(
            "drift-chart",
            Severity.ERROR,
            "The repository's HelmRelease installs another chart (or from another source).",
        ),
        Code(
            "drift-chart-version",
            Severity.ERROR,
            "The repository pins another chart version (range) than the page.",
        ),
        Code(
            "drift-source-url",
            Severity.ERROR,
            "The repository's HelmRepository or OCIRepository has another URL or type.",
        ),
        Code(
            "drift-field",
            Severity.WARNING,
            "Another field the page prints (an interval, a path, a remediation) differs.",
        ),
        Code(
            "drift-values-key",
            Severity.WARNING,
            "A values key the page shows is not set in the repository's HelmRelease.",
        ),
        Code(
            "drift-value",
            Severity.WARNING,
            "A value the page shows differs from the repository's.",
        ),
        Code(
            "drift-values-extra",
            Severity.INFO,
            "The repository's HelmRelease sets a top-level values key the page does not show.",
        ),
        Code(
            "chart-outdated",
            Severity.INFO,
            "A newer stable chart release exists than the recipe's range resolves to.",
        ),
        Code(
            "chart-upgrade-breaks",
            Severity.WARNING,
            "A values key the page sets does not exist (or has another shape) in the newest chart.",
        ),
        Code(
            "chart-upgrade-required",
            Severity.WARNING,
            "The newest chart's schema requires a value the page and the chart's defaults lack.",
        ),
        Code(
            "baseline-stale",
            Severity.INFO,
            "Baseline entries that no finding matches any more (fixed, or their lines changed).",
        ),
        Code(
            "include-outside-recipe",
            Severity.WARNING,
            "A recipe include or macro is used on a page without recipe front-matter.",
        ),
    )
}


@dataclass(frozen=True)
class Fix:
    """A repair of one line: `old` becomes `new` where the line says `apiVersion: old`
    (`kind` "api") or has the key `old` (`kind` "key"); nothing else on it changes.
    `safe` fixes are applied by `--fix`; the others need `--unsafe-fixes`. `blockers`:
    why the fix is not made at all (fields the new version no longer has)."""

    kind: str
    old: str
    new: str
    safe: bool = True
    blockers: tuple[str, ...] = ()
    #: The object the line belongs to, as data, when the fix changes its own apiVersion
    #: (so that it can be validated against CRDs before the fix is made).
    body: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    """One problem found in a source file.

    `line` is 1-based and counts every line of the file, front-matter included.
    """

    path: str
    line: int
    code: str
    message: str
    hint: str | None = None
    column: int | None = None
    severity: Severity = field(default=Severity.ERROR)
    #: How `check --fix` repairs it (None: it cannot be fixed mechanically).
    fix: Fix | None = field(default=None, compare=False, repr=False)
    #: Matched by the site's baseline: shown as info, counted apart.
    baselined: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        # What a finding quotes comes from pages and charts: no control character reaches
        # a log line, a terminal or a page as itself, and no URL's credentials are repeated.
        for name in ("path", "message", "hint"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, without_credentials(visible(value)))

    @classmethod
    def of(
        cls,
        code: str,
        path: str,
        line: int,
        message: str,
        hint: str | None = None,
        column: int | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        """Build a finding with the default severity of its code."""
        return cls(
            path=path,
            line=line,
            code=code,
            message=message,
            hint=hint,
            column=column,
            severity=CODES[code].severity,
            fix=fix,
        )

    def as_text(self) -> str:
        """`path:line: [code] message (hint)`: the form logged during a build."""
        text = f"{self.path}:{self.line}: [{self.code}] {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }
