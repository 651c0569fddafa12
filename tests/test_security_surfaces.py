"""Security III: the surfaces that arrived after security II (export, drift, `--fix`, the
baseline, CRDs, outdated, renovate) held to the security page's promises.

One test per defect the probe found, each reproduced first on a real build, a real
command line or a loopback server: no schema reference fetched, no data-driven pattern
or quadratic scan that stalls, bounds that hold, every output line escaped, no
traceback, nothing written where it should not be, secrets not quoted, `--fix` on the
line the finding names.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from support.crds import CRD_DIR
from support.waiting import bounded

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1"}
HELMRELEASE_CRD = CRD_DIR / "helm.toolkit.fluxcd.io_helmreleases.yaml"


class _Watcher(BaseHTTPRequestHandler):
    """A server that records every request; with `silent`, it never answers."""

    seen: list[str]
    silent = False

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.silent:
            threading.Event().wait(60)
            return
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def watcher():
    """(the URL of a loopback server that must see no request, the requests it saw)."""
    seen: list[str] = []
    silent = ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Silent", (_Watcher,), {"seen": seen, "silent": True})
    )
    threading.Thread(target=silent.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{silent.server_port}", seen
    silent.shutdown()


def schema_chart(chart_server, name: str, schema: dict, values: str = "replicaCount: 1\n"):
    """A chart of its own with `schema` as values.schema.json, served by the chart server;
    the repository URL a page names it with."""
    from mkdocs_recipes.charts.package import write_repository

    source = chart_server.root / f"{name}-source" / name
    source.mkdir(parents=True, exist_ok=True)
    (source / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 1.0.0\n")
    (source / "values.yaml").write_text(values)
    (source / "values.schema.json").write_text(json.dumps(schema))
    folder = chart_server.root / name
    write_repository([source], folder)
    return f"{chart_server.url}/{name}/"


def recipe(name: str, repository: str, body: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {name}\nhelm_chart_name: {name}\nhelm_chart_version: 1.0.0\n"
        f"helm_chart_repo_url: {repository}\nhelmrelease_namespace: {name}\n{extra}---\n\n"
        f"# {name}\n\n{body}\n"
    )


def findings_of(output: str) -> list[dict]:
    """The findings of `check --format json` in a run's output (stderr may follow)."""
    start = output.index('{\n  "findings"')
    return json.JSONDecoder().raw_decode(output[start:])[0]["findings"]


# 1 (high). Schemas never fetch: no request, even to a server that never answers.


def test_a_chart_schema_ref_to_a_url_or_file_is_never_fetched(site, chart_server, watcher) -> None:
    url, seen = watcher
    schema = {
        "type": "object",
        "properties": {
            "replicaCount": {"type": "integer"},
            "image": {"$ref": f"{url}/image.json"},
            "local": {"$ref": "file:///etc/passwd"},
        },
    }
    repository = schema_chart(chart_server, "remote-ref", schema)
    body = "```yaml\n    replicaCount: many\n    image: {}\n```\n"
    site.page("app.md", recipe("remote-ref", repository, body))
    # Online first (the chart is fetched and cached), then offline.
    online = bounded(lambda: site.run("mkdocs_recipes", "check", "--format", "json"), 120)
    found = [f for f in findings_of(online.output) if f["code"] != "recipe-namespace-missing"]
    assert [f["code"] for f in found] == ["values-schema", "values-schema-unchecked"], found
    assert "another document: not fetched" in found[1]["message"]
    for env in (OFFLINE, {}):
        built = bounded(lambda env=env: site.build(strict=False, env=env), 120)
        assert "[values-schema]" in built.output and built.ok, built.output
        assert "Traceback" not in built.output
    assert seen == []


