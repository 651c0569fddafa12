"""`mkdocs-recipes check`'s result cache, in the chart cache folder (`check/` there).

Two levels, the ruff way (a result is reused only while everything it was computed from
is equal):

* **The site's result.** After a check, the report is kept with the list of what the
  check read (`inputs.py`: files, folders listed, paths probed), their state (size,
  modification time, SHA-256), the environment (this package's code, the installed
  distributions, Python) and the options. A check that finds all of it equal prints the
  kept report without loading MkDocs at all. It is not kept when a result depended on a
  failed download (a host that did not answer, a server's error); online, it expires
  when the first listing it read (an index, a values_yaml_url) is due to be asked again
  (`index_ttl` after it was fetched).
* **Each page's own findings.** Keyed by the page's text and a *generation*: the
  environment, the options, every file the site's setup read (mkdocs.yml, an INHERITed
  file, the macros module, the lockfile, the site's include files). A page is reused
  while its key is equal and what it depended on is the same: its chart resolves to the
  same archive (or fails for the same reasons), its values_yaml_url serves the same file
  (both through the chart cache, asked again once stale); a page whose result came from
  a failed download is analysed again, and costs only itself;
  the checks across pages (links, recipes against each other) always run again, on every
  page.

A cache file that cannot be read or does not have the expected shape is ignored (and
replaced); one that cannot be written is skipped. Neither stops a check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

import yaml

from .._version import __version__
from ..report.findings import Finding, Severity

if TYPE_CHECKING:
    from ..base.inputs import Recorded
    from ..charts.resolver import ChartResolver
    from .analysis import PageState
    from .engine import RecipeEngine

FORMAT = 1
#: What a page's result is when it depended on the network.
NETWORK = "network"
#: A file larger than this is judged by its size and time alone.
_HASHED_BYTES = 32 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent.parent
_ENV_NAME = re.compile(r"!ENV\s+\[?\s*([A-Za-z_][A-Za-z0-9_]*)")


# -- what a result depends on besides the site -----------------------------------------


def _site_packages() -> list[str]:
    return sorted({p for p in sys.path if p.endswith(("site-packages", "dist-packages"))})


def _library_folders() -> tuple[str, ...]:
    """Where installed code lives: it is covered by the distributions' names, not by its
    files one by one."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(_PACKAGE), *_site_packages()}
    variants = {v for f in folders if f for v in (os.path.abspath(f), os.path.realpath(f))}
    return tuple(sorted(os.path.join(v, "") for v in variants))


_SYSTEM = ("/proc/", "/sys/", "/dev/")


