"""Every Flux API group, as `flux migrate` knows them: the Flux CLI's own `flux migrate -f`
test data (../shared/flux-crds/migrate-testdata/), embedded in Markdown pages of a site that
targets Flux 2.9, must come out of `check --fix` exactly as the golden files say, and
`check` must name each line `flux migrate` rewrites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_recipes.flux.releases import RELEASES, judge, preferred, replacement
from support.paths import SHARED

TESTDATA = SHARED / "flux-crds" / "migrate-testdata" / "file-system"
#: input file -> its golden output, as the test data's README pairs them.
PAIRS = {
    TESTDATA / "single-file.yaml": TESTDATA / "single-file.yaml.golden",
    **{
        source: TESTDATA / "dir.golden" / source.relative_to(TESTDATA / "dir")
        for source in sorted((TESTDATA / "dir").rglob("*"))
        if source.is_file()
    },
}


def _page(source: Path) -> bytes:
    """A Markdown page holding `source` unchanged in one fence: a YAML fence for YAML
    files (what `flux migrate` rewrites), a plain one for the others (which it leaves).
    A file with Windows line endings makes a page with Windows line endings."""
    body = source.read_bytes()
    newline = b"\r\n" if b"\r\n" in body else b"\n"
    info = b"yaml" if source.suffix in (".yaml", ".yml") else b""
    head = b"# " + source.name.encode() + newline + newline + b"```" + info + newline
    if body and not body.endswith(b"\n"):
        body += newline
    return head + body + b"```" + newline


def _fenced(page: bytes) -> bytes:
    """The fence's content, back out of the page."""
    newline = b"\r\n" if b"\r\n" in page else b"\n"
    opening = page.index(b"```")
    start = page.index(newline, opening) + len(newline)
    return page[start : page.rindex(b"```")]


def _check(site: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--format", "json", *arguments],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )


@pytest.fixture
def migrate_site(tmp_path: Path) -> tuple[Path, dict[Path, Path]]:
    """A site targeting Flux 2.9 with one page per test-data file; page -> input file."""
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: migrate\n"
        "plugins:\n  - macros\n  - recipes:\n      flux:\n        flux_version: '2.9'\n"
    )
    pages = {}
    for number, source in enumerate(PAIRS):
        page = tmp_path / "docs" / f"page{number}.md"
        page.parent.mkdir(exist_ok=True)
        page.write_bytes(_page(source))
        pages[page] = source
    return tmp_path, pages


def test_fix_gives_exactly_the_golden_files_of_flux_migrate(migrate_site) -> None:
    site, pages = migrate_site
    done = _check(site, "--fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["summary"]["fixed"] == 9
    for page, source in pages.items():
        expected = PAIRS[source].read_bytes()
        if expected and not expected.endswith(b"\n"):
            expected += b"\r\n" if b"\r\n" in expected else b"\n"
        assert _fenced(page.read_bytes()) == expected, source.relative_to(TESTDATA)


def test_check_names_every_line_flux_migrate_rewrites(migrate_site) -> None:
    site, pages = migrate_site
    done = _check(site)
    assert done.returncode == 1, done.stderr
    found = {(f["path"], f["line"]) for f in json.loads(done.stdout)["findings"]}
    # flux migrate's golden output, per input file: the lines it changes.
    expected = set()
    for page, source in pages.items():
        before = source.read_bytes().decode().splitlines()
        after = PAIRS[source].read_bytes().decode().splitlines()
        # The page's fence opens on line 3; the file's line n is the page's line n + 3.
        expected |= {
            (f"docs/{page.name}", number + 3)
            for number, (old, new) in enumerate(zip(before, after, strict=True), 1)
            if old != new
        }
    assert len(expected) == 9
    assert found == expected


@pytest.mark.parametrize(
    ("api", "kind", "release", "removed_in", "write"),
    [
        ("notification.toolkit.fluxcd.io/v1beta1", "Alert", "2.7", "2.7", "v1beta3"),
        ("notification.toolkit.fluxcd.io/v1beta2", "Provider", "2.9", "2.9", "v1beta3"),
        ("notification.toolkit.fluxcd.io/v1beta2", "Receiver", "2.9", "2.9", "v1"),
        ("image.toolkit.fluxcd.io/v1beta1", "ImageUpdateAutomation", "2.7", "2.7", "v1"),
        ("image.toolkit.fluxcd.io/v1beta2", "ImagePolicy", "2.9", "2.9", "v1"),
        ("source.toolkit.fluxcd.io/v1beta2", "Bucket", "2.8", "2.8", "v1"),
    ],
)
def test_removed_versions_of_every_group_name_their_release(
    api: str, kind: str, release: str, removed_in: str, write: str
) -> None:
    verdict = judge(api, kind, release)
    assert verdict is not None
    assert f"was removed in Flux {removed_in}" in verdict.message
    assert replacement(api, kind, release) == api.rpartition("/")[0] + "/" + write
    # The release before still serves it.
    before = RELEASES[RELEASES.index(removed_in) - 1]
    assert judge(api, kind, before) is None


def test_latest_versions_match_the_flux_migrate_table() -> None:
    """The table in the test data's README: the latest version of every kind for Flux
    2.7 to 2.9, and for 2.6."""
    latest = {
        "Bucket": "source.toolkit.fluxcd.io/v1",
        "GitRepository": "source.toolkit.fluxcd.io/v1",
        "OCIRepository": "source.toolkit.fluxcd.io/v1",
        "HelmRepository": "source.toolkit.fluxcd.io/v1",
        "HelmChart": "source.toolkit.fluxcd.io/v1",
        "ExternalArtifact": "source.toolkit.fluxcd.io/v1",
        "Kustomization": "kustomize.toolkit.fluxcd.io/v1",
        "HelmRelease": "helm.toolkit.fluxcd.io/v2",
        "Receiver": "notification.toolkit.fluxcd.io/v1",
        "Alert": "notification.toolkit.fluxcd.io/v1beta3",
        "Provider": "notification.toolkit.fluxcd.io/v1beta3",
        "ImageRepository": "image.toolkit.fluxcd.io/v1",
        "ImagePolicy": "image.toolkit.fluxcd.io/v1",
        "ImageUpdateAutomation": "image.toolkit.fluxcd.io/v1",
        "ArtifactGenerator": "source.extensions.fluxcd.io/v1beta1",
    }
    for release in ("2.7", "2.8", "2.9"):
        assert {kind: preferred(kind, release) for kind in latest} == latest
    on_26 = {k: v for k, v in latest.items() if k not in ("ExternalArtifact", "ArtifactGenerator")}
    for kind in ("ImageRepository", "ImagePolicy", "ImageUpdateAutomation"):
        on_26[kind] = "image.toolkit.fluxcd.io/v1beta2"
    assert {kind: preferred(kind, "2.6") for kind in on_26} == on_26
    # Kinds that 2.6 does not have are judged, not assumed.
    verdict = judge("source.extensions.fluxcd.io/v1beta1", "ArtifactGenerator", "2.6")
    assert verdict is not None and "only served from Flux 2.7" in verdict.message


def test_a_string_that_is_not_a_group_version_is_left_alone() -> None:
    # flux migrate warns "unexpected GroupVersion string" and keeps the line.
    assert judge("image.toolkit.fluxcd.io/v1/v2", "ImagePolicy", "2.9") is None