def test_a_crd_ref_to_a_url_is_never_fetched_by_export(site, seed_text, watcher) -> None:
    url, seen = watcher
    site.page("recipes/oauth2-proxy.md", seed_text)
    crd = yaml.safe_load(HELMRELEASE_CRD.read_text())
    for version in crd["spec"]["versions"]:
        spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
        spec["properties"]["interval"] = {"$ref": f"{url}/duration.json"}
    crds = site.root / "crds.yaml"
    crds.write_text(yaml.safe_dump(crd))
    done = bounded(
        lambda: site.run(
            "mkdocs_recipes", "export", "--out", "cluster", "--crds", str(crds), env=OFFLINE
        ),
        120,
    )
    assert done.returncode == 0, done.output
    assert "[crd-schema-unchecked]" in done.output and "not fetched" in done.output
    assert seen == []


# 2. Patterns from charts and CRDs run in RE2; super-linear keywords are bounded.


@pytest.mark.parametrize(
    ("schema", "block"),
    [
        ({"properties": {"n": {"pattern": "^((a+))+$"}}}, "n: " + "a" * 5000 + "!"),
        ({"properties": {"n": {"pattern": "^(a|a)+$"}}}, "n: " + "a" * 5000 + "!"),
        (
            {"patternProperties": {"^(a+)+$": {}}, "additionalProperties": False},
            "a" * 1000 + "!: 1",  # a plain YAML key has at most 1,024 characters
        ),
        (
            {"properties": {"l": {"type": "array", "uniqueItems": True}}},
            "l:\n" + "".join(f"- {{k: {n}}}\n" for n in range(8000)),
        ),
    ],
    ids=["nested group", "alternation", "patternProperties", "uniqueItems"],
)
def test_patterns_and_pairwise_keywords_from_a_chart_stay_bounded(schema, block) -> None:
    from mkdocs_recipes.charts.archive import Chart
    from mkdocs_recipes.charts.values_model import values_model
    from mkdocs_recipes.checks.values import check_values_blocks
    from mkdocs_recipes.pages.blocks import code_blocks
    from mkdocs_recipes.pages.fragments import read_yaml_block

    defaults = {"n": "a", "l": [], "a": 1}
    chart = Chart("demo", "1.0.0", None, yaml.safe_dump(defaults), defaults, schema)
    blocks = [read_yaml_block(b) for b in code_blocks(f"```yaml\n{block}\n```\n")]
    found = bounded(lambda: check_values_blocks(blocks, values_model(chart), "p.md"), 20)
    # Judged (RE2 runs the pattern) or said to be unchecked, within seconds.
    judged = {"values-schema", "values-schema-unchecked", "values-unknown-key"}
    assert {f.code for f in found} & judged, found


def test_crd_patterns_run_in_re2_so_export_check_finishes(site, seed_text) -> None:
    url = "https://charts.example.org/" + "a" * 40 + "/"
    site.page(
        "recipes/oauth2-proxy.md",
        seed_text.replace("https://oauth2-proxy.github.io/manifests/", url),
    )
    crd_file = CRD_DIR / "source.toolkit.fluxcd.io_helmrepositories.yaml"
    crd = yaml.safe_load(crd_file.read_text())
    for version in crd["spec"]["versions"]:
        spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
        spec["properties"]["url"]["pattern"] = "^([a-z:/.]+)+!$"
    repository = site.root / "cluster"
    repository.mkdir()
    (repository / "gotk-components.yaml").write_text(yaml.safe_dump(crd))
    done = bounded(
        lambda: site.run("mkdocs_recipes", "export", "--check", "cluster", env=OFFLINE), 120
    )
    assert done.returncode == 1 and "Traceback" not in done.output, done.output
    # RE2 judged the URL: the CRDs reject it (the pattern wants a `!`).
    assert "[export-invalid]" in done.output and "does not match" in done.output


# 3. Lengths a page or a server controls are bounded before a pattern reads them.


def test_a_version_constraint_of_20000_digits_is_a_finding_at_once() -> None:
    from mkdocs_recipes.flux.objects import FluxSettings
    from mkdocs_recipes.site.analysis import analyse_page

    page = recipe("demo", "https://charts.example.org/", "").replace(
        "helm_chart_version: 1.0.0", f'helm_chart_version: "{"1" * 20000} - 2"'
    )
    state = bounded(lambda: analyse_page(page, "p.md", FluxSettings()), 5)
    assert [f.code for f in state.findings] == ["recipe-invalid-version"]
    assert "20,004 characters" in state.findings[0].message


