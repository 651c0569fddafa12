"""`mkdocs serve`: an author edits a recipe page and sees the finding for the edited line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


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
    finally:
        server.terminate()
        server.wait(10)
        log.close()
