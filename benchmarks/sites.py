"""Sites of N recipe pages for the benchmarks, in two flavours.

* `plugin`: Material + macros + recipes; the Flux YAML comes from the packaged includes.
* `static`: the same pages built with Material + macros only, the Flux YAML coming from
  hand-written include files that fill `page.meta` into fixed YAML (what recipe sites
  used before this plugin): the baseline a plugin build is compared with.

The pages are copies of the podinfo example (`example`) or of the real seed recipe
(`seed`: ../shared/recipes/oauth2-proxy.md, 155 lines, three values blocks, six
includes), each with its own name, namespace and title, linking to the next one.
"""

from __future__ import annotations

import compileall
import os
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MKDOCS_RECIPES_SHARED", ROOT.parent / "shared"))
EXAMPLE = ROOT / "docs" / "recipes" / "podinfo.md"


def precompile() -> None:
    """Byte-compile the package first: a warm build finds its modules compiled. (With
    PYTHONDONTWRITEBYTECODE set, as on some machines, every run would otherwise compile
    each module changed since the last install, and count that as the plugin's cost.)"""
    compileall.compile_dir(str(ROOT / "mkdocs_recipes"), quiet=1)


SEED = SHARED / "recipes" / "oauth2-proxy.md"

# Hand-written YAML as sites wrote it before this plugin: page.meta filled into fixed
# text, here the same objects the plugin emits for these pages. The static includes are
# the packaged ones with their macro call replaced by it, so both flavours show the same
# page and differ only in where the YAML comes from (and in the plugin's checks).
_META = "page.meta"
_NAME = f"{_META}.helmrelease_name or {_META}.helm_chart_name"
_REPO = f"{_META}.helm_chart_repo_name or {_META}.helm_chart_name"
_NS = f"{_META}.helmrelease_namespace"
STATIC_YAML = {
    "flux_namespace": (
        f"/bootstrap/namespaces/namespace-{{{{ {_NS} }}}}.yaml",
        f"""apiVersion: v1
kind: Namespace
metadata:
  name: {{{{ {_NS} }}}}""",
    ),
    "flux_helmrepository": (
        f"/bootstrap/helmrepositories/helmrepository-{{{{ {_REPO} }}}}.yaml",
        f"""apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: {{{{ {_REPO} }}}}
  namespace: flux-system
spec:
  interval: 15m
  url: {{{{ {_META}.helm_chart_repo_url }}}}""",
    ),
    "flux_kustomization": (
        f"/bootstrap/kustomizations/kustomization-{{{{ {_NAME} }}}}.yaml",
        f"""apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {{{{ {_NAME} }}}}
  namespace: flux-system
spec:
  interval: 15m
  path: ./{{{{ {_NS} }}}}
  prune: true
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: flux-system
  healthChecks:
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      name: {{{{ {_NAME} }}}}
      namespace: {{{{ {_NS} }}}}""",
    ),
    "flux_helmrelease": (
        f"/{{{{ {_NS} }}}}/helmrelease-{{{{ {_NAME} }}}}.yaml",
        f"""apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {{{{ {_NAME} }}}}
  namespace: {{{{ {_NS} }}}}
spec:
  interval: 15m
  chart:
    spec:
      chart: {{{{ {_META}.helm_chart_name }}}}
      version: {{{{ {_META}.helm_chart_version }}}}
      sourceRef:
        kind: HelmRepository
        name: {{{{ {_REPO} }}}}
        namespace: flux-system
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3""",
    ),
    "flux_check": (
        None,
        f"""flux reconcile source git flux-system
flux get kustomizations {{{{ {_NAME} }}}}
flux get helmreleases -n {{{{ {_NS} }}}} {{{{ {_NAME} }}}}
kubectl get pods -n {{{{ {_NS} }}}}""",
    ),
    "recipe_footer": (
        "",
        f"""{{% for link in {_META}.links or [] %}}
* [{{{{ link.name }}}}]({{{{ link.uri }}}})
{{% endfor %}}""",
    ),
}


def static_includes() -> dict[str, str]:
    """The packaged include files, each macro call replaced by hand-written YAML."""
    from mkdocs_recipes.site.engine import INCLUDES_DIR

    written = {}
    for file in sorted(INCLUDES_DIR.glob("*.md")):
        text = file.read_text(encoding="utf-8")
        for macro, (title, body) in STATIC_YAML.items():
            if title == "":
                shown = body  # Markdown, not a code block
            elif title is None:
                shown = f"```bash\n{body}\n```"
            else:
                shown = f'```yaml title="{title}"\n{body}\n```'
            text = text.replace(f"{{{{ {macro}() }}}}", shown)
        assert "()" not in text, f"{file.name}: a macro call without a static stand-in"
        written[file.name] = text
    return written


