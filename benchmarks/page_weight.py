"""Page weight (`make bench-weight`): the bytes each page of the built site loads.

Every page of the site (default `_build/html`) is opened in headless Chromium, scrolled to the
end (so lazy images load too), and every request it makes is recorded. A file the browser asks
for is counted at its size on disk: the site is static and served uncompressed here, so that is
what travels. Files that EVERY page loads (the theme's CSS, JavaScript and fonts) are the shared
assets: they are counted once, in their own table, since a reader's browser caches them. All the
rest (the page's HTML, its images, scripts only some pages use) is the page's own weight, and a
page whose own weight is over the limit (300 kB, 1 kB = 1000 bytes) is flagged.

Figures, not pass/fail: the exit status is 0 whatever the weights (it is not 0 only when there
is nothing to measure).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LIMIT_KB = 300


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, except Sphinx's own folders (_static, _sources, ...)."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_")
    )


def _on_disk(site: Path, url: str) -> Path:
    path = site / unquote(urlsplit(url).path).lstrip("/")
    return path / "index.html" if path.is_dir() else path


def _recorder(site: Path, base: str, files: set, outside: list, page_path: str):
    """A route handler: note each site file requested, block anything from elsewhere."""

    def route(r):
        url = r.request.url
        if url.startswith(base):
            files.add(_on_disk(site, url).relative_to(site).as_posix())
            r.continue_()
        else:
            outside.append(f"{page_path}: {url}")
            r.abort()

    return route


def record_loads(site: Path, pages: list[str], browser=None) -> tuple[dict[str, set[str]], list[str]]:
    """For each page, the site files its browser requests; and any request that left the site
    (blocked: the book must load nothing from elsewhere). `browser`: a running Playwright
    Chromium to use (the tests pass theirs); without one, Debian's chromium is launched."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                return record_loads(site, pages, browser)
            finally:
                browser.close()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    loads, outside = {}, []
    try:
        for page_path in pages:
            # A fresh context per page: an empty cache, so every file the page needs is requested.
            context = browser.new_context()
            page = context.new_page()
            files: set[str] = set()
            page.route("**/*", _recorder(site, base, files, outside, page_path))
            page.goto(base + page_path)
            page.wait_for_load_state("networkidle")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            context.close()
            loads[page_path] = files
    finally:
        server.shutdown()
        server.server_close()
    return loads, outside


def weigh(site: Path, loads: dict[str, set[str]]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Split the loads into shared assets (requested by every page) and each page's own files,
    with their sizes in bytes (0 for a file the page asked for that does not exist)."""

    def size(f):
        return (site / f).stat().st_size if (site / f).is_file() else 0

    shared = set.intersection(*loads.values()) - set(loads) if len(loads) > 1 else set()
    shared_sizes = {f: size(f) for f in sorted(shared)}
    own = {page: {f: size(f) for f in sorted(files - shared)} for page, files in loads.items()}
    return shared_sizes, own


def kb(n: int) -> str:
    return f"{n / 1000:8.1f}"


def report(shared: dict[str, int], own: dict[str, dict[str, int]], limit_kb: int = LIMIT_KB) -> str:
    limit = limit_kb * 1000
    lines = [f"{'page':<42} {'HTML kB':>8} {'assets kB':>9} {'own kB':>8}  files  flag", "-" * 84]
    for page, files in own.items():
        html = files.get(page, 0)
        total = sum(files.values())
        flag = f"OVER {limit_kb} kB" if total > limit else ""
        lines.append(f"{page:<42} {kb(html)} {kb(total - html):>9} {kb(total)} {len(files):6}  {flag}")
    flagged = [p for p, f in own.items() if sum(f.values()) > limit]
    lines += [
        "",
        f"Shared assets, loaded by every page (counted once): {len(shared)} files, "
        f"{sum(shared.values()) / 1000:.1f} kB",
    ]
    lines += [f"  {kb(n)} kB  {f}" for f, n in sorted(shared.items(), key=lambda x: -x[1])]
    lines += [
        "",
        f"Pages: {len(own)}; own weight of all pages together: "
        f"{sum(sum(f.values()) for f in own.values()) / 1000:.1f} kB; "
        f"over {limit_kb} kB: {', '.join(flagged) if flagged else 'none'}",
    ]
    heavy = sorted(((n, f, p) for p, files in own.items() for f, n in files.items() if f != p), reverse=True)[:5]
    if heavy:
        lines += ["Largest page-specific files:"]
        lines += [f"  {kb(n)} kB  {f}  (on {p})" for n, f, p in heavy]
    return "\n".join(lines)


def main(argv: list[str] | None = None, browser=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site (default _build/html)")
    ap.add_argument("--limit-kb", type=int, default=LIMIT_KB, help="flag pages whose own weight is over this")
    args = ap.parse_args(argv)
    pages = site_pages(args.site) if args.site.is_dir() else []
    if not pages:
        print(
            f"page_weight: no HTML pages in {args.site}. Build the site first (make book), or give "
            "--site the folder of a built site.",
            file=sys.stderr,
        )
        return 2
    if browser is None and not Path(CHROMIUM).exists():
        print(f"page_weight: {CHROMIUM} is missing; install Debian's chromium (make chromium).", file=sys.stderr)
        return 2
    loads, outside = record_loads(args.site, pages, browser)
    shared, own = weigh(args.site, loads)
    print(report(shared, own, args.limit_kb))
    if outside:
        print(f"\nRequests that left the site (blocked): {len(outside)}")
        print("\n".join(f"  {o}" for o in outside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
