"""The screenshot of the docs' "In your editor" page: Neovim (Debian's `neovim`, its
built-in LSP client) in a real terminal (tmux), editing this docs site's podinfo recipe
with `mkdocs-recipes lsp`: a typo typed in a values key and its diagnostic, and the
completion menu under `ingress:`. Driven by tests/front_ends/neovim_lsp.lua, the script
the Neovim test runs.

The terminal's screen is captured with its colours (`tmux capture-pane -e`), written as
HTML, and rendered to PNG by headless `chromium`: docs/images/editor-neovim.png.

Run: bash scripts/setup && .venv/bin/python scripts/editor_screenshot.py
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "editor-neovim.png"
COLUMNS, ROWS = 110, 34
# The 16 colours of the terminal (xterm's defaults, a little softened).
BASIC = [
    "#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]  # fmt: skip
FOREGROUND, BACKGROUND = "#d4d4d4", "#1e1e1e"


def colour_256(number: int) -> str:
    if number < 16:
        return BASIC[number]
    if number < 232:
        number -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[number // 36], steps[number // 6 % 6], steps[number % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    grey = 8 + (number - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def ansi_html(text: str) -> str:
    """The terminal's screen (text with SGR colour codes) as HTML spans."""
    state = {"fg": None, "bg": None, "bold": False, "underline": False, "reverse": False}
    parts: list[str] = []
    for piece in re.split(r"(\x1b\[[0-9;:]*m)", text):
        if piece.startswith("\x1b["):
            codes = [int(c) if c else 0 for c in re.split(r"[;:]", piece[2:-1])] or [0]
            i = 0
            while i < len(codes):
                code = codes[i]
                if code == 0:
                    state = {k: (False if isinstance(v, bool) else None) for k, v in state.items()}
                elif code == 1:
                    state["bold"] = True
                elif code in (4, 21):
                    state["underline"] = True
                elif code == 7:
                    state["reverse"] = True
                elif code == 22:
                    state["bold"] = False
                elif code == 24:
                    state["underline"] = False
                elif code == 27:
                    state["reverse"] = False
                elif 30 <= code <= 37 or 90 <= code <= 97:
                    state["fg"] = BASIC[code - 30 if code < 90 else code - 82]
                elif 40 <= code <= 47 or 100 <= code <= 107:
                    state["bg"] = BASIC[code - 40 if code < 100 else code - 92]
                elif code == 39:
                    state["fg"] = None
                elif code == 49:
                    state["bg"] = None
                elif code in (38, 48) and i + 1 < len(codes):
                    key = "fg" if code == 38 else "bg"
                    if codes[i + 1] == 5 and i + 2 < len(codes):
                        state[key] = colour_256(codes[i + 2])
                        i += 2
                    elif codes[i + 1] == 2 and i + 4 < len(codes):
                        r, g, b = codes[i + 2 : i + 5]
                        state[key] = f"#{r:02x}{g:02x}{b:02x}"
                        i += 4
                i += 1
            continue
        if not piece:
            continue
        fg, bg = state["fg"] or FOREGROUND, state["bg"] or BACKGROUND
        if state["reverse"]:
            fg, bg = bg, fg
        style = f"color:{fg};background:{bg}"
        if state["bold"]:
            style += ";font-weight:bold"
        if state["underline"]:
            style += ";text-decoration:underline"
        parts.append(f'<span style="{style}">{html.escape(piece)}</span>')
    return "".join(parts)


def docs_site(folder: Path) -> Path:
    """A copy of this docs site (offline: its lockfile and the folder mirror)."""
    for name in ("docs", "includes", "examples"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "recipes.lock", folder / "recipes.lock")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    return folder / "docs" / "recipes" / "podinfo.md"


def main() -> None:
    for tool in ("nvim", "tmux", "chromium"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install neovim tmux chromium")
    work = Path(tempfile.mkdtemp(prefix="editor-shot-"))
    page = docs_site(work / "site")
    seen = work / "seen.json"
    session = "recipes-shot"
    command = json.dumps([sys.executable, "-m", "mkdocs_recipes", "lsp", "--offline"])
    environment = {
        "RECIPES_PAGE": str(page),
        "RECIPES_OUT": str(seen),
        "RECIPES_LSP_CMD": command,
        "RECIPES_STAY": "1",
    }
    exports = " ".join(f"{k}={json.dumps(v)}" for k, v in environment.items())
    script = ROOT / "tests" / "front_ends" / "neovim_lsp.lua"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            str(COLUMNS),
            "-y",
            str(ROWS),
            "-c",
            str(page.parent),
            f"env {exports} TERM=tmux-256color nvim --clean -n "
            f"-c 'set termguicolors' -c 'luafile {script}'",
        ],
        check=True,
    )
    deadline = time.monotonic() + 120
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if not seen.exists():
        raise SystemExit("Neovim did not get through the script in 120 s")
    time.sleep(2)  # the completion menu and the diagnostic drawn
    # Scroll so that the typo and the menu are both on screen.
    screen = subprocess.run(
        ["tmux", "capture-pane", "-e", "-p", "-t", session],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    report = json.loads(seen.read_text())
    if "error" in report:
        raise SystemExit(f"the Neovim script failed: {report['error']}")
    body = ansi_html(screen)
    document = work / "screen.html"
    document.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        f"body{{margin:0;background:{BACKGROUND}}}"
        "pre{margin:0;padding:10px;font:14px/1.25 'DejaVu Sans Mono',monospace}"
        f"</style></head><body><pre>{body}</pre></body></html>",
        encoding="utf-8",
    )
    width, height = COLUMNS * 9 + 20, ROWS * 18 + 20
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={work / 'profile'}",
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={OUT}",
            document.as_uri(),
        ],
        check=True,
        capture_output=True,
        env={**os.environ},
    )
    print(f"{OUT.relative_to(ROOT)}: {report['diagnostics'][0]['message'].splitlines()[0]}")


if __name__ == "__main__":
    main()