def write_site(
    root: Path,
    pages: int,
    seed: bool,
    flavour: str = "plugin",
    mirrors: bool = True,
    linked: bool = True,
    values_url: str | None = None,
) -> Path:
    """Write the site under `root` and return its mkdocs.yml. `mirrors`: charts come
    from folders (offline); otherwise from their URLs as written (a benchmark points the
    recipes at its own server). `linked`: the other pages of the site the seed recipe
    links to exist (without them, each seed page has eight broken links: a site where
    every page has findings). `values_url`: every recipe sets `values_yaml_url` to it."""
    page = (SEED if seed else EXAMPLE).read_text(encoding="utf-8")
    namespace = re.search(r"^helmrelease_namespace: (\S+)$", page, re.M)
    assert namespace
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nThe [first recipe](page-0000.md).\n")
    for n in range(pages):
        text = page.replace(namespace.group(0), f"helmrelease_namespace: app-{n}")
        text = text.replace("title: ", f"title: App {n} - ", 1)
        text = re.sub(r"^(helmrelease_name|kustomization_name):.*\n", "", text, flags=re.M)
        text = text.replace("helm_chart_name:", f"helmrelease_name: app-{n}\nhelm_chart_name:", 1)
        text = re.sub(r"^description: .*$", f"description: App number {n}", text, flags=re.M)
        text = re.sub(r"^values_yaml_url:.*\n", "", text, flags=re.M)
        if values_url:
            text = text.replace(
                "helm_chart_name:", f"values_yaml_url: {values_url}\nhelm_chart_name:", 1
            )
        text += f"\n\nNext: [the next recipe](page-{(n + 1) % pages:04d}.md).\n"
        (docs / f"page-{n:04d}.md").write_text(text)
    # The site-wide link definitions real cookbooks append to every page.
    (root / "snippets").mkdir()
    (root / "snippets" / "links.md").write_text(
        "[k8s/dashboard]: https://github.com/kubernetes/dashboard\n"
        "[tfa]: https://github.com/thomseddon/traefik-forward-auth\n"
        "[kuberetesdashboard]: https://github.com/kubernetes/dashboard\n"
    )
    # The other pages of the site the seed recipe links to.
    for section in (
        ()
        if not linked
        else (
            "cluster",
            "deployment/flux",
            "external-dns",
            "ingress",
            "oidc-authentication",
            "oidc-authentication/providers",
            "persistence",
        )
    ):
        folder = docs / "kubernetes" / section
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(f"# {section}\n")
    if linked:
        (docs / "images").mkdir()
        (docs / "images" / "oauth2-proxy.png").write_bytes(b"PNG")
    includes = root / "includes"
    includes.mkdir()
    (includes / "recipe-before-you-start.md").write_text("Before you start.\n")
    plugins: list = ["search", {"macros": {"include_dir": "includes"}}]
    if flavour == "static":
        for name, text in static_includes().items():
            (includes / name).write_text(text)
    else:
        recipes: dict = {"cache_dir": str(root / "cache")}
        if mirrors:
            recipes["mirrors"] = {
                "https://stefanprodan.github.io/podinfo": str(
                    ROOT / "examples" / "chart-repository" / "podinfo"
                ),
                "https://oauth2-proxy.github.io/manifests/": str(root / "charts"),
            }
        plugins.append({"recipes": recipes})
    config = _write_config(
        root,
        "Benchmark",
        plugins,
        [
            "admonition",
            "attr_list",
            "footnotes",
            {
                "pymdownx.snippets": {
                    "base_path": [str(root / "snippets")],
                    "auto_append": ["links.md"],
                }
            },
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.highlight",
            {"pymdownx.tabbed": {"alternate_style": True}},
        ],
    )
    if seed and mirrors:
        from mkdocs_recipes.charts.package import write_repository

        write_repository([SHARED / "charts" / "oauth2-proxy" / "6.18.3"], root / "charts")
    return config


def _write_config(root: Path, name: str, plugins: list, extensions: list) -> Path:
    """mkdocs.yml of a Material site under `root`."""
    config = {
        "site_name": name,
        "theme": {"name": "material", "features": ["content.code.copy"]},
        "plugins": plugins,
        "markdown_extensions": extensions,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root / "mkdocs.yml"


PLAIN_PAGE = """---
title: Notes {n}
---

# Notes {n}

Prose about running things, with the kind of YAML examples documentation sites have, and
a little Jinja: this is {{{{ config.site_name }}}}.

```yaml title="deployment.yaml"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  labels:
    app: app-{n}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{n}
  template:
    metadata:
      labels:
        app: app-{n}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/app:1.{n}.0
          ports:
            - containerPort: 8080
```

Run it with Docker Compose instead:

```yaml title="docker-compose.yml"
services:
  app:
    image: ghcr.io/example/app:1.{n}.0
    ports:
      - "8080:8080"
    environment:
      LOG_LEVEL: info
```

A configuration file:

```yaml
server:
  port: 8080
  timeout: 30s
logging:
  level: info
```

Next: [the next notes](page-{next:04d}.md).
"""


def write_plain_site(root: Path, pages: int, plugin: bool) -> Path:
    """A site without recipes: Material + macros (+ recipes when `plugin`), pages of prose
    with three YAML examples each (a manifest, a compose file, a config file)."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nThe [first notes](page-0000.md).\n")
    for n in range(pages):
        (docs / f"page-{n:04d}.md").write_text(PLAIN_PAGE.format(n=n, next=(n + 1) % pages))
    plugins: list = ["search", "macros"]
    if plugin:
        plugins.append({"recipes": {"cache_dir": str(root / "cache")}})
    return _write_config(
        root,
        "Plain benchmark",
        plugins,
        ["admonition", "attr_list", "pymdownx.superfences", "pymdownx.highlight"],
    )
