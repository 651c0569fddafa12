"""Find the chart version a reader's Flux would install, and read it.

Order of sources: the lockfile (exact version and digest), then the cache, then the
network (unless offline). Results are memoised per repository/chart/constraint, so a
build resolves each chart once however many pages use it.
"""

from __future__ import annotations

import contextlib
import difflib
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .archive import Chart, ChartArchiveError, read_chart_archive
from .cache import CachedListing, ChartCache, normalise_digest, sha256_hex
from .fetch import FetchError, Http, NetworkPolicy
from .helm_values import DEFAULT_HELM, for_helm
from .index import IndexFormatError, RepositoryIndex
from .lockfile import ChartKey, LockEntry, Lockfile
from .mirrors import Mirror, apply_mirrors, matching_mirror
from .oci import OciRegistryClient, OciRepository, RegistryCredentials
from .semver import Constraint, Version, VersionError
from .semver import resolve as pick_version

# Parsed charts by archive digest, kept across builds in one process (`mkdocs serve`
# rebuilds): an archive with a given digest never changes, so neither does its parse.
_PARSED: OrderedDict[str, Chart] = OrderedDict()
_PARSED_MAX = 128
_PARSED_LOCK = threading.Lock()


class ResolverSettings(NamedTuple):
    cache_dir: Path
    offline: bool = False
    #: Seconds a cached index (or OCI tag list) is used without asking the server.
    index_ttl: float = 3600.0
    mirrors: tuple[Mirror, ...] = ()
    policy: NetworkPolicy = NetworkPolicy()
    #: The Helm major version whose reading of values the charts give (`helm_values`).
    helm: int = DEFAULT_HELM


class Problem(NamedTuple):
    """Why a chart could not be resolved (or a remark on how it was)."""

    code: str
    message: str
    hint: str | None = None
    #: The front-matter key the finding belongs to.
    key: str = "helm_chart_version"
    #: Made by a failed download (the host, the connection, the server's answer): the
    #: next run may not meet it again, so no result that depends on it is kept.
    transient: bool = False


class ResolvedChart(NamedTuple):
    key: ChartKey
    version: str
    digest: str
    url: str
    chart: Chart
    #: Where the archive came from: `cache` or `network`.
    source: str
    locked: bool


class Resolution(NamedTuple):
    chart: ResolvedChart | None
    problems: tuple[Problem, ...] = ()


