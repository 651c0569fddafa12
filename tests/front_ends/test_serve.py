"""`mkdocs serve`: an author edits a recipe page and sees the finding for the edited line."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from support.waiting import free_port, wait_for

pytestmark = pytest.mark.slow


def test_serve_reports_a_typo_as_the_author_saves(site, seed_text, tmp_path) -> None:
    page = site.page("r.md", seed_text)
    site.write_config()
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - read while the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site.root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:

        def serving() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/r/", timeout=1) as answer:
                    return b"helmrelease-oauth2-proxy.yaml" in answer.read()
            except OSError:
                return False

        assert wait_for(serving, 60), (tmp_path / "serve.log").read_text()
        assert "[values-unknown-key]" not in (tmp_path / "serve.log").read_text()

        page.write_text(seed_text.replace('cookieName: ""', 'cookieNam: ""'))
        line = seed_text.split("\n").index('      cookieName: ""') + 1

        def reported() -> bool:
            return (
                f"docs/r.md:{line}: [values-unknown-key] `cookieNam`"
                in (tmp_path / "serve.log").read_text()
            )

        assert wait_for(reported, 60), (tmp_path / "serve.log").read_text()

        # ... and on the page itself, right after the block, with the hint.
        def shown() -> bool:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/r/", timeout=5) as answer:
                html = answer.read().decode()
            title = f'<p class="admonition-title">line {line}: values-unknown-key</p>'
            return title in html and "did you mean <code>cookieName</code>" in html

        assert wait_for(shown, 30)
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def test_rebuilds_reuse_what_did_not_change(site, seed_text) -> None:
    """As `mkdocs serve` does: one plugin object (it has on_startup) across rebuilds, each
    with a freshly loaded config. Only the edited page is analysed again; an edit of the
    lockfile or of an include file makes every page be analysed again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for name in ("a", "b", "c"):
        site.page(
            f"{name}.md",
            seed_text.replace(
                "helmrelease_namespace: kubernetes-dashboard", f"helmrelease_namespace: {name}"
            ),
        )
    site.write("includes/note.md", "A note.\n")
    site.plugins = ["recipes", {"macros": {"include_dir": "includes"}}]
    config_file = str(site.write_config())
    cwd = os.getcwd()
    os.chdir(site.root)  # mkdocs-macros reads include_dir relative to it
    config = load_config(config_file)
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["recipes"]
    try:

        def rebuild() -> list[str]:
            config = load_config(config_file)
            assert config.plugins["recipes"] is plugin
            build(config)
            assert plugin.session is not None
            return sorted(plugin.session.analysed)

        assert rebuild() == ["a.md", "b.md", "c.md", "index.md"]
        resolver = plugin.session.resolver
        assert rebuild() == []
        assert plugin.session.resolver is resolver
        site.page(
            "b.md", (site.root / "docs" / "b.md").read_text().replace("cookieName", "cookieNam")
        )
        assert rebuild() == ["b.md"]
        # Findings of pages kept from earlier builds are still reported, and shown.
        html = (site.root / "site" / "b" / "index.html").read_text()
        assert "values-unknown-key" in html
        site.write("includes/note.md", "Another note.\n")
        assert rebuild() == ["a.md", "b.md", "c.md", "index.md"]
        site.write("recipes.lock", "version: 1\ncharts: []\n")
        assert rebuild() == ["a.md", "b.md", "c.md", "index.md"]
        assert plugin.session.resolver is not resolver
    finally:
        config.plugins.on_shutdown()
        os.chdir(cwd)
    assert plugin.session is None and plugin.command is None


def test_serve_watches_the_lockfile_and_snippets_outside_docs_never_the_site(
    site, seed_text
) -> None:
    """With a real LiveReloadServer: the lockfile and a snippets folder beside docs/ are
    watched; the default snippets base_path (the project folder, which holds the built
    site) is not, or every build would trigger the next."""
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    site.page("r.md", seed_text)
    site.write("recipes.lock", "version: 1\ncharts: []\n")
    site.write("snippets/links.md", "[x]: https://example.com\n")
    site.extra_config["markdown_extensions"] = [
        "admonition",
        {"pymdownx.snippets": {"base_path": [".", "snippets"]}},
    ]
    config_file = str(site.write_config())
    cwd = os.getcwd()
    os.chdir(site.root)
    config = load_config(config_file)
    config.plugins.on_startup(command="serve", dirty=False)
    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=0, root=str(site.root / "site")
    )
    try:
        config.plugins.run_event("config", config)
        server = config.plugins.on_serve(server, config=config, builder=lambda: None)
        watched = set(server._watched_paths)
    finally:
        server.server_close()
        config.plugins.on_shutdown()
        os.chdir(cwd)
    root = site.root.resolve()
    assert str(root / "recipes.lock") in watched
    assert str(root / "snippets") in watched
    assert str(root) not in watched
