"""Shared fixtures. Two speeds (pyproject.toml declares the ``slow`` marker):

- ``make check`` runs ``pytest -m "not slow"``: unit tests, data and bank validation, and the
  book's Sphinx extension built in-process on tiny books (``tests/roots/test-*/``, with
  sphinx.testing's ``app`` and ``make_app`` fixtures and ``@pytest.mark.sphinx(testroot=...)``).
- ``make test`` runs everything, ``slow`` included: the real book, built once per run by
  jupyter-book itself and shared (``student_site``; ``instructor_site`` and any other full
  build reuse its executed notebooks), Chromium, fresh virtualenvs, notebooks run in kernels,
  and classes of notebooks graded in the sandbox.

Both run in several processes (pytest-xdist: ``-n 2`` in pyproject.toml, ``-n 3`` for ``make
test``, whose slow tests often wait). What a whole run shares
(the built book, the wheel) is made once, by whichever process needs it first
(``helpers.shared``). The modules in ``helpers.ONE_PROCESS`` run all their tests in one process.

A test that asks for a full build or the browser must be marked ``slow``: collection fails if
it is not, so that ``make check`` stays fast.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from course.content import validate

from helpers import (
    BIN,
    LONG,
    ONE_PROCESS,
    ROOT,
    WHEELHOUSE,
    build_book,
    copy_repo,
    offline_env,
    reuse_executed,
    run,
    run_folder,
    shared,
    watch,
)

# Before any test module imports nbformat (and so jsonschema): without jsonschema's slow plug-in,
# which costs each test process about 1.3 s of CPU at collection (course/content/validate.py).
validate.jsonschema()

pytest_plugins = "sphinx.testing.fixtures"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLOW_FIXTURES = {"student_site", "instructor_site", "served_site", "browser", "page"}


def pytest_xdist_make_scheduler(config, log):
    """xdist's scheduling by scope, with a scope per test except the ``ONE_PROCESS`` modules,
    whose scope is the module. Larger scopes are sent first (xdist's rule), so the module that
    builds a book starts at once."""
    from xdist.scheduler import LoadScopeScheduling

    class OneProcessModules(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_PROCESS and nodeid not in LONG else nodeid

    return OneProcessModules(config, log)


def _tree_cpu() -> float:
    """CPU seconds used by this process and everything below it: the live processes' own time,
    and the time of the children they have waited for (so none is counted twice). Rough for a
    browser: the time of a renderer that ends unwaited-for leaves the sum, in whichever test it
    ends (so a browser test can even show less than nothing); the machine's total is exact."""
    tick, stats = os.sysconf("SC_CLK_TCK"), {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            stats[int(entry.name)] = (int(fields[1]), sum(map(int, fields[11:15])))  # ppid, cpu
    below, mine = {os.getpid()}, True
    while mine:
        mine = {pid for pid, (ppid, _) in stats.items() if ppid in below} - below
        below |= mine
    return sum(stats[pid][1] for pid in below if pid in stats) / tick


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """With COURSE_TEST_TIMELINE=<file>, one line per test (process, its parent, start, end, CPU
    seconds of its process tree, node id), so that benchmarks/suite.py can show where a run's
    time goes. (The parent tells a run's own processes from those of a pytest a test runs.)"""
    timeline = os.environ.get("COURSE_TEST_TIMELINE")
    start, cpu = time.time(), _tree_cpu() if timeline else 0
    yield
    if timeline:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        used = _tree_cpu() - cpu
        with open(timeline, "a", encoding="utf-8") as f:
            f.write(f"{worker}\t{os.getppid()}\t{start:.2f}\t{time.time():.2f}\t{used:.2f}\t{item.nodeid}\n")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.nodeid not in LONG)  # stable: the rest keep their order
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests build the whole book or drive Chromium: mark them "
            "@pytest.mark.slow (or the module: pytestmark = pytest.mark.slow):\n  " + "\n  ".join(unmarked)
        )


# ---------------------------------------------------------------- tiny books, in-process


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """sphinx.testing copies tests/roots/test-<name>/ into the session's temporary folder, once,
    for ``@pytest.mark.sphinx(testroot="<name>")``."""
    return ROOT / "tests" / "roots"


