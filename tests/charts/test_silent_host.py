"""A chart host that accepts the connection and never answers: a build and a check give it
up after the documented first-byte budget (10 s), name it on the terminal while they wait,
and report it once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from mkdocs_recipes.charts.fetch import FetchError, Http, NetworkPolicy
from support.site import Site

pytestmark = pytest.mark.slow

#: The documented budget (docs/guide/charts.md), and what a build may add around it.
BUDGET = NetworkPolicy().read_timeout
SLACK = 12.0


@pytest.fixture
def silent_host() -> Iterator[str]:
    """host:port of a loopback server that accepts every connection and says nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            held.append(connection)  # kept open, never written to

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        server.close()


PAGE = """\
---
helm_chart_name: podinfo
helm_chart_version: "6.5.x"
helm_chart_repo_url: http://{host}/charts
helmrelease_namespace: podinfo
---

# Podinfo

```yaml
    replicaCount: 2
```
"""


def test_a_build_and_a_check_give_a_silent_host_up_in_time_and_name_it(
    tmp_path, silent_host
) -> None:
    site = Site(tmp_path, recipes_options={"cache": False})
    site.page("podinfo.md", PAGE.format(host=silent_host))
    started = time.monotonic()
    built = site.run("mkdocs", "build")
    took = time.monotonic() - started
    assert built.ok, built.output
    assert took < BUDGET + SLACK, f"{took:.1f} s\n{built.output}"
    # Named while it waits, then reported as the reason the chart is missing.
    assert f"recipes: waiting for {silent_host} to answer (given up after 10 s)" in built.output
    assert built.output.count(f"waiting for {silent_host}") == 1
    assert f"http://{silent_host}/charts/index.yaml" in built.output
    assert "timed out" in built.output

    started = time.monotonic()
    checked = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--no-cache"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"},
        timeout=120,
    )
    took = time.monotonic() - started
    assert took < BUDGET + SLACK, f"{took:.1f} s\n{checked.stdout}{checked.stderr}"
    assert f"waiting for {silent_host} to answer" in checked.stderr
    assert f"http://{silent_host}/charts/index.yaml" in checked.stdout


def test_a_host_given_up_is_not_asked_again_by_the_same_client(silent_host) -> None:
    """One client per build, kept by `mkdocs serve` across rebuilds while the indexes are
    fresh: a silent host costs one wait, not one per page or per rebuild."""
    http = Http(NetworkPolicy(read_timeout=1.0, notice_after=0.2))
    seen: list[str] = []
    from mkdocs_recipes.charts import fetch

    before = fetch._wait_notice[0] if fetch._wait_notice else None
    fetch.set_wait_notice(seen.append)
    try:
        started = time.monotonic()
        for path in ("a/index.yaml", "b/index.yaml", "c/chart.tgz"):
            with pytest.raises(FetchError):
                http.get(f"http://{silent_host}/{path}", max_bytes=1024)
        took = time.monotonic() - started
    finally:
        fetch.set_wait_notice(before)
    assert http.attempts == {silent_host: 1}
    assert took < 5, took
    assert seen == [f"recipes: waiting for {silent_host} to answer (given up after 10 s)"]
