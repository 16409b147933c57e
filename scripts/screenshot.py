"""Take a screenshot of a running workbench page with Debian's chromium (for the README and checks).

Usage: python scripts/screenshot.py URL OUT.png [--wait-text TEXT] [--width 1400] [--height 900]
"""

from __future__ import annotations

import argparse
import shutil

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--wait-text", default=None)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument(
        "--click", action="append", default=[], help="text to click first (repeatable)"
    )
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.url)
        if args.wait_text:
            page.get_by_text(args.wait_text).first.wait_for(timeout=30_000)
        for text in args.click:
            page.get_by_text(text, exact=True).first.click()
            page.wait_for_timeout(1000)
        page.wait_for_timeout(1500)
        page.screenshot(path=args.out, full_page=args.full_page)
        browser.close()


if __name__ == "__main__":
    main()
