"""Helm charts in OCI registries, through the registry v2 HTTP API.

Anonymous pulls use the bearer-token challenge public registries answer with; credentials,
when configured for a registry host, are sent to that host only and never logged.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urljoin, urlsplit

from .cache import normalise_digest, sha256_hex
from .fetch import FetchError, Http

MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


class OciRepository(NamedTuple):
    """`oci://host[:port]/path/chart` split into the registry and the repository name."""

    host: str  # with port, as in the URL
    name: str  # repository path inside the registry, chart name included

    @classmethod
    def for_chart(cls, url: str, chart: str) -> OciRepository:
        """The repository of `chart` under the registry path `url` (chart name not repeated)."""
        parts = urlsplit(url)
        path = parts.path.strip("/")
        if path.split("/")[-1] != chart:
            path = f"{path}/{chart}" if path else chart
        return cls(parts.netloc, path)

    @property
    def base(self) -> str:
        hostname = self.host.rsplit(":", 1)[0] if not self.host.startswith("[") else self.host
        # Like Docker, a registry on this machine is spoken to in plain HTTP.
        scheme = "http" if hostname in _LOOPBACK or hostname.startswith("127.") else "https"
        return f"{scheme}://{self.host}"

    def reference(self, tag: str) -> str:
        return f"oci://{self.host}/{self.name}:{tag}"


class RegistryCredentials:
    """User and password per registry host, from the environment or Docker's config file.

    * `MKDOCS_RECIPES_REGISTRY_HOST`, `_USERNAME`, `_PASSWORD`: one registry;
    * `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: the `auths` entries
      (credential helpers are not consulted).
    """

    def __init__(self, by_host: dict[str, tuple[str, str]] | None = None) -> None:
        self._by_host = dict(by_host or {})

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> RegistryCredentials:
        env = os.environ if environ is None else environ
        by_host: dict[str, tuple[str, str]] = {}
        config_dir = env.get("DOCKER_CONFIG") or str(Path.home() / ".docker")
        try:
            config = json.loads((Path(config_dir) / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            config = {}
        for key, entry in (config.get("auths") or {}).items() if isinstance(config, dict) else []:
            host = _host_of(key)
            if not isinstance(entry, dict) or not host:
                continue
            if entry.get("auth"):
                try:
                    user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    continue
                by_host[host] = (user, password)
            elif entry.get("username") and entry.get("password"):
                by_host[host] = (str(entry["username"]), str(entry["password"]))
        one_host = env.get("MKDOCS_RECIPES_REGISTRY_HOST")
        one_user = env.get("MKDOCS_RECIPES_REGISTRY_USERNAME")
        one_password = env.get("MKDOCS_RECIPES_REGISTRY_PASSWORD")
        if one_host and one_user and one_password is not None:
            by_host[_host_of(one_host)] = (one_user, one_password)
        return cls(by_host)

    def for_host(self, host: str) -> tuple[str, str] | None:
        return self._by_host.get(host)

    def __repr__(self) -> str:  # never print secrets
        return f"RegistryCredentials(hosts={sorted(self._by_host)})"


def _host_of(key: str) -> str:
    if "://" in key:
        return urlsplit(key).netloc
    return key.split("/", 1)[0]


class OciRegistryClient:
    """Lists tags and pulls Helm chart layers, handling the auth challenge per repository."""

    def __init__(self, http: Http, credentials: RegistryCredentials | None = None) -> None:
        self.http = http
        self.credentials = credentials or RegistryCredentials()
        self._tokens: dict[tuple[str, str], str] = {}

    def tags(self, repo: OciRepository, max_bytes: int) -> list[str]:
        url = f"{repo.base}/v2/{repo.name}/tags/list?n=1000"
        tags: list[str] = []
        for _ in range(100):  # bounded pagination
            response = self._get(repo, url, "application/json", max_bytes)
            try:
                data = json.loads(response.body)
            except ValueError:
                raise FetchError(url, "the tag list is not JSON") from None
            listed = data.get("tags") if isinstance(data, dict) else None
            if not isinstance(listed, (list, type(None))):
                raise FetchError(url, "the tag list is not a list of tags")
            tags += [t for t in listed or [] if isinstance(t, str)]
            next_url = _next_link(response.headers.get("link"))
            if not next_url:
                break
            url = urljoin(repo.base, next_url)
            if urlsplit(url).netloc != urlsplit(repo.base).netloc:
                # Our token (and credentials) belong to this registry: a next page on
                # another host is not followed.
                break
        return tags

    def chart_layer(self, repo: OciRepository, tag: str, max_bytes: int) -> tuple[bytes, str]:
        """The chart archive for `tag` and its sha256 hex digest (verified)."""
        manifest_url = f"{repo.base}/v2/{repo.name}/manifests/{tag}"
        response = self._get(repo, manifest_url, MANIFEST_TYPES, 4 * 1024 * 1024)
        try:
            manifest = json.loads(response.body)
            layers = manifest.get("layers") or []
        except (ValueError, AttributeError):
            raise FetchError(manifest_url, "the manifest is not JSON") from None
        if not isinstance(layers, list):
            raise FetchError(manifest_url, "the manifest's layers are not a list")
        chart_layers = [
            layer
            for layer in layers
            if isinstance(layer, dict) and layer.get("mediaType") == HELM_CHART_LAYER
        ]
        if not chart_layers:
            raise FetchError(
                manifest_url, f"has no Helm chart layer ({HELM_CHART_LAYER}); is it a chart?"
            )
        digest = normalise_digest(str(chart_layers[0].get("digest", "")))
        blob_url = f"{repo.base}/v2/{repo.name}/blobs/sha256:{digest}"
        blob = self._get(repo, blob_url, "*/*", max_bytes).body
        if sha256_hex(blob) != digest:
            raise FetchError(blob_url, "digest mismatch: the download is not the published chart")
        return blob, digest

    def _get(self, repo: OciRepository, url: str, accept: str, max_bytes: int):
        scope = f"repository:{repo.name}:pull"
        headers = {"Accept": accept}
        token = self._tokens.get((repo.host, scope))
        if token:
            headers["Authorization"] = token
        response = self.http.get(url, max_bytes=max_bytes, headers=headers, accept_statuses=(401,))
        if response.status != 401:
            return response
        challenge = response.headers.get("www-authenticate", "")
        authorization = self._authorize(repo, challenge, scope, url)
        self._tokens[(repo.host, scope)] = authorization
        response = self.http.get(
            url, max_bytes=max_bytes, headers={**headers, "Authorization": authorization}
        )
        return response

    def _authorize(self, repo: OciRepository, challenge: str, scope: str, url: str) -> str:
        scheme, _, params_text = challenge.partition(" ")
        params = dict(re.findall(r'(\w+)="([^"]*)"', params_text))
        credentials = self.credentials.for_host(repo.host)
        if scheme.lower() == "basic":
            if not credentials:
                raise FetchError(
                    url,
                    f"the registry asks for credentials and none are configured for {repo.host}",
                    401,
                )
            return "Basic " + _basic(*credentials)
        if scheme.lower() != "bearer" or "realm" not in params:
            raise FetchError(url, f"unsupported authentication challenge {scheme!r}", 401)
        query = {"scope": params.get("scope", scope)}
        if params.get("service"):
            query["service"] = params["service"]
        realm = params["realm"]
        token_headers = {}
        # Credentials go to the token service only when it is the registry's own host.
        if credentials and urlsplit(realm).netloc == repo.host:
            token_headers["Authorization"] = "Basic " + _basic(*credentials)
        separator = "&" if "?" in realm else "?"
        token_response = self.http.get(
            realm + separator + urlencode(query), max_bytes=1024 * 1024, headers=token_headers
        )
        try:
            data = json.loads(token_response.body)
            token = data.get("token") or data.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not token:
            raise FetchError(realm, "the token service gave no token", 401)
        return f"Bearer {token}"


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


#: A `Link` header longer than this is not read (a registry's is one URL and `rel`).
MAX_LINK_HEADER = 8192
_LINK = re.compile(r'\s*<([^<>]{1,4096})>\s*;\s*rel="?next"?\s*(?:;.*)?$')


def _next_link(header: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header (RFC 8288), read entry by entry so that no
    pattern scans the header from every position."""
    if not header or len(header) > MAX_LINK_HEADER:
        return None
    for entry in header.split(","):
        match = _LINK.match(entry)
        if match:
            return match.group(1)
    return None
