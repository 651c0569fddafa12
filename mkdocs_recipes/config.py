"""The `recipes` plugin's options, as written under `plugins:` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt

from .report.baseline import BASELINE_NAME


class RecipesConfig(base.Config):
    """Options of the `recipes` plugin."""

    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (for example `enabled: !ENV [RECIPES, true]`); pages then
    render without the recipe macros and nothing is checked."""

    resolve_charts = opt.Type(bool, default=True)
    """Resolve each recipe's chart from its repository during the build (needed for
    values checks). Off: only the front-matter is checked."""

    offline = opt.Type(bool, default=False)
    """Never touch the network: use only the cache and the lockfile. The environment
    variable `MKDOCS_RECIPES_OFFLINE=1` turns it on as well."""

    check_values_url = opt.Type(bool, default=True)
    """Download each recipe's `values_yaml_url` to compare it with the pinned chart (and
    to check snippets against it when the chart cannot be resolved). Off: links are only
    checked for what their address shows, and never fetched. Offline builds never fetch
    them while the chart itself is available."""

    cache = opt.Type(bool, default=True)
    """Keep indexes and chart archives between builds. Off: every build starts from an
    empty cache of its own (and an offline build then has only the lockfile's mirrors)."""

    cache_dir = opt.Optional(opt.Type(str))
    """Where indexes and chart archives are cached. Default: the platform's user cache
    folder (`~/.cache/mkdocs-recipes` on Linux). Relative to mkdocs.yml."""

    lockfile = opt.Type(str, default="recipes.lock")
    """The lockfile written by `mkdocs-recipes lock` and read by builds. Relative to
    mkdocs.yml."""

    index_ttl = opt.Type(int, default=3600)
    """Seconds a cached repository index is used before asking the server again (with a
    conditional request)."""

    mirrors = opt.Type(dict, default={})
    """Repository URL prefix -> another URL, or a folder (relative to mkdocs.yml) holding
    a chart repository (`index.yaml` and its archives)."""

    helm_version = opt.Choice((3, 4), default=4)
    """The Helm major version the site's readers install charts with: values are judged as
    it reads them (Helm 4 merges every document of a multi-document values.yaml and reads
    a schema without `$schema` as JSON Schema draft 2020-12; Helm 3 reads the first
    document and draft 7). Flux's helm-controller uses Helm 4 since Flux 2.8; set 3 for
    readers on an older Flux or on the Helm 3 CLI."""

    flux = opt.Type(dict, default={})
    """Flux output options for the whole site (`flux_version`, `flux_namespace`, intervals,
    file layout, ...); a page overrides them with a `flux:` mapping in its front-matter.
    See the user guide for every option."""

    show_findings = opt.Choice(("serve", "always", "never"), default="serve")
    """Show each error and warning in the page itself, as an admonition right after the
    code block it concerns, with a summary at the top of the page: `serve` (under `mkdocs
    serve` only), `always` (every build, e.g. a preview deployment) or `never`."""

    severities = opt.Type(dict, default={})
    """Finding code -> `error`, `warning`, `info` or `off`, for the whole site (a page
    overrides with `recipe_checks:` in its front-matter)."""

    baseline = opt.Type(str, default=BASELINE_NAME)
    """The baseline written by `mkdocs-recipes check --write-baseline`, relative to
    mkdocs.yml: findings it lists are reported as info (so they no longer fail
    `--strict`) until their lines change. Read only when the file exists; `""` turns it
    off."""
