"""OCI registries that ask for authentication: the anonymous bearer-token flow public
registries use, and credentials from the environment or Docker's config file."""

from __future__ import annotations

import base64
import json

import pytest

from mkdocs_recipes.charts.fetch import NetworkPolicy
from mkdocs_recipes.charts.lockfile import ChartKey
from mkdocs_recipes.charts.oci import RegistryCredentials
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from support.chartrepo import packaged_versions
from support.registry import start_registry
from support.tokens import TokenService

USER, PASSWORD = "reader", "s3cret-Passw0rd"


@pytest.fixture(scope="module")
def token_registry(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("token-registry")
    service = TokenService(workdir)
    registry = start_registry(workdir, token_auth=service.registry_auth())
    for archive in packaged_versions("oauth2-proxy"):
        registry.push_chart("charts/oauth2-proxy", archive.version, archive.data)
    yield registry, service
    registry.stop()
    service.stop()


@pytest.fixture(scope="module")
def private_registry(tmp_path_factory):
    registry = start_registry(tmp_path_factory.mktemp("private-registry"), auth=(USER, PASSWORD))
    for archive in packaged_versions("oauth2-proxy"):
        registry.push_chart("charts/oauth2-proxy", archive.version, archive.data)
    yield registry
    registry.stop()


def resolve(tmp_path, host: str, credentials: RegistryCredentials | None = None):
    settings = ResolverSettings(
        cache_dir=tmp_path / "cache", policy=NetworkPolicy(retries=0, backoff=0)
    )
    resolver = ChartResolver(settings, credentials=credentials or RegistryCredentials())
    return resolver.resolve(ChartKey(f"oci://{host}/charts", "oauth2-proxy", "6.18.x"))


def test_anonymous_bearer_token_flow(tmp_path, token_registry) -> None:
    registry, service = token_registry
    service.requests.clear()
    resolution = resolve(tmp_path, registry.host)
    assert resolution.problems == ()
    assert resolution.chart.version == "6.18.3"
    asked = [r["path"] for r in service.requests]
    assert asked and all("scope=repository%3Acharts%2Foauth2-proxy%3Apull" in p for p in asked)
    assert all("Authorization" not in r for r in service.requests)


def test_credentials_from_the_environment(tmp_path, private_registry) -> None:
    credentials = RegistryCredentials.from_environment(
        {
            "MKDOCS_RECIPES_REGISTRY_HOST": private_registry.host,
            "MKDOCS_RECIPES_REGISTRY_USERNAME": USER,
            "MKDOCS_RECIPES_REGISTRY_PASSWORD": PASSWORD,
            "DOCKER_CONFIG": str(tmp_path / "no-docker-config"),
        }
    )
    resolution = resolve(tmp_path, private_registry.host, credentials)
    assert resolution.problems == ()
    assert resolution.chart.version == "6.18.3"
    assert PASSWORD not in repr(credentials)


def test_credentials_from_the_docker_config_file(tmp_path, private_registry) -> None:
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text(
        json.dumps({"auths": {private_registry.host: {"auth": auth}}})
    )
    credentials = RegistryCredentials.from_environment({"DOCKER_CONFIG": str(tmp_path / "docker")})
    assert resolve(tmp_path, private_registry.host, credentials).chart.version == "6.18.3"


def test_credentials_are_only_sent_to_their_own_host(tmp_path, private_registry) -> None:
    elsewhere = RegistryCredentials({"registry.example.org": (USER, PASSWORD)})
    resolution = resolve(tmp_path, private_registry.host, elsewhere)
    assert resolution.chart is None
    (problem,) = resolution.problems
    assert problem.code == "chart-unavailable"
    assert "asks for credentials" in problem.message
    assert PASSWORD not in problem.message and USER not in problem.message


def test_wrong_password_is_access_denied_without_echoing_it(tmp_path, private_registry) -> None:
    wrong = RegistryCredentials({private_registry.host: (USER, "not-the-password")})
    (problem,) = resolve(tmp_path, private_registry.host, wrong).problems
    assert "access denied (HTTP 401)" in problem.message
    assert "not-the-password" not in problem.message