def test_a_link_header_of_60000_brackets_costs_nothing() -> None:
    from mkdocs_recipes.charts.fetch import Http
    from mkdocs_recipes.charts.oci import OciRegistryClient, OciRepository

    class Registry(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps({"name": "charts/demo", "tags": ["1.0.0"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Link", "<" * 60000 + '</v2/charts/demo/tags/list?last=1>; rel="next"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = OciRegistryClient(Http())
        repository = OciRepository(f"127.0.0.1:{server.server_port}", "charts/demo")
        assert bounded(lambda: client.tags(repository, 10**6), 5) == ["1.0.0"]
    finally:
        server.shutdown()


# 4. Bounds that hold: CRDs across documents, files examined after opening.


def test_an_aliased_crd_is_refused_within_a_total_budget(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    # A few hundred bytes that stand for millions of schema nodes, repeated in documents
    # each under the per-document bound.
    document = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "spec:\n  group: helm.toolkit.fluxcd.io\n  names: {kind: HelmRelease}\n"
        "  versions:\n  - name: v2\n    served: true\n    schema:\n      openAPIV3Schema:\n"
        "        a0: &a0 {type: string, description: x}\n"
        + "".join(f"        a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 5))
    )
    crds = site.root / "crds.yaml"
    crds.write_text("---\n".join([document] * 40))
    done = bounded(
        lambda: site.run(
            "mkdocs_recipes", "export", "--out", "cluster", "--crds", str(crds), env=OFFLINE
        ),
        120,
    )
    assert "Traceback" not in done.output and "MemoryError" not in done.output, done.output
    assert "together stand for more values than are read" in done.output


@pytest.mark.parametrize("mode", ["--check", "--dry-run"])
def test_a_gitops_file_linked_to_dev_zero_is_not_read(site, seed_text, mode) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    repository = site.root / "cluster"
    (repository / "kubernetes-dashboard").mkdir(parents=True)
    (repository / "zero.yaml").symlink_to("/dev/zero")
    (repository / "kubernetes-dashboard" / "helmrelease-oauth2-proxy.yaml").symlink_to("/dev/zero")
    # The bootstrap file export reads its CRDs from, too.
    (repository / "gotk-components.yaml").symlink_to("/dev/zero")
    arguments = ["--check", "cluster"] if mode == "--check" else ["--out", "cluster", "--dry-run"]
    done = bounded(lambda: site.run("mkdocs_recipes", "export", *arguments, env=OFFLINE), 60)
    assert "Traceback" not in done.output and "MemoryError" not in done.output, done.output
    assert "symbolic link" in done.output, done.output


# 5. Every line the command line prints is escaped as findings are.


def _hostile_name(text: str) -> str:
    return text.replace("/", "_").replace("\0", "")


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("lock",),
        ("outdated",),
        ("renovate",),
        ("export", "--out", "cluster"),
        ("export", "--out", "cluster", "--dry-run"),
        ("export", "--check", "."),
        ("includes", "--write", "includes"),
    ],
)
def test_no_output_line_of_any_subcommand_begins_with_page_text(site, seed_text, command) -> None:
    from support.markup_oracle import HOSTILE, forged_lines

    for number, text in enumerate(HOSTILE[-3:]):
        page = (
            seed_text.replace(
                "helm_chart_repo_url: https://oauth2-proxy.github.io/manifests/",
                "helm_chart_repo_url: oci://ghcr.io/oauth2-proxy/charts/oauth2-proxy",
            )
            if command == ("renovate",)
            else seed_text
        )
        # An error of its own (`export` notes it), under a name that forges lines.
        page = page.replace("className: nginx", "clasName: nginx", 1) + f"\n<!-- {text} -->\n"
        site.page(
            f"recipes/{number}{_hostile_name(text)}.md",
            page.replace(
                "helmrelease_namespace: kubernetes-dashboard",
                f"helmrelease_namespace: ns{number}",
            ),
        )
    done = bounded(lambda: site.run("mkdocs_recipes", *command), 180)
    assert "Traceback" not in done.output, done.output
    assert forged_lines(done.output) == [], done.output


# 6. No traceback from any hostile input: a finding or a usage error instead.

HOSTILE_SCHEMAS = {
    "ref to itself": {"$ref": "#"},
    "unclosed pattern": {"type": "string", "pattern": "("},
    "type 5": {"type": 5},
    "required 5": {"required": 5},
    "ref nowhere": {"$ref": "#/nope"},
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SCHEMAS))
def test_a_hostile_crd_is_a_note_not_a_traceback(site, seed_text, name) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    crd = yaml.safe_load(HELMRELEASE_CRD.read_text())
    for version in crd["spec"]["versions"]:
        version["schema"]["openAPIV3Schema"]["properties"]["spec"] = HOSTILE_SCHEMAS[name]
    crds = site.root / "crds.yaml"
    crds.write_text(yaml.safe_dump(crd))
    exported = site.run(
        "mkdocs_recipes", "export", "--out", "cluster", "--crds", str(crds), env=OFFLINE
    )
    assert "Traceback" not in exported.output and exported.returncode in (0, 1), exported.output
    assert "[crd-schema-unchecked]" in exported.output or "export-invalid" in exported.output
    # check --fix --crds on a page with a removed apiVersion of that kind
    site.page(
        "old.md",
        "# Old\n\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\n"
        "metadata:\n  name: x\nspec:\n  interval: 5m\n```\n",
    )
    fixed = site.run("mkdocs_recipes", "check", "--fix", "--crds", str(crds), env=OFFLINE)
    assert "Traceback" not in fixed.output, fixed.output


@pytest.mark.parametrize("tag", ["!!timestamp x", "!!bool x", "!!int x"])
def test_explicit_tags_pyyaml_cannot_build_are_findings(site, seed_text, tag) -> None:
    values_page = seed_text.replace("enabled: true", f"enabled: {tag}", 1)
    assert values_page != seed_text
    site.page("recipes/oauth2-proxy.md", values_page)
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    found = findings_of(checked.output)
    assert "Traceback" not in checked.output
    assert any(f["code"] == "yaml-syntax" and tag in f["message"] for f in found), found
    assert not any(f["code"] == "internal-error" for f in found)
    built = site.build(strict=False, env=OFFLINE)
    assert "[yaml-syntax]" in built.output and "internal-error" not in built.output
    # front-matter, as renovate reads it
    site.page("recipes/oauth2-proxy.md", seed_text.replace("status: new", f"status: {tag}"))
    renovated = site.run("mkdocs_recipes", "renovate")
    assert renovated.returncode == 0 and "Traceback" not in renovated.output, renovated.output
    # a GitOps file, as export --check reads it
    site.page("recipes/oauth2-proxy.md", seed_text)
    (site.root / "cluster").mkdir()
    (site.root / "cluster" / "x.yaml").write_text(f"kind: HelmRelease\nmetadata:\n  name: {tag}\n")
    drift = site.run("mkdocs_recipes", "export", "--check", "cluster", env=OFFLINE)
    assert drift.returncode in (0, 1) and "Traceback" not in drift.output, drift.output


@pytest.mark.parametrize(
    "baseline",
    [
        "[" * 1000 + "]" * 1000,
        json.dumps(
            {
                "version": 1,
                "findings": [
                    {
                        "code": "yaml-syntax",
                        "path": "x.md",
                        "fingerprint": "x",
                        "count": 9 * 10**4298,
                    }
                ]
                * 20,
            }
        ),
    ],
    ids=["nested", "huge counts"],
)
def test_a_hostile_baseline_is_a_clear_error_or_read(site, baseline) -> None:
    site.page("a.md", "# A\n\n```yaml\na: [\n```\n")
    (site.root / "recipes-baseline.json").write_text(baseline)
    built = site.build(strict=False, env=OFFLINE)
    checked = site.run("mkdocs_recipes", "check", env=OFFLINE)
    for done in (built, checked):
        assert "Traceback" not in done.output and "RecursionError" not in done.output, done.output
    assert "recipes-baseline.json" in checked.output


def test_a_nul_byte_in_a_path_option_is_an_invalid_option(site, seed_text) -> None:
    page = seed_text.replace(
        "status: new", 'status: new\nflux:\n  helmrelease_path: "/apps/\\0/release.yaml"'
    )
    site.page("recipes/oauth2-proxy.md", page)
    done = site.run("mkdocs_recipes", "export", "--out", "cluster", env=OFFLINE)
    assert "Traceback" not in done.output, done.output
    # The option is refused (the default path is used), and the page's error is noted.
    assert "has 1 error(s) of its own" in done.output
    assert not any("\0" in str(p) for p in (site.root / "cluster").rglob("*"))
    checked = site.run("mkdocs_recipes", "check", env=OFFLINE)
    assert "[flux-invalid-option]" in checked.output and "control character" in checked.output


def test_lock_reads_prerelease_numbers_of_5000_digits(site, chart_server) -> None:
    from mkdocs_recipes.charts.package import write_repository

    source = chart_server.root / "long-pre-source" / "long-pre"
    source.mkdir(parents=True)
    (source / "Chart.yaml").write_text("apiVersion: v2\nname: long-pre\nversion: 1.0.0\n")
    (source / "values.yaml").write_text("a: 1\n")
    folder = chart_server.root / "long-pre"
    write_repository([source], folder)
    index = yaml.safe_load((folder / "index.yaml").read_text())
    (entry,) = index["entries"]["long-pre"]
    # Only prereleases: two with numbers of 5,000 digits (compared, they crashed `lock`)
    # and a short one.
    index["entries"]["long-pre"] = [
        {**entry, "version": version}
        for version in ("1.0.0-1.5", f"1.0.0-1.{'9' * 5000}", f"1.0.0-1.{'8' * 5000}")
    ]
    (folder / "index.yaml").write_text(yaml.safe_dump(index))
    # A range that admits prereleases, so that the two long ones are compared.
    page = recipe("long-pre", f"{chart_server.url}/long-pre/", "")
    site.page(
        "app.md", page.replace("helm_chart_version: 1.0.0", 'helm_chart_version: ">=1.0.0-0"')
    )
    done = site.run("mkdocs_recipes", "lock")
    assert done.returncode == 0 and "Traceback" not in done.output, done.output
    assert "1 chart(s) locked" in done.output


# 7. What is written and quoted.


def test_export_never_writes_into_git_even_with_force(site, seed_text) -> None:
    page = seed_text.replace(
        "status: new", 'status: new\nflux:\n  helmrelease_path: "/.git/config"'
    )
    site.page("recipes/oauth2-proxy.md", page)
    git = site.root / "cluster" / ".git"
    git.mkdir(parents=True)
    (git / "config").write_text("[core]\n\tbare = false\n")
    done = site.run("mkdocs_recipes", "export", "--out", "cluster", "--force", env=OFFLINE)
    assert (git / "config").read_text() == "[core]\n\tbare = false\n"
    assert sorted(p.name for p in git.iterdir()) == ["config"]
    assert "has 1 error(s) of its own" in done.output
    checked = site.run("mkdocs_recipes", "check", env=OFFLINE)
    assert "[flux-invalid-option]" in checked.output and "hidden" in checked.output
    # The write itself refuses a hidden folder, whatever the option check lets through.
    from mkdocs_recipes.base.writing import inside

    for relative in ("/.git/config", "apps/.github/x.yaml", "/../x.yaml", "/a/\0.yaml"):
        assert inside(site.root / "cluster", relative) is None


def test_export_force_replaces_only_files_holding_its_own_objects(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    out = site.root / "cluster"
    assert site.run("mkdocs_recipes", "export", "--out", "cluster", env=OFFLINE).returncode == 0
    release = out / "kubernetes-dashboard" / "helmrelease-oauth2-proxy.yaml"
    namespace = out / "bootstrap" / "namespaces" / "namespace-kubernetes-dashboard.yaml"
    release.write_text(release.read_text().replace("interval: 15m", "interval: 1h"))
    namespace.write_text("# the team's notes, not a namespace\nowner: platform\n")
    done = site.run("mkdocs_recipes", "export", "--out", "cluster", "--force", env=OFFLINE)
    assert "interval: 15m" in release.read_text() and "replaced" in done.output
    assert namespace.read_text().startswith("# the team's notes")
    assert "not a file of ours" in done.output and done.returncode == 1


def test_drift_and_dry_run_diffs_never_quote_a_repository_secret(site, seed_text) -> None:
    page = seed_text.replace('clientSecret: "XXXXXXXX"', 'clientSecret: "page-value"')
    assert page != seed_text
    site.page("recipes/oauth2-proxy.md", page)
    assert site.run("mkdocs_recipes", "export", "--out", "cluster", env=OFFLINE).returncode == 0
    release = site.root / "cluster" / "kubernetes-dashboard" / "helmrelease-oauth2-proxy.yaml"
    text = release.read_text()
    assert "clientSecret:" in text
    release.write_text(
        "\n".join(
            line.split(":")[0] + ": Pr0d-DB-Passw0rd" if "clientSecret:" in line else line
            for line in text.split("\n")
        )
    )
    for arguments in (
        ("--check", "cluster", "--format", "github"),
        ("--out", "cluster", "--dry-run"),
    ):
        done = site.run("mkdocs_recipes", "export", *arguments, env=OFFLINE)
        assert "Pr0d-DB-Passw0rd" not in done.output, done.output
        assert "clientSecret" in done.output


def test_unsafe_fixes_write_only_plain_keys(tmp_path) -> None:
    from mkdocs_recipes.report.findings import Finding, Fix
    from mkdocs_recipes.report.fixes import plan_fixes

    page = tmp_path / "p.md"
    page.write_text("```yaml\n    ingres:\n      enabled: true\n```\n")
    plain = Finding.of(
        "values-unknown-key", str(page), 2, "x", fix=Fix("key", "ingres", "ingress", safe=False)
    )
    hostile = Finding.of(
        "values-unknown-key", str(page), 2, "x", fix=Fix("key", "ingres", "a:\n    b", safe=False)
    )
    assert plan_fixes([hostile], tmp_path, unsafe=True).texts == {}
    assert len(plan_fixes([plain], tmp_path, unsafe=True).fixed) == 1


# 8. --fix counts lines as findings do.

LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in LINE_BREAKS])
def test_fix_rewrites_the_line_the_finding_names_whatever_breaks_the_prose(tmp_path, brk) -> None:
    from mkdocs_recipes.flux.objects import FluxSettings
    from mkdocs_recipes.report.fixes import plan_fixes
    from mkdocs_recipes.site.analysis import analyse_page

    page = tmp_path / "p.md"
    text = (
        f"# Old{brk}prose\n\nA paragraph{brk}with a break.\n\n```yaml\n"
        "# apiVersion: helm.toolkit.fluxcd.io/v2beta1 was the old one\n"
        "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: x\n"
        "spec:\n  interval: 5m\n```\n"
    )
    page.write_bytes(text.encode())
    state = analyse_page(text, str(page), FluxSettings())
    plan = plan_fixes(state.findings, tmp_path)
    assert len(plan.fixed) == 1
    (before, after) = plan.texts[page.resolve()]
    changed = [(a, b) for a, b in zip(before.split("\n"), after.split("\n"), strict=True) if a != b]
    assert changed == [
        ("apiVersion: helm.toolkit.fluxcd.io/v2beta1", "apiVersion: helm.toolkit.fluxcd.io/v2")
    ]
