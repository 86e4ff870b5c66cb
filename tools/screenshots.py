"""Write the README's pictures of the demo: the HTML report (headless Chromium) and the terminal summary (SVG).

Maintainers only (`make screenshots`); needs Debian's chromium. Reads what `make demo` wrote.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from citecheck.audit import run_audit
from citecheck.config import build_sources, load_settings
from citecheck.document import load
from citecheck.report.terminal import render_terminal

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
DEMO = ROOT / "citecheck" / "data" / "demo"


def html_screenshot() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots: no chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
                        "--window-size=1280,1600", f"--screenshot={OUT / 'report.png'}",
                        (ROOT / "reports" / "demo.html").as_uri()], check=True, capture_output=True, timeout=120)


def terminal_svg() -> None:
    settings = load_settings({"offline": True, "indexes": [DEMO / "index.jsonl"],
                              "cache_dir": ROOT / ".demo-cache"})
    sources, _ = build_sources(settings)
    audit = run_audit(load(DEMO / "review.zh.md"), sources)
    console = Console(record=True, width=110, file=io.StringIO())
    render_terminal([audit], console)
    console.save_svg(str(OUT / "terminal.svg"), title="citecheck check (demo)")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    html_screenshot()
    terminal_svg()
    print(f"wrote {OUT / 'report.png'} and {OUT / 'terminal.svg'}")


if __name__ == "__main__":
    main()
