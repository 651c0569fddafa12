"""What the commands share: their common options, how they find and load the site, and
how they print."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..base.plain_text import visible, visible_lines, without_credentials
from ..report.findings import Finding, Severity, display_path
from ..site.engines import CONFIG_NAMES
from . import lazy_modules, regex_cache

if TYPE_CHECKING:
    from ..config import RecipesConfig
    from ..flux.crd_schemas import CrdSchemas
    from ..site.analysis import PageState
    from ..site.checked import SiteReport
    from ..site.engine import RecipeEngine


config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The site's configuration (default: ./properdocs.yml, ./properdocs.yaml, "
    "./mkdocs.yml or ./mkdocs.yaml, the first there is, as ProperDocs finds it).",
)


offline_option = click.option(
    "--offline", is_flag=True, help="Never touch the network: cache and lockfile only."
)


def crds_option(help_text: str) -> Any:
    return click.option(
        "--crds",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        metavar="PATH",
        help=help_text,
    )


class UsageProblem(click.ClickException):
    """A configuration or usage error: printed without a traceback, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(visible_lines(message))


def echo(text: str = "", *, err: bool = False) -> None:
    """Print one line that may quote page paths, files, charts and servers: every control
    character escaped, a line break included (no forged `::error` line, no escape
    sequence or OSC 8 link on the terminal), as findings are."""
    click.echo(visible(without_credentials(text)), err=err)


def echo_lines(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a report of several lines (a diff, `outdated`'s text) whose makers escaped
    what they quote: the line breaks are its own; any other control character is
    escaped. Only the JSON outputs, escaped by their encoder, and the progress line's
    carriage returns bypass these two."""
    click.echo(visible_lines(text), err=err, nl=nl)


@dataclass
class Site:
    root: Path
    docs_dir: Path
    options: RecipesConfig


#: The names a site's configuration may have, in the order ProperDocs looks for them
#: (MkDocs itself knows the last two; a ProperDocs site has `properdocs.yml`).


def site_config(config_file: Path | None) -> Path:
    """The configuration a command works on: `-f`, else the first of `CONFIG_NAMES` in the
    working directory, as `properdocs build` finds it (and `mkdocs build`, which knows
    only the mkdocs ones, for a MkDocs site). From here on, MkDocs' modules are those of
    the site's engine (`engines.use_engine_of`)."""
    from ..site.engines import use_engine_of

    if config_file is not None:
        if not config_file.is_file():
            raise UsageProblem(f"{config_file}: no such file; pass the site's mkdocs.yml with -f")
        use_engine_of(config_file)
        return config_file
    for name in CONFIG_NAMES:
        if Path(name).is_file():
            use_engine_of(Path(name))
            return Path(name)
    raise UsageProblem(
        f"no {', '.join(CONFIG_NAMES[:-1])} or {CONFIG_NAMES[-1]} here; run in the site's "
        "folder or pass its configuration with -f"
    )


def load_site(config_file: Path | None) -> Site:
    """Read the site's configuration as its engine does, and the `recipes` plugin's
    options from it."""
    from ..site.engines import running

    path = site_config(config_file)  # before MkDocs' modules: they may be ProperDocs'
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from ..config import RecipesConfig

    try:
        config = load_config(config_file=str(path))
    except (ConfigurationError, SystemExit) as error:
        engine = running()
        raise UsageProblem(f"{path}: {engine} cannot load this configuration ({error})") from None
    plugin = config.plugins.get("recipes")
    options = getattr(plugin, "config", None)
    if options is None:
        options = RecipesConfig()
        options.load_dict({})
        options.validate()
    return Site(path.resolve().parent, Path(config.docs_dir), options)


def print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        echo(f"{finding.severity.value}: {finding.as_text()}", err=True)


class Progress:
    """One line on a terminal's stderr, rewritten as work advances; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r{stage:>6} [{bar}] {done}/{total}", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


def user_cache() -> Path:
    from ..charts.cache import default_cache_dir

    return default_cache_dir()


def load_pages(config_file: Path | None, offline: bool) -> tuple[SiteReport, RecipeEngine]:
    """The site analysed page by page (no checks across pages), as `check` reads it, and
    the recipes engine that analysed it."""
    lazy_modules.defer("requests")
    path = site_config(config_file)  # before MkDocs' modules: they may be ProperDocs'
    from ..site_build import SiteCheckError, check_site

    try:
        with regex_cache.kept(user_cache()):
            report = check_site(path, offline=offline, whole_site=False)
    except SiteCheckError as error:
        raise UsageProblem(str(error)) from None
    if report.engine is None:  # check_site sets it up or raises SiteCheckError
        raise UsageProblem(f"{path}: the recipes engine did not start")
    return report, report.engine


def recipe_states(
    report: SiteReport, given: tuple[Path, ...]
) -> tuple[list[PageState], list[Finding]]:
    """The analysed recipe pages among `given` (files or folders; none: every page), and
    the errors of pages that declare a recipe that cannot be read."""
    wanted = []
    for item in given:
        if not item.exists():
            raise UsageProblem(f"{item}: no such file or folder")
        wanted.append(display_path(str(item.resolve())))

    def chosen(path: str) -> bool:
        return not wanted or any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)

    states: list[PageState] = []
    problems: list[Finding] = []
    for page in report.pages:
        if not chosen(page.path) or page.state is None:
            continue
        if page.recipe is not None:
            states.append(page.state)
        elif page.declared:
            problems += [f for f in page.state.findings if f.severity is Severity.ERROR]
    for item, shown in zip(given, wanted, strict=True):
        if (
            item.is_file()
            and not any(s.path == shown for s in states)
            and not any(f.path == shown for f in problems)
        ):
            raise UsageProblem(f"{item}: not a recipe page of this site (no helm_chart_name)")
    return states, problems


def crd_schemas(given: tuple[Path, ...], repository: Path | None) -> CrdSchemas:
    from ..flux.crd_schemas import CrdSchemas, bootstrap_files

    schemas = CrdSchemas.load(given)
    if given and not schemas.sources:
        raise UsageProblem(
            f"no CustomResourceDefinition in {', '.join(str(p) for p in given)}: pass the "
            "Flux CRDs (`flux install --export`, or the cluster's gotk-components.yaml)"
        )
    if repository is not None and repository.is_dir():
        for file in bootstrap_files(repository):
            schemas.read(file)
    for problem in schemas.problems:
        echo(f"warning: CRDs: {problem}", err=True)
    return schemas