@pytest.fixture()
def tiny_book(rootdir, make_app, tmp_path):
    """A fresh copy of tests/roots/test-<name>/ for one test, to change before building:
    ``tiny_book(name, change=None, **app_kwargs)`` -> the Sphinx test app (not built yet).
    ``change(srcdir)`` edits the copy first."""

    def make(name: str, change=None, **kwargs):
        srcdir = tmp_path / name
        shutil.copytree(rootdir / f"test-{name}", srcdir)
        if change:
            change(srcdir)
        return make_app("html", srcdir=srcdir, **kwargs)

    return make


# ---------------------------------------------------------------- the grader


@pytest.fixture(autouse=True)
def installation(request, tmp_path_factory):
    """A test marked ``changes_the_installation`` writes into the installed grader on purpose;
    any grader running meanwhile in the other test process would see its files change and
    refuse to grade. So every test holds a shared lock for the run, and that test an exclusive
    one: it runs while no other test does."""
    base = run_folder(tmp_path_factory)
    alone = request.node.get_closest_marker("changes_the_installation") is not None
    with open(base / "installation.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        yield


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


# ---------------------------------------------------------------- what the course ships


@pytest.fixture(scope="session")
def student_repository(tmp_path_factory) -> Path:
    """`course release --to`: the student repository, written once. Read it; copy it to change it."""

    def make(out: Path) -> Path:
        run([BIN / "course", "release", "--to", out / "repo"])
        return out / "repo"

    return shared(tmp_path_factory, "student-repository", make)


@pytest.fixture(scope="session")
def course_wheel(tmp_path_factory) -> Path:
    """The course package as a wheel, built offline (the build backend comes from the wheelhouse)."""
    from course import project

    assert list(WHEELHOUSE.glob("hatchling-*.whl")), (
        f"{WHEELHOUSE} is empty: run `make wheelhouse` (make test does) to download the pinned wheels"
    )

    def make(out: Path) -> Path:
        args = ["wheel", "--quiet", "--no-deps", "--no-index", "--find-links", WHEELHOUSE, "--wheel-dir", out, ROOT]
        run([sys.executable, "-m", "pip", *args], env=offline_env(out))
        (wheel,) = out.glob(f"course-{project.version()}-*.whl")
        return wheel

    return shared(tmp_path_factory, "wheel", make)


# ---------------------------------------------------------------- the real book, built once


@pytest.fixture(scope="session")
def student_site(tmp_path_factory) -> Path:
    """The student site, built by jupyter-book as `make book` builds it, every notebook executed."""
    return shared(tmp_path_factory, "student-site", build_book)


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory, student_site) -> Path:
    """`course build-instructor`, with the notebooks the student build executed (the same files)."""

    def make(out: Path) -> Path:
        reuse_executed(student_site, out)
        run([BIN / "course", "build-instructor", "--out", out])
        return out / "_build" / "html"

    return shared(tmp_path_factory, "instructor-site", make)


# ---------------------------------------------------------------- serving and browsing


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on 127.0.0.1 (a random free port) in a thread; the server and its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _stop(server) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def served_site(student_site):
    """The student site on 127.0.0.1; yields its base URL."""
    server, url = _serve(student_site)
    yield url
    _stop(server)


@pytest.fixture()
def serve():
    """``serve(folder)`` -> the base URL of ``folder`` served on 127.0.0.1 for this test."""
    servers = []

    def start(folder: Path) -> str:
        server, url = _serve(folder)
        servers.append(server)
        return url

    yield start
    for server in servers:
        _stop(server)


@pytest.fixture(scope="session")
def browser():
    assert os.path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
        "(apt-get install chromium); .ci/run installs it."
    )
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
    pg = watch(context.new_page(), served_site)
    pg.base = served_site
    yield pg
    context.close()


@pytest.fixture()
def repo_copy(tmp_path) -> Path:
    """A copy of the repository's course files, for tests that break things on purpose."""
    return copy_repo(tmp_path / "repo")
