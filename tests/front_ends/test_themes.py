"""The plugin's includes and in-page findings under the themes sites use after Material's
end of life: Material itself, its continuation MaterialX (`mkdocs-materialx`, theme
`materialx`), and a ProperDocs site with no `theme:` (ProperDocs' default `mkdocs` theme,
from the `properdocs-theme-mkdocs` package). Each in a fresh virtual environment with the
project's wheel, built for real; the same page, the same checks on the HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support.fresh import build_wheel, fresh_venv, run
from support.html import code_blocks

pytestmark = pytest.mark.slow

PAGE = """\
---
helm_chart_name: podinfo
helm_chart_version: "6.5.x"
helm_chart_repo_url: https://stefanprodan.github.io/podinfo
helmrelease_namespace: podinfo
---

# Podinfo

{% include 'kubernetes-flux-namespace.md' %}

{% include 'kubernetes-flux-helmrelease.md' %}

```yaml
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: HelmRepository
metadata:
  name: podinfo
spec:
  url: https://stefanprodan.github.io/podinfo
```

After the block.
"""

#: name -> (packages beside the wheel, theme in the configuration, build command,
#: configuration file name).
THEMES = {
    "material": (("mkdocs-material",), {"name": "material"}, "mkdocs", "mkdocs.yml"),
    "materialx": (("mkdocs-materialx",), {"name": "materialx"}, "properdocs", "mkdocs.yml"),
    # Pygments: without it pymdownx.highlight leaves highlighting to the theme's
    # highlight.js, and a block's title (the file a reader creates) is not shown.
    "properdocs-no-theme": (
        ("properdocs", "properdocs-theme-mkdocs", "pymdown-extensions", "pygments"),
        None,
        "properdocs",
        "properdocs.yml",
    ),
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def site(folder: Path, theme: dict | None, name: str, strict_page: bool) -> Path:
    config: dict = {"site_name": "Themes"}
    if theme is not None:
        config["theme"] = theme
    config["plugins"] = [
        "macros",
        {"recipes": {"resolve_charts": False, "show_findings": "always"}},
    ]
    config["markdown_extensions"] = [
        "admonition",
        "attr_list",
        "pymdownx.superfences",
        "pymdownx.highlight",
    ]
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(config, sort_keys=False))
    (folder / "docs" / "index.md").write_text("# Home\n")
    page = PAGE if not strict_page else PAGE.replace("/v1beta2", "/v1")
    (folder / "docs" / "podinfo.md").write_text(page)
    return folder


@pytest.mark.parametrize("theme_name", list(THEMES))
def test_includes_and_findings_show_in_each_theme(wheel, tmp_path, theme_name) -> None:
    packages, theme, command, config_name = THEMES[theme_name]
    bin_dir = fresh_venv(tmp_path / "venv", str(wheel), *packages)
    env = {"MKDOCS_RECIPES_OFFLINE": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    tool = str(bin_dir / command)

    # A page with an error: the build goes on (not strict) and shows it in the page.
    folder = site(tmp_path / "site", theme, config_name, strict_page=False)
    built = run([tool, "build"], folder, env)
    html = (folder / "site" / "podinfo" / "index.html").read_text(encoding="utf-8")
    blocks = code_blocks(html)
    titles = [block.title for block in blocks]
    # The includes' Flux YAML, each block titled with the file a reader creates.
    assert "/bootstrap/namespaces/namespace-podinfo.yaml" in titles, (titles, built.stderr)
    assert "/podinfo/helmrelease-podinfo.yaml" in titles, titles
    release = next(b for b in blocks if b.title == "/podinfo/helmrelease-podinfo.yaml")
    assert "helm.toolkit.fluxcd.io/v2" in release.text
    # The finding: an admonition right after the block, and the summary at the top.
    after = html[html.index("v1beta2") :]
    box = after[: after.index("After the block")]
    assert 'class="admonition danger"' in box and "flux-api-not-served" in box, box[-1500:]
    top = html[: html.index("v1beta2")]
    assert "mkdocs-recipes: 1 error on this page" in top

    # The same site, fixed, passes a strict build; the error fails it, naming the line.
    # (ProperDocs warns when no theme is named, which a strict build counts: name it.)
    theme = theme or {"name": "mkdocs"}
    folder = site(tmp_path / "site", theme, config_name, strict_page=False)
    failing = run([tool, "build", "--strict"], folder, env, check=False)
    assert failing.returncode == 1 and "docs/podinfo.md:15: [flux-api-not-served]" in (
        failing.stdout + failing.stderr
    ), failing.stderr[-2000:]
    fixed = site(tmp_path / "fixed", theme, config_name, strict_page=True)
    run([tool, "build", "--strict"], fixed, env)


def test_a_theme_less_properdocs_site_without_the_theme_package_says_what_to_install(
    wheel, tmp_path
) -> None:
    bin_dir = fresh_venv(tmp_path / "venv", str(wheel), "properdocs", "pymdown-extensions")
    folder = site(tmp_path / "site", None, "properdocs.yml", strict_page=True)
    done = run([str(bin_dir / "properdocs"), "build"], folder, check=False)
    assert done.returncode != 0
    assert "pip install properdocs-theme-mkdocs" in done.stdout + done.stderr
