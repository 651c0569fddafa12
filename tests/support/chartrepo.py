"""A real Helm chart repository, built at test time from ../shared/charts and served by a
real HTTP server on 127.0.0.1 (with ETags, Last-Modified and injectable faults)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from mkdocs_recipes.charts.package import PackagedChart, package_chart

from .counts import COUNTS
from .paths import SHARED

CHARTS = SHARED / "charts"
# Subcharts packaged as nested archives (the rest stay folders), to exercise both forms.
NESTED = {"oauth2-proxy": ("redis",), "kubernetes-dashboard": ("metrics-server",)}


def packaged_versions(chart: str) -> list[PackagedChart]:
    folders = sorted(p for p in (CHARTS / chart).iterdir() if (p / "Chart.yaml").exists())
    # The folder names the released version (cert-manager's git has a v0.0.0 placeholder).
    return [package_chart(folder, NESTED.get(chart, ()), folder.name) for folder in folders]


def build_repository(root: Path, chart: str, base_url: str) -> dict[str, PackagedChart]:
    """`root/<chart>/`: the real index.yaml (all versions kept) with the entries of the
    versions we have re-pointed at our archives: relative URLs stay relative."""
    folder = root / chart
    folder.mkdir(parents=True, exist_ok=True)
    packaged = {p.version: p for p in packaged_versions(chart)}
    index_path = CHARTS / chart / "index.yaml"
    if index_path.exists():
        index = yaml.safe_load(index_path.read_text(encoding="utf-8"))
    else:
        index = {"apiVersion": "v1", "entries": {chart: []}}
    entries = index["entries"].setdefault(chart, [])
    listed = {str(e["version"]) for e in entries}
    for version, archive in packaged.items():
        if version not in listed:
            entries.insert(
                0,
                {"apiVersion": "v2", "name": chart, "version": version, "urls": [archive.filename]},
            )
    for entry in entries:
        archive = packaged.get(str(entry["version"]))
        if archive is None:
            continue
        entry["digest"] = archive.digest
        relative = not str(entry["urls"][0]).startswith(("http://", "https://"))
        entry["urls"] = [archive.filename if relative else f"{base_url}/{chart}/{archive.filename}"]
        (folder / archive.filename).write_bytes(archive.data)
    (folder / "index.yaml").write_text(yaml.safe_dump(index, sort_keys=False))
    return packaged


class _Handler(SimpleHTTPRequestHandler):
    server: ChartServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        started = time.monotonic()
        try:
            self._get()
        finally:
            self.server.windows.append((self.path, started, time.monotonic()))

    def _get(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.requests[path].append(dict(self.headers))
        if self.server.latency:
            time.sleep(self.server.latency)
        fault = self.server.next_fault(path)
        if fault is None and self.server.fail_every:
            with self.server.lock:
                self.server.served += 1
                failing = self.server.served % self.server.fail_every == 0
            if failing:
                COUNTS["faults injected by the chart server"] += 1
                fault = "503"
        if fault == "slow":
            time.sleep(self.server.slow_seconds)
        elif fault == "retry-after":
            # Busy, come back in 50 s: urllib3 would wait that long, each retry.
            self.send_response(503)
            self.send_header("Retry-After", "50")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        elif fault == "drip-headers":
            # The status line and headers a byte at a time, each well inside the read
            # timeout, for ever (until the client gives up).
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 100000:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(self.server.drip_seconds)
            except OSError:
                pass
            self.close_connection = True
            return
        elif fault and fault.isdigit():
            self.send_error(int(fault))
            return
        file = Path(self.translate_path(path))
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = formatdate(int(file.stat().st_mtime), usegmt=True)
        if self.headers.get("If-None-Match") == etag or self._unmodified(file):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if fault == "corrupt":
            body = body[:-8] + b"XXXXXXXX"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        if fault == "drip":
            # One byte at a time, each well inside the read timeout, for ever.
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.server.drip_seconds)
            return
        if fault == "silent":
            time.sleep(self.server.slow_seconds)
            return
        if fault == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def _unmodified(self, file: Path) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or self.headers.get("If-None-Match"):
            return False
        try:
            return int(file.stat().st_mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False


class ChartServer(ThreadingHTTPServer):
    """Serves `root`. `faults[path]` is a queue of what the next requests get:
    an HTTP status ("500"), "slow", "truncate", "corrupt", "drip" (the body a byte at a
    time), "drip-headers" (the headers a byte at a time), "retry-after" (503 with
    `Retry-After: 50`) or "silent" (headers sent, then nothing)."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
        self.root = root
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.requests: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.slow_seconds = 3.0
        self.drip_seconds = 0.05
        #: Seconds added to every request (a far-away server).
        self.latency = 0.0
        #: Every n-th request fails with 503 (0: none).
        self.fail_every = 0
        self.served = 0
        self.lock = threading.Lock()
        #: (path, start, end) of every request, in monotonic seconds.
        self.windows: list[tuple[str, float, float]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def next_fault(self, path: str) -> str | None:
        queue = self.faults.get(path)
        if not queue:
            return None
        COUNTS["faults injected by the chart server"] += 1
        return queue.pop(0)

    def start(self) -> ChartServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