def environment_key() -> str:
    """This package's code (each module's size and time: an editable install changes),
    the installed distributions (their names carry their versions), Python and the
    working directory (findings name files relative to it)."""
    parts: list[Any] = [FORMAT, __version__, sys.version, sys.executable, os.getcwd()]
    for folder in _site_packages():
        try:
            names = sorted(
                n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info", ".pth"))
            )
        except OSError:
            continue
        parts.append([folder, names])
    for path in sorted(_PACKAGE.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append([path.relative_to(_PACKAGE).as_posix(), stat.st_mtime_ns, stat.st_size])
    return _digest(parts)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _file_state(path: str) -> list[Any]:
    """[path, mtime_ns, size, sha256]: None times for a path that is not a file."""
    stat = _regular_file(path)
    if stat is None:
        return [path, None, None, None]
    digest = file_digest(path) if stat.st_size <= _HASHED_BYTES else None
    return [path, stat.st_mtime_ns, stat.st_size, digest]


def _regular_file(path: str) -> os.stat_result | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found if S_ISREG(found.st_mode) else None


def _listing(folder: str) -> str | None:
    try:
        return _digest(sorted(os.listdir(folder)))
    except OSError:
        return None


def _unchanged(state: list[Any]) -> bool:
    path, mtime, size, digest = state
    stat = _regular_file(path)
    if stat is None:
        return mtime is None
    if mtime is None:
        return False  # there is something now where there was nothing
    if stat.st_mtime_ns == mtime and stat.st_size == size:
        return True
    # Touched but perhaps not changed (a checkout, a copy): its content decides.
    return digest is not None and stat.st_size == size and file_digest(path) == digest


def _own_variables() -> set[str]:
    """This package's variables now set, but `MKDOCS_RECIPES_OFFLINE`: the options say
    whether a check was offline (`--offline` sets the variable while it runs)."""
    from .project import OFFLINE_ENV

    return {n for n in os.environ if n.startswith("MKDOCS_RECIPES_") and n != OFFLINE_ENV}


def _environment_variables(files: list[str]) -> dict[str, str | None]:
    """This package's variables, and those the site's YAML files read with `!ENV`."""
    names = _own_variables()
    for path in files:
        if path.endswith((".yml", ".yaml")):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    names |= set(_ENV_NAME.findall(handle.read()))
            except OSError:
                continue
    return {name: os.environ.get(name) for name in sorted(names)}


# -- where the cache is -----------------------------------------------------------------


class _Tolerant(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Reads mkdocs.yml without MkDocs: `!ENV` as MkDocs reads it, other tags as None."""


def _env_tag(loader: Any, node: Any) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)
        names, default = values[:-1] or values, values[-1] if len(values) > 1 else None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return default


def _other_tag(loader: Any, suffix: str, node: Any) -> None:
    return None


_Tolerant.add_constructor("!ENV", _env_tag)
_Tolerant.add_multi_constructor("", _other_tag)


def _recipes_options(config_file: Path, depth: int = 0) -> dict[str, Any] | None:
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_Tolerant)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    plugins = data.get("plugins")
    entries = plugins.items() if isinstance(plugins, dict) else []
    if isinstance(plugins, list):
        entries = [
            next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, {})
            for p in plugins
        ]
    for name, options in entries:
        if name == "recipes":
            return options if isinstance(options, dict) else {}
    extra = data.get("extra")
    if isinstance(extra, dict) and isinstance(extra.get("recipes"), dict):
        return extra["recipes"]
    parent = data.get("INHERIT")
    if isinstance(parent, str) and depth < 4:
        return _recipes_options(config_file.parent / parent, depth + 1)
    return None


def folder_for(config_file: Path) -> Path | None:
    """The check cache of the site of `config_file`, read from its `recipes` options as
    far as that is possible without MkDocs (None: `cache: false`, or no such options)."""
    options = _recipes_options(config_file)
    if options is None or options.get("cache") is False:
        return None
    chosen = options.get("cache_dir")
    if chosen:
        folder = config_file.resolve().parent / str(chosen)
    else:
        from ..charts.cache import default_cache_dir

        folder = default_cache_dir()
    return folder / "check"


def _kept_file(folder: Path, kind: str, config_file: Path) -> Path:
    """`site` (the report) or `pages` (the page entries) of the site of `config_file`."""
    site = hashlib.sha256(str(config_file.resolve()).encode()).hexdigest()[:20]
    return folder / (f"site-{site}.json" if kind == "site" else f"pages-{site}.json.z")


def _read_json(path: Path, compressed: bool = False) -> dict[str, Any] | None:
    try:
        data = path.read_bytes()
        if compressed:
            data = zlib.decompress(data)
        value = json.loads(data)
    except (OSError, ValueError, zlib.error):
        return None
    return value if isinstance(value, dict) and value.get("format") == FORMAT else None


def _write_json(path: Path, value: dict[str, Any], compressed: bool = False) -> None:
    from ..base.writing import atomic_write

    data = json.dumps(value, separators=(",", ":")).encode()
    if compressed:
        data = zlib.compress(data, 1)
    # A cache that cannot be written is a slower next check, nothing more.
    with contextlib.suppress(OSError):
        atomic_write(path, data)


# -- findings as JSON ------------------------------------------------------------------


def finding_json(finding: Finding) -> dict[str, Any]:
    return {**finding.as_dict(), "baselined": finding.baselined}


def finding_from_json(data: Any) -> Finding:
    """A finding kept by an earlier check (ValueError when it is not one)."""
    if not isinstance(data, dict):
        raise ValueError("not a finding")
    try:
        finding = Finding(
            path=str(data["path"]),
            line=int(data["line"]),
            code=str(data["code"]),
            message=str(data["message"]),
            hint=None if data.get("hint") is None else str(data["hint"]),
            column=None if data.get("column") is None else int(data["column"]),
            severity=Severity(data["severity"]),
            baselined=bool(data.get("baselined", False)),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(str(error)) from None
    return finding


# -- the site's result -------------------------------------------------------------------


@dataclass
class KeptReport:
    """A site's check result as an earlier check left it."""

    pages: int
    recipes: int
    findings: list[Finding]
    baseline_used: bool


def _options_key(offline: bool, baseline: bool) -> list[Any]:
    from .project import offline_requested

    return [offline_requested(offline), baseline]


def kept_report(config_file: Path, *, offline: bool, baseline: bool) -> KeptReport | None:
    """The report of the last check of this site, when nothing it read has changed since;
    None otherwise. Loads neither MkDocs nor the checks."""
    folder = folder_for(config_file)
    if folder is None:
        return None
    kept = _read_json(_kept_file(folder, "site", config_file))
    if kept is None:
        return None
    try:
        if kept["options"] != _options_key(offline, baseline):
            return None
        expires = kept["expires"]
        if expires is not None and time.time() >= float(expires):
            return None
        if kept["environment"] != environment_key():
            return None
        if not all(_unchanged(state) for state in kept["files"]):
            return None
        if not all(_listing(path) == listing for path, listing in kept["folders"]):
            return None
        if kept["variables"] != {n: os.environ.get(n) for n in kept["variables"]}:
            return None
        if not _own_variables() <= set(kept["variables"]):
            return None
        report = kept["report"]
        return KeptReport(
            pages=int(report["pages"]),
            recipes=int(report["recipes"]),
            findings=[finding_from_json(f) for f in report["findings"]],
            baseline_used=bool(report["baseline_used"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


# -- one check, using and filling the cache ------------------------------------------


@dataclass
class PageEntry:
    """A page's own findings (before site levels and the baseline: the engine applies
    them when it reports), its Markdown after mkdocs-macros, and the charts it resolved
    (chart key -> digest)."""

    findings: list[Finding]
    markdown: str
    rendered: bool
    charts: dict[str, str] = field(default_factory=dict)


def chart_id(key: Any) -> str:
    return json.dumps([key.repository, key.chart, key.constraint])


def digest_of(value: Any) -> str:
    """A short digest of a JSON value (what a page's result depends on)."""
    return _digest(value)[:32]


class CheckCache:
    """The cache one `check` uses: set up with the site's cache folder, then told what
    the site's setup read (`generation`), asked for each page, and told the result."""

    def __init__(self, folder: Path, config_file: Path, *, offline: bool, baseline: bool) -> None:
        self.folder = folder
        self.config_file = config_file
        self.options = _options_key(offline, baseline)
        self.started = time.time_ns()
        self.environment = environment_key()
        self.generation = ""
        self.kept: dict[str, Any] = {}
        self.pages: dict[str, Any] = {}
        #: Whether the site's result can be kept (nothing depended on the network).
        self.site_keepable = True
        #: Pages reused from the cache in this check.
        self.reused: list[str] = []
        #: The folders whose files are not the site's inputs (the chart cache, this one).
        self.skipped: tuple[str, ...] = _library_folders()
        self.chart_sources: tuple[str, ...] = ()
        self.variables: dict[str, str | None] = {}

    @property
    def _site_file(self) -> Path:
        return _kept_file(self.folder, "site", self.config_file)

    @property
    def _pages_file(self) -> Path:
        return _kept_file(self.folder, "pages", self.config_file)

    def _inputs(self, paths: set[str], charts: bool = True) -> list[str]:
        """The site's inputs among `paths`; `charts`: with the chart cache's files (what
        the site's result depends on, not the generation: pages compare digests)."""
        skipped = self.skipped
        if not charts:
            skipped = (*skipped, *self.chart_sources)
        return sorted(
            p
            for p in paths
            if not p.startswith(skipped)
            and not p.startswith(_SYSTEM)
            and "__pycache__" not in p
            and not os.path.basename(p).startswith(".tmp-")
        )

    def start_pages(
        self, setup: Any, docs_dir: Path, include_dir: str | None, chart_sources: list[Path]
    ) -> None:
        """The generation, from what the setup read (`setup`: inputs.Recorded) less the
        pages themselves and the charts (`chart_sources`: the chart cache, folder
        mirrors), plus the site's include files; then the kept page entries."""
        self.skipped = (*_library_folders(), os.path.join(os.path.abspath(self.folder), ""))
        self.chart_sources = tuple(os.path.join(os.path.abspath(f), "") for f in chart_sources)
        docs = os.path.join(str(docs_dir.resolve()), "")
        files = [
            p
            for p in self._inputs(setup.files, charts=False)
            if not (p.startswith(docs) and p.endswith((".md", ".markdown")))
        ]
        if include_dir and Path(include_dir).is_dir():
            files += sorted(str(p.resolve()) for p in Path(include_dir).rglob("*") if p.is_file())
        # The variables mkdocs.yml (or a file it INHERITs) reads: the setup read them.
        self.variables = _environment_variables(files)
        self.generation = _digest(
            [self.environment, self.options, [[p, file_digest(p)] for p in files], self.variables]
        )
        kept = _read_json(self._pages_file, compressed=True)
        if kept is not None and kept.get("generation") == self.generation:
            pages = kept.get("pages")
            self.kept = pages if isinstance(pages, dict) else {}

    @staticmethod
    def page_key(source: str) -> str:
        return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()

    def page(self, src_path: str, source: str) -> PageEntry | None:
        """The page's kept entry when its text is the same (its charts are the caller's
        to compare)."""
        kept = self.kept.get(src_path)
        if not isinstance(kept, dict) or kept.get("key") != self.page_key(source):
            return None
        try:
            charts = kept["charts"]
            if not isinstance(charts, dict):
                return None
            return PageEntry(
                findings=[finding_from_json(f) for f in kept["findings"]],
                markdown=str(kept["markdown"]),
                rendered=bool(kept["rendered"]),
                charts={str(k): str(v) for k, v in charts.items()},
            )
        except (KeyError, TypeError, ValueError):
            return None

    def reuse(self, src_path: str) -> None:
        """The page's kept entry was used: it stays."""
        self.reused.append(src_path)
        self.pages[src_path] = self.kept[src_path]

    def keep_page(self, src_path: str, source: str, entry: PageEntry | str | None) -> None:
        """`entry`: `NETWORK` when the page's result depended on the network (not kept,
        and neither is the site's); None: not kept on its own."""
        if entry == NETWORK:
            self.site_keepable = False
        if not isinstance(entry, PageEntry):
            return
        self.pages[src_path] = {
            "key": self.page_key(source),
            "findings": [finding_json(f) for f in entry.findings],
            "markdown": entry.markdown,
            "rendered": entry.rendered,
            "charts": entry.charts,
        }

    def finish(self, recorded: Any, report: KeptReport, expires: float | None) -> None:
        """Write the page entries and, when it can be kept, the site's result with what
        the check read (`recorded`). `expires`: the time (seconds since the epoch) until
        which the result holds (online: while what it read from servers is fresh)."""
        if self.pages != self.kept:
            _write_json(
                self._pages_file,
                {"format": FORMAT, "generation": self.generation, "pages": self.pages},
                compressed=True,
            )
        if not self.site_keepable:
            self._site_file.unlink(missing_ok=True)
            return
        files = self._inputs(recorded.files - recorded.folders)
        states = [_file_state(p) for p in files]
        states += [[p, None, None, None] for p in self._inputs(recorded.missing)]
        if any(
            s[1] is not None and s[1] >= self.started and not s[0].startswith(self.chart_sources)
            for s in states
        ):
            # A file changed while it was being checked: what was read may not be what is
            # there now.
            self._site_file.unlink(missing_ok=True)
            return
        _write_json(
            self._site_file,
            {
                "format": FORMAT,
                "options": self.options,
                "expires": expires,
                "environment": self.environment,
                "files": states,
                "folders": [[p, _listing(p)] for p in self._inputs(recorded.folders)],
                "variables": self.variables,
                "report": {
                    "pages": report.pages,
                    "recipes": report.recipes,
                    "baseline_used": report.baseline_used,
                    "findings": [finding_json(f) for f in report.findings],
                },
            },
        )


def expires(resolver: ChartResolver, index_ttl: float) -> float:
    """When an online check's result is due to be made again: when the first listing it
    read (an index, a tag list, a values_yaml_url) is to be asked again."""
    if resolver.fresh_until is not None:
        return float(resolver.fresh_until)
    return time.time() + index_ttl


def for_site(
    recorded: Recorded | None,
    engine: RecipeEngine,
    config_file: Path,
    offline: bool,
    baseline: bool,
) -> CheckCache | None:
    """The check cache of the site, when this check uses one (`recorded`: what it reads so
    far) and the site has a cache folder (not with `cache: false`)."""
    if recorded is None or not engine.options.cache:
        return None
    from .project import _cache_folder

    sources = chart_sources(engine)
    if sources:
        folder = sources[0]  # the chart cache
    else:
        folder = _cache_folder(Path(config_file).resolve().parent, engine.options.cache_dir, True)
    return CheckCache(folder / "check", Path(config_file), offline=offline, baseline=baseline)


def chart_sources(engine: RecipeEngine) -> list[Path]:
    """Where charts are read from: the chart cache (first), and the mirrors that are
    folders (none with `resolve_charts: false`)."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    resolver = engine.resolver
    if resolver is None:
        return []
    folders = [resolver.settings.cache_dir]
    for mirror in resolver.settings.mirrors:
        target = urlsplit(mirror.target)
        if target.scheme == "file":
            folders.append(Path(url2pathname(target.path)))
    return folders


def page_entry(
    engine: RecipeEngine,
    state: PageState | None,
    own: list[Finding],
    markdown: str,
    rendered: bool,
) -> PageEntry | str | None:
    """What the check cache keeps of a page just analysed: a PageEntry, with what its
    result depended on (`Engine.depends_on`); `NETWORK` when that was a failed download
    (neither it nor the site's result is kept); None when it is not kept on its own (it
    shows files through include directives: the site's result, which lists every file
    read, still holds)."""
    if state is None:
        return PageEntry(own, markdown, rendered)
    recipe = state.recipe
    charts: dict[str, str] = {}
    if recipe is not None and engine.resolver is not None:
        depends = engine.depends_on(recipe)
        if depends is None:
            return NETWORK  # a download failed: the next check may not see that
        charts = depends
    if any(f.code == "internal-error" for f in state.findings):
        return NETWORK  # not a result to keep
    if state.follows_includes:
        return None
    return PageEntry([*state.findings, *own], markdown, rendered, charts)