class _Unresolved(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Pick(NamedTuple):
    version: str
    digest: str | None
    url: str  # as published (before mirrors)


class ChartResolver:
    """Resolves `ChartKey`s for one build (or one command).

    Safe to call from several threads for distinct keys (as `prefetch` does): a listing
    (index, tag list, values link) that several of them need is fetched by one thread
    while the others wait for it."""

    def __init__(
        self,
        settings: ResolverSettings,
        lockfile: Lockfile | None = None,
        http: Http | None = None,
        credentials: RegistryCredentials | None = None,
    ) -> None:
        self.settings = settings
        self.lockfile = lockfile
        self.cache = ChartCache(settings.cache_dir)
        self.http = http or Http(settings.policy)
        self.oci = OciRegistryClient(
            self.http, credentials or RegistryCredentials.from_environment()
        )
        self._memo: dict[tuple[ChartKey, bool], Resolution] = {}
        self._listings: dict[str, tuple[object, list[Problem]]] = {}
        self._indexes: dict[str, RepositoryIndex] = {}
        self._failed_listings: dict[str, Problem] = {}
        self._listing_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        #: When the first listing read from the network (or from the cache while fresh)
        #: is due to be asked again (`index_ttl`): what was resolved holds until then.
        #: None: nothing read depends on a server's answer of the moment.
        self.fresh_until: float | None = None
        #: The folders mirrors name: the only local files ever read.
        self._local_roots = tuple(
            Path(unquote(urlsplit(m.target).path))
            for m in settings.mirrors
            if m.target.startswith("file://")
        )

    def resolve(self, key: ChartKey, *, use_lock: bool = True) -> Resolution:
        memo_key = (key, use_lock)
        if memo_key not in self._memo:
            try:
                self._memo[memo_key] = self._resolve(key, use_lock)
            except _Unresolved as unresolved:
                self._memo[memo_key] = Resolution(None, (unresolved.problem,))
        return self._memo[memo_key]

    def chart_names(self, repository: str) -> set[str] | None:
        """The charts a repository's index lists (None for a registry, or when unknown)."""
        if apply_mirrors(repository, self.settings.mirrors).startswith("oci://"):
            return None
        try:
            return set(self._index(repository, []).charts)
        except _Unresolved:
            return None

    def published_versions(self, key: ChartKey) -> tuple[list[str], Problem | None]:
        """Every version the chart's repository publishes (index entries, or OCI tags
        read as versions), through the cache and offline rules; a problem instead when
        the listing cannot be had."""
        try:
            if key.repository.startswith("oci://"):
                mirrored = self._oci_mirror_index(key)
                if mirrored is None:
                    return [t.replace("_", "+") for t in self._oci_tags(key, [])], None
                index = self._mirror_index(mirrored, [])
            else:
                index = self._index(key.repository, [])
        except _Unresolved as unresolved:
            return [], unresolved.problem
        return index.versions(key.chart), None

    def fetch_text(self, url: str) -> tuple[bytes | None, Problem | None]:
        """A small file (values_yaml_url) through the cache, mirrors and offline rules."""
        listing_url = "file:" + url
        notes: list[Problem] = []

        def fetch(cached: CachedListing | None) -> CachedListing:
            body = self.http.get(
                apply_mirrors(url, self.settings.mirrors),
                max_bytes=16 * 1024 * 1024,
                local_roots=self._local_roots,
            ).body
            return CachedListing(body.decode("utf-8", errors="replace"), time.time())

        try:
            data = self._listing(listing_url, fetch, notes, local=self._local(url), shown=url)
        except _Unresolved as unresolved:
            return None, unresolved.problem
        return str(data).encode("utf-8"), None

    # The steps ----------------------------------------------------------------------

    def _resolve(self, key: ChartKey, use_lock: bool) -> Resolution:
        locked = self.lockfile.get(key) if (use_lock and self.lockfile) else None
        if locked is not None:
            return self._from_lock(key, locked)
        notes: list[Problem] = []
        pick = self._pick(key, notes)
        data, source = self._archive(key, pick.version, pick.digest, pick.url)
        chart = self._read(data, pick.url)
        digest = sha256_hex(data)
        return Resolution(
            ResolvedChart(key, pick.version, digest, pick.url, chart, source, False), tuple(notes)
        )

    def _from_lock(self, key: ChartKey, locked: LockEntry) -> Resolution:
        data, source = self._archive(key, locked.version, locked.digest, locked.url)
        chart = self._read(data, locked.url)
        notes: list[Problem] = []
        if not self.settings.offline or self._has_cached_listing(key):
            try:
                current = self._pick(key, [])
            except _Unresolved:
                current = None
            if current is not None and current.version != locked.version:
                lock_name = self.lockfile.path.name if self.lockfile else "the lockfile"
                notes.append(
                    Problem(
                        "lock-stale",
                        f"{lock_name} pins {key.chart} {locked.version} for "
                        f"{key.constraint!r}, but the repository now resolves it to "
                        f"{current.version}, which is what a reader's Flux installs",
                        "run `mkdocs-recipes lock --update` to follow the repository",
                    )
                )
        resolved = ResolvedChart(
            key, locked.version, normalise_digest(locked.digest), locked.url, chart, source, True
        )
        return Resolution(resolved, tuple(notes))

    def _pick(self, key: ChartKey, notes: list[Problem]) -> _Pick:
        try:
            constraint = Constraint.parse(key.constraint)
        except VersionError as error:
            raise _Unresolved(Problem("chart-version-not-found", str(error))) from None
        if key.repository.startswith("oci://"):
            return self._pick_oci(key, constraint, notes)
        return self._pick_http(key, constraint, notes)

    def _pick_http(
        self,
        key: ChartKey,
        constraint: Constraint,
        notes: list[Problem],
        index: RepositoryIndex | None = None,
    ) -> _Pick:
        index = index or self._index(key.repository, notes)
        if key.chart not in index.charts:
            close = difflib.get_close_matches(key.chart, list(index.charts), n=3)
            raise _Unresolved(
                Problem(
                    "chart-not-in-repository",
                    f"the repository {key.repository} has no chart named {key.chart!r}",
                    f"did you mean {', '.join(repr(c) for c in close)}?"
                    if close
                    else "check helm_chart_name against the repository's index.yaml",
                    key="helm_chart_name",
                )
            )
        versions = index.versions(key.chart)
        version = pick_version(constraint, versions)
        if version is None:
            raise _Unresolved(_no_version(key, versions))
        entry = index.get(key.chart, version)
        assert entry is not None
        try:
            url = index.archive_url(entry)
        except IndexFormatError as error:
            raise _Unresolved(Problem("chart-unavailable", str(error))) from None
        return _Pick(version, entry.digest, url)

    def _pick_oci(self, key: ChartKey, constraint: Constraint, notes: list[Problem]) -> _Pick:
        repo = OciRepository.for_chart(key.repository, key.chart)
        mirrored = self._oci_mirror_index(key)
        if mirrored is not None:
            # Mirrored to a plain chart repository (a folder, say): its index lists the
            # versions, but the chart keeps its published OCI reference.
            listed = self._pick_http(key, constraint, notes, self._mirror_index(mirrored, notes))
            tag = listed.version.replace("+", "_")
            return _Pick(listed.version, listed.digest, repo.reference(tag))
        exact = _full_version(key.constraint)
        if exact is not None:
            # Flux does not list tags when the constraint is itself a version.
            version = exact
        else:
            tags = self._oci_tags(key, notes)
            versions = [tag.replace("_", "+") for tag in tags]
            picked = pick_version(constraint, versions)
            if picked is None:
                raise _Unresolved(_no_version(key, versions))
            version = picked
        return _Pick(version, None, repo.reference(version.replace("+", "_")))

    # Listings (index.yaml, OCI tags) with cache, TTL, conditional refresh -------------

    def _oci_mirror_index(self, key: ChartKey) -> str | None:
        """The index.yaml of the plain chart repository an OCI chart is mirrored to (None
        when it is not). The page's URL may name the chart or only its registry path, and
        so may the mirror's key: `oci://host/path` and `oci://host/path/chart` both hold
        the chart's index.yaml at the mirror's target."""
        repo = OciRepository.for_chart(key.repository, key.chart)
        chart_ref = f"oci://{repo.host}/{repo.name}"
        mirror = matching_mirror(chart_ref, self.settings.mirrors)
        if mirror is None or mirror.target.startswith("oci://"):
            return None
        if mirror.prefix.rstrip("/") == chart_ref:
            return mirror.target + "index.yaml"
        registry_path = chart_ref.rsplit("/", 1)[0]
        return apply_mirrors(registry_path, self.settings.mirrors).rstrip("/") + "/index.yaml"

    def _mirror_index(self, location: str, notes: list[Problem]) -> RepositoryIndex:
        """An index read straight from where a mirror keeps it (its archives are relative
        to it)."""
        data = self._listing(
            location,
            lambda cached: self._fetch_index(location, cached),
            notes,
            local=location.startswith("file://"),
        )
        index = self._indexes.get(location)
        if index is None:
            base = location.rsplit("/", 1)[0] + "/"
            index = self._indexes[location] = self._compact_index(base, location, data)
        return index

    def _has_cached_listing(self, key: ChartKey) -> bool:
        return self.cache.read_listing(_listing_url(key)) is not None

    def _index(self, repository: str, notes: list[Problem]) -> RepositoryIndex:
        url = repository.rstrip("/") + "/index.yaml"
        data = self._listing(
            url, lambda cached: self._fetch_index(url, cached), notes, local=self._local(url)
        )
        # Built once per build and repository, however many recipes use it.
        index = self._indexes.get(url)
        if index is None:
            index = self._indexes[url] = self._compact_index(repository, url, data)
        return index

    def _compact_index(self, base: str, url: str, data: object) -> RepositoryIndex:
        """The index kept in the cache; one of the wrong shape (written by another version,
        or tampered with) is dropped so the next build fetches it again."""
        try:
            return RepositoryIndex.from_compact(base, data)  # type: ignore[arg-type]
        except (AttributeError, TypeError, ValueError):
            self._store(lambda: self.cache.drop_listing(url))
            raise _Unresolved(
                Problem(
                    "chart-unavailable",
                    f"the cached copy of {url} is damaged; it was removed and is fetched "
                    "again on the next build",
                    key="helm_chart_repo_url",
                    transient=True,
                )
            ) from None

    def _fetch_index(self, url: str, cached: CachedListing | None) -> CachedListing | None:
        response = self.http.get(
            apply_mirrors(url, self.settings.mirrors),
            max_bytes=self.settings.policy.max_index_bytes,
            local_roots=self._local_roots,
            etag=cached.etag if cached else None,
            last_modified=cached.last_modified if cached else None,
        )
        if response.not_modified:
            return None
        try:
            index = RepositoryIndex.parse(response.body, url)
        except IndexFormatError as error:
            raise FetchError(url, str(error)) from None
        return CachedListing(
            index.to_compact(),
            time.time(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _oci_tags(self, key: ChartKey, notes: list[Problem]) -> list[str]:
        url = _listing_url(key)
        repo = OciRepository.for_chart(
            apply_mirrors(key.repository, self.settings.mirrors), key.chart
        )

        def fetch(cached: CachedListing | None) -> CachedListing:
            tags = self.oci.tags(repo, self.settings.policy.max_index_bytes)
            return CachedListing(tags, time.time())

        tags = self._listing(url, fetch, notes)
        return [str(tag) for tag in tags] if isinstance(tags, list) else []

    def _local(self, url: str) -> bool:
        """Whether `url` is mirrored to a folder: read it directly, even offline."""
        return apply_mirrors(url, self.settings.mirrors).startswith("file://")

    def _listing(
        self, url: str, fetch, notes: list[Problem], local: bool = False, shown: str = ""
    ) -> object:
        # A listing that could not be had is not asked for again in the same build: many
        # pages may share one repository (or one values_yaml_url) that is down.
        with self._locks_lock:
            lock = self._listing_locks.setdefault(url, threading.Lock())
        with lock:  # one fetch per listing, however many threads need it
            failed = self._failed_listings.get(url)
            if failed is not None:
                raise _Unresolved(failed)
            try:
                return self._listing_once(url, fetch, notes, local, shown)
            except _Unresolved as unresolved:
                self._failed_listings[url] = unresolved.problem
                raise

    def _listing_once(
        self, url: str, fetch, notes: list[Problem], local: bool, shown: str
    ) -> object:
        if url in self._listings:
            data, earlier = self._listings[url]
            notes += earlier
            return data
        remarks: list[Problem] = []
        if local:
            try:
                listing = fetch(None)
            except FetchError as error:
                raise _Unresolved(_fetch_problem(error, "helm_chart_repo_url")) from None
            self._listings[url] = (listing.data, remarks)
            return listing.data
        cached = self.cache.read_listing(url)
        if cached and (self.settings.offline or cached.age() < self.settings.index_ttl):
            data = cached.data
            if not self.settings.offline:
                self._fresh_until(cached.fetched_at + self.settings.index_ttl)
        elif self.settings.offline:
            raise _Unresolved(
                Problem(
                    "chart-unavailable",
                    f"offline mode and {shown or url} is not in the cache",
                    "build once online (or run `mkdocs-recipes lock`) to fill the cache, "
                    "or add a mirror for this repository",
                    key="helm_chart_repo_url",
                )
            )
        else:
            try:
                fresh = fetch(cached)
            except FetchError as error:
                if cached is None:
                    raise _Unresolved(_fetch_problem(error, "helm_chart_repo_url")) from None
                data = cached.data
                remarks.append(
                    Problem(
                        "chart-cache-used",
                        f"could not refresh {error.url} ({error.reason}); using the copy "
                        f"cached {int(cached.age() // 60)} minutes ago",
                        key="helm_chart_repo_url",
                        transient=True,
                    )
                )
            else:
                listing = fresh or CachedListing(
                    cached.data if cached else None,
                    time.time(),
                    cached.etag if cached else None,
                    cached.last_modified if cached else None,
                )
                data = listing.data
                self._fresh_until(listing.fetched_at + self.settings.index_ttl)
                self._store(lambda: self.cache.write_listing(url, listing))
        self._listings[url] = (data, remarks)
        notes += remarks
        return data

    def _fresh_until(self, moment: float) -> None:
        with self._locks_lock:
            if self.fresh_until is None or moment < self.fresh_until:
                self.fresh_until = moment

    # Archives ---------------------------------------------------------------------

    def _archive(
        self, key: ChartKey, version: str, digest: str | None, url: str
    ) -> tuple[bytes, str]:
        if digest:
            cached = self.cache.read_chart(digest)
            if cached is not None:
                return cached, "cache"
        elif url.startswith("oci://"):
            # OCI: the layer digest is only known from the manifest; remember tag -> digest.
            known = self.cache.read_listing("oci-manifest:" + url)
            if known is not None and isinstance(known.data, str):
                cached = self.cache.read_chart(known.data)
                if cached is not None:
                    return cached, "cache"
        local = self._local(url)
        if url.startswith("oci://"):
            mirrored = self._oci_mirror_index(key)
            local = mirrored is not None and mirrored.startswith("file://")
        if self.settings.offline and not local:
            raise _Unresolved(
                Problem(
                    "chart-unavailable",
                    f"offline mode and {key.chart} {version} is not in the cache",
                    "build once online (or run `mkdocs-recipes lock`) to fill the cache",
                )
            )
        try:
            data = self._download(key, url)
        except FetchError as error:
            raise _Unresolved(_fetch_problem(error, "helm_chart_version")) from None
        actual = sha256_hex(data)
        if digest and actual != normalise_digest(digest):
            raise _Unresolved(
                Problem(
                    "chart-digest-mismatch",
                    f"the archive downloaded from {url} has sha256 {actual[:12]}…, but the "
                    f"{'lockfile' if self._locked(key) else 'index'} says "
                    f"{normalise_digest(digest)[:12]}…",
                    "the chart was republished or the download was altered; run "
                    "`mkdocs-recipes lock --update` once you trust the new archive",
                    transient=True,
                )
            )
        self._store(lambda: self.cache.write_chart(data))
        if url.startswith("oci://"):
            self._store(
                lambda: self.cache.write_listing(
                    "oci-manifest:" + url, CachedListing(actual, time.time())
                )
            )
        return data, "network"

    def _download(self, key: ChartKey, url: str) -> bytes:
        if url.startswith("oci://"):
            reference, _, tag = url.rpartition(":")
            mirrored = self._oci_mirror_index(key)
            if mirrored is None:
                effective = apply_mirrors(reference, self.settings.mirrors)
                host, _, name = effective.removeprefix("oci://").partition("/")
                data, _digest = self.oci.chart_layer(
                    OciRepository(host, name), tag, self.settings.policy.max_chart_bytes
                )
                return data
            # The registry is mirrored to a plain chart repository: find the archive there.
            try:
                index = self._mirror_index(mirrored, [])
            except _Unresolved as unresolved:
                raise FetchError(mirrored, unresolved.problem.message) from None
            entry = index.get(key.chart, tag.replace("_", "+"))
            if entry is None:
                raise FetchError(mirrored, f"the mirror lists no {key.chart} {tag}", 404)
            url = index.archive_url(entry)
        effective = apply_mirrors(url, self.settings.mirrors)
        return self.http.get(
            effective,
            max_bytes=self.settings.policy.max_chart_bytes,
            local_roots=self._local_roots,
        ).body

    def _locked(self, key: ChartKey) -> bool:
        return bool(self.lockfile and self.lockfile.get(key))

    def _read(self, data: bytes, url: str) -> Chart:
        """The chart in `data`, its values as the configured Helm version reads them."""
        return for_helm(self._parsed(data, url), self.settings.helm)

    def _parsed(self, data: bytes, url: str) -> Chart:
        digest = sha256_hex(data)
        with _PARSED_LOCK:
            chart = _PARSED.get(digest)
            if chart is not None:
                _PARSED.move_to_end(digest)
                return chart
        try:
            chart = read_chart_archive(data, url)
        except ChartArchiveError as error:
            raise _Unresolved(
                Problem("chart-invalid", str(error), "report it to the chart's maintainers")
            ) from None
        with _PARSED_LOCK:
            _PARSED[digest] = chart
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
        return chart

    @staticmethod
    def _store(write) -> None:
        # A cache that cannot be written (read-only, disk full) only costs speed.
        with contextlib.suppress(OSError):
            write()


def _listing_url(key: ChartKey) -> str:
    if key.repository.startswith("oci://"):
        repo = OciRepository.for_chart(key.repository, key.chart)
        return f"oci-tags:oci://{repo.host}/{repo.name}"
    return key.repository.rstrip("/") + "/index.yaml"


def _full_version(text: str) -> str | None:
    try:
        Version.parse(text.strip())
    except VersionError:
        return None
    return text.strip()


def _no_version(key: ChartKey, versions: list[str]) -> Problem:
    stable = []
    for text in versions:
        try:
            parsed = Version.parse(text)
        except VersionError:
            continue
        if not parsed.prerelease:
            stable.append(parsed)
    newest = ", ".join(v.original for v in sorted(set(stable), reverse=True)[:5])
    return Problem(
        "chart-version-not-found",
        f"no published version of {key.chart} matches {key.constraint!r}"
        + (f"; the newest are {newest}" if newest else "; the repository lists none"),
        "pin a version the repository publishes (versions in a chart's git history may "
        "never have been released)",
    )


def _fetch_problem(error: FetchError, front_matter_key: str) -> Problem:
    return Problem(
        "chart-unavailable",
        f"{error.url}: {error.reason}",
        "check the URL and your network; the build goes on without checking this chart",
        key=front_matter_key,
        transient=True,
    )
