"""Shared fixtures: the real book, built once per session by jupyter-book itself."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def run(cmd, **kw):
    """Run a command; on failure show its output in the assertion message."""
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return proc


def build_book(out: Path, *extra: str) -> Path:
    from course import project

    proc = run([*project.build_command(ROOT, out=out), *extra])
    assert proc.returncode == 0, f"book build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out / "_build" / "html"


@pytest.fixture(autouse=True)
def fresh_grader(monkeypatch):
    """Each test is a fresh grader: the tamper check's first snapshot is its own."""
    from course.grading import grade

    monkeypatch.setattr(grade, "_BASELINE", {})


@pytest.fixture(params=["sandbox", "no sandbox"])
def mode(request, monkeypatch):
    """Run the test twice: in the sandbox, and without it (--trusted-code-no-sandbox). The
    test module's own ``UNSAFE`` switch tells its grading helper which."""
    monkeypatch.setitem(request.module.UNSAFE, "on", request.param == "no sandbox")
    return request.param


@pytest.fixture(scope="session")
def student_site(tmp_path_factory) -> Path:
    return build_book(tmp_path_factory.mktemp("student"))


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("instructor")
    proc = run([str(BIN / "course"), "build-instructor", "--out", str(out)])
    assert proc.returncode == 0, f"instructor build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out / "_build" / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(student_site):
    """The student site on 127.0.0.1 (a random free port); yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(student_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    assert os.path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
        "(apt-get install chromium); .ci/run installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, served_site):
    """A fresh page that records console errors, page errors and any non-local request
    (which it blocks)."""
    context = browser.new_context()
    pg = context.new_page()
    pg.errors, pg.external = [], []
    pg.on("pageerror", lambda e: pg.errors.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(f"console: {m.text}"))

    def route(r):
        if r.request.url.startswith(served_site):
            r.continue_()
        else:
            pg.external.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.base = served_site
    yield pg
    context.close()


@pytest.fixture()
def repo_copy(tmp_path) -> Path:
    """A copy of the repository's course files, for tests that break things on purpose."""
    dest = tmp_path / "repo"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__",
                                                              ".pytest_cache", ".wheelhouse"))
    return dest
