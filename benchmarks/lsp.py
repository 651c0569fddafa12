"""Benchmark: the language server as an editor meets it, over stdio.

A site of N copies of the real seed recipe (sites.py, `--page seed`: 155 lines, three
values blocks, six includes; the chart from a folder mirror), and `mkdocs-recipes lsp`
started as an editor starts it. Measured, from this client's side of the pipe:

* open: the page opened to its first diagnostics (the site loaded), and to the
  diagnostics with its chart;
* keystroke: one character typed in a values key (a typo made, then undone, so the
  diagnostics change each time) to the diagnostics of that text;
* completion: a completion request at a values key to its answer;
* save: the page saved to the diagnostics of the checks across pages (the whole site,
  through `check`'s cache: the first save fills it), three times; and keystrokes typed
  while that check runs (60: 20 after each of three saves).

Each is run with the chart cache warm (filled by a check before) and cold (emptied: the
chart is resolved in the background while the first diagnostics are already out).
Figures are p50 and p95 over `--keys` keystrokes and completions, in milliseconds.
Targets (the issue): keystroke p95 < 300 ms and completion p95 < 100 ms on the warm
200-page site.

Run: .venv/bin/python benchmarks/lsp.py [--pages 200 1000] [--keys 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sites import precompile, write_site


class Client:
    """A minimal LSP client over a server's stdin and stdout."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.condition = threading.Condition()
        self.responses: dict[int, dict] = {}
        self.diagnostics: list[tuple[float, str, list]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline().strip()) != b"":
                if not line and out.closed:
                    return
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not length:
                return
            message = json.loads(out.read(length))
            now = time.perf_counter()
            with self.condition:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.diagnostics.append((now, params["uri"], params["diagnostics"]))
                elif "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                self.condition.notify_all()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params})
        with self.condition:
            self.condition.wait_for(lambda: number in self.responses, timeout=120)
            return self.responses.pop(number)

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def diagnostics_after(self, moment: float, uri: str, wanted=None) -> tuple[float, list]:
        """The first diagnostics of `uri` published after `moment` (that `wanted` accepts)."""

        def found():
            for at, where, diagnostics in self.diagnostics:
                if at > moment and where == uri and (wanted is None or wanted(diagnostics)):
                    return at, diagnostics
            return None

        with self.condition:
            self.condition.wait_for(lambda: found() is not None, timeout=120)
            result = found()
        if result is None:
            raise SystemExit(f"no diagnostics for {uri} within 120 s")
        return result

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.process.wait(timeout=30)


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f}  p95 {p95 * 1000:6.1f}"


def measure(root: Path, keys: int, cold: bool) -> dict[str, str]:
    if cold:
        shutil.rmtree(root / "cache", ignore_errors=True)
    page = root / "docs" / "page-0000.md"
    text = page.read_text(encoding="utf-8")
    uri = page.as_uri()
    lines = text.split("\n")
    # The first key of the page's first values block (`    config:` in the seed).
    number = next(n for n, line in enumerate(lines) if line.startswith("```yaml")) + 1
    key_end = len(lines[number].rstrip().rstrip(":"))
    client = Client([sys.executable, "-m", "mkdocs_recipes", "lsp"], root)
    client.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    started = time.perf_counter()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    first, _ = client.diagnostics_after(started, uri)
    # With its chart: hover answers on a values key.
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        answer = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": number, "character": 5}},
        )
        if answer.get("result"):
            break
        time.sleep(0.01)
    else:
        raise SystemExit(f"no hover on {lines[number]!r} within 120 s")
    charted = time.perf_counter()
    typing, completing = [], []
    version = 1

    def keystroke() -> float:
        """One character typed (a typo made, or undone): seconds to its diagnostics."""
        nonlocal version
        version += 1
        typo = version % 2 == 0
        change = {
            "range": {
                "start": {"line": number, "character": key_end},
                "end": {"line": number, "character": key_end + (0 if typo else 1)},
            },
            "text": "x" if typo else "",
        }
        sent = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        at, _ = client.diagnostics_after(sent, uri, lambda found: bool(found) == typo)
        return at - sent

    for _ in range(keys):
        typing.append(keystroke())
        sent = time.perf_counter()
        client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": number, "character": 6}},
        )
        completing.append(time.perf_counter() - sent)
    # Saved: the page read again, then the checks across pages over the whole site (the
    # second publication), answered from the check cache where it can.
    saves = []
    for _ in range(3):
        sent = time.perf_counter()
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        first_at, _ = client.diagnostics_after(sent, uri)
        second_at, _ = client.diagnostics_after(first_at, uri)
        saves.append(second_at - sent)
    # Typing on while the whole site is checked (in a process of its own).
    during = []
    for _ in range(3):
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        during += [keystroke() for _ in range(20)]
        time.sleep(max(saves) + 0.5)
    client.close()
    return {
        "save": ", ".join(f"{value * 1000:.0f}" for value in saves),
        "during": percentiles(during),
        "open": f"{(first - started) * 1000:7.0f} ms to first, "
        f"{(charted - started) * 1000:7.0f} ms with chart",
        "keystroke": percentiles(typing),
        "completion": percentiles(completing),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--keys", type=int, default=200)
    options = parser.parse_args()
    precompile()
    bin_dir = Path(sys.executable).parent
    print(f"seed pages; {options.keys} keystrokes and completions; milliseconds")
    for pages in options.pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-lsp-{pages}-"))
        write_site(root, pages, True)
        subprocess.run(
            [str(bin_dir / "mkdocs-recipes"), "check"], cwd=root, check=False, capture_output=True
        )
        for cold in (False, True):
            found = measure(root, options.keys, cold)
            label = f"{pages:>5} pages, {'cold' if cold else 'warm'}"
            print(f"{label}: open {found['open']}")
            print(f"{'':>17}  keystroke  {found['keystroke']}")
            print(f"{'':>17}  completion {found['completion']}")
            print(f"{'':>17}  save, whole site checked: {found['save']} ms")
            print(f"{'':>17}  keystroke while it runs {found['during']}")


if __name__ == "__main__":
    main()
