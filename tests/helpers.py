"""What several test modules share that is not a fixture (the fixtures are in conftest.py):
running a command, building the book, and the searches that find instructor-only text where
students could read it. Test modules import this module, never each other."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from course import project
from course.content import exercises, questions, rubrics, seeds, threads

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WHEELHOUSE = ROOT / ".wheelhouse"
VALIDATOR = ROOT / "node_modules" / ".bin" / "action-validator"  # GitHub Actions' schema (npm)
HIDDEN_TESTS = ROOT / "instructor" / "hidden-tests"


def run(cmd, **kw) -> subprocess.CompletedProcess:
    """Run a command that must succeed; if it fails, the assertion shows the end of its output."""
    cmd = [str(c) for c in cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    )
    return proc


# What a copy of the repository leaves out: tools, builds and caches, not course files.
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", "_build", ".git", "__pycache__", ".pytest_cache", ".wheelhouse", "node_modules", "dist", ".otter-venv"
)


def copy_repo(dest: Path) -> Path:
    """A copy of the repository's course files (no .git), for tests that change them."""
    return Path(shutil.copytree(ROOT, dest, ignore=COPY_IGNORE))


# ---------------------------------------------------------------- made once per run

# Modules whose tests share a costly module fixture, or change what it made: all their tests go to
# one process, so the fixture is made once and no other process sees it half-changed. (xdist's
# own xdist_group mark does this too, but not with pytest 9.2, whose node ids it cannot extend.)
ONE_PROCESS = {
    "tests/test_scaffold.py": "builds a six-chapter book; the refusal tests change its copy",
    "tests/test_shards.py": "grades a class of 100 whole and as four shards",
    "tests/test_reports.py": "grades a notebook that stops and loops",
    "tests/test_marking.py": "grades and reviews a class of 33",
    "tests/test_handouts.py": "prints every handout",
    "tests/test_jupyterlab.py": "starts one JupyterLab server",
    "tests/test_anywhere.py": "makes one fresh virtualenv and installs the course into it again and again",
    "tests/test_book_pdf.py": "prints the course PDF once",
}
# Long tests that use none of their module's shared fixtures: each is a unit of work of its own
# (even in a ONE_PROCESS module) and is sent before the other single tests, so that none of them
# starts late and ends the run alone.
LONG = {
    "tests/test_scaffold.py::test_a_new_chapter_leaves_the_fast_tests_green_with_no_test_edited": "the fast "
    "tests, run again in a copy with a sixth chapter",
    "tests/test_publish.py::test_make_release_end_to_end": "builds both editions and prints the handouts",
    "tests/test_sandbox.py::test_a_fork_bomb_is_contained": "waits 30 s for the processes it forks (little CPU)",
}


def shared(tmp_path_factory, name: str, make) -> Path:
    """``make(folder)`` run once per test run, not once per process: under pytest-xdist each
    worker has its own session fixtures, so the first worker to get here makes the thing under
    a file lock while the others wait, then all read it. ``make`` returns a path in ``folder``."""
    return made_once(run_folder(tmp_path_factory), name, make)


def run_folder(tmp_path_factory) -> Path:
    """The test run's own temporary folder: under pytest-xdist, the one above each worker's
    (``popen-gw0``...). A pytest that a test starts may inherit PYTEST_XDIST_WORKER, so the
    name is checked too: otherwise it would share things with every run in the system's /tmp."""
    base = tmp_path_factory.getbasetemp()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return base.parent if worker and base.name == f"popen-{worker}" else base


def made_once(base: Path, name: str, make) -> Path:
    """``make(base/shared-<name>)`` unless a process has already made it; its result."""
    folder = base / f"shared-{name}"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / ".made"
        if not done.exists():
            # A failed earlier attempt (another worker's) left a partial folder: start afresh,
            # so that the failure is reported here too, not hidden behind a half-made thing.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(str(make(folder)), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- building the book


def jupyter_cache(site: Path) -> Path:
    """Where jupyter-book keeps the notebooks a build executed: beside the site (myst-nb puts it
    at ``<outdir>/../.jupyter_cache``), keyed by each notebook's code, not by its path."""
    return site.parent / ".jupyter_cache"


def reuse_executed(site: Path, out: Path) -> None:
    """Give the build into ``out`` the notebooks ``site``'s build executed, so that it runs only
    notebooks that differ. Execution itself is tested by the build that made ``site``."""
    shutil.copytree(jupyter_cache(site), out / "_build" / ".jupyter_cache")


def build_book(out: Path) -> Path:
    """The student book, built as `make book` builds it, into ``out/_build/html``."""
    run(project.build_command(ROOT, out=out))
    return out / "_build" / "html"


def offline_env(home: Path, **extra) -> dict:
    """A bare environment: no index, no pip configuration, and a dead proxy for anything else."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_RETRIES": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "no_proxy": "",
        **extra,
    }


# ---------------------------------------------------------------- instructor-only text, found


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def squeeze(text: str) -> str:
    """Text with all whitespace removed: highlighted code is split into spans, so a solution
    line shows up in page text with extra spaces between its tokens."""
    return "".join(text.replace("’", "'").split())


def site_texts(site: Path):
    """Every text a student can reach: page text, sources, downloads (notebooks)."""
    for path in site.rglob("*"):
        if path.suffix == ".html":
            yield path, soup(path).get_text(" ")
        elif path.suffix in {".ipynb", ".md", ".txt", ".py", ".js"}:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def _windows(text: str, size: int = 16, step: int = 4):
    """Overlapping runs of words: a leak shows as a long run of the answer's own words
    (short shared phrases like "a tax in kind" are facts, not leaks)."""
    words = norm(text).split()
    return {" ".join(words[i : i + size]) for i in range(0, max(1, len(words) - size + 1), step)}


def instructor_only_texts():
    """Model-answer and rubric runs (their own words, not their quotations) and solution lines."""
    sources = norm(" ".join(seeds.text(s) for s in seeds.catalogue()))
    answers, solution = set(), set()
    for slug, _ in seeds.chapters():
        for a in questions.model_answers(slug).values():
            # Quotations are public; only runs of the answer's own prose count.
            for own in re.split(r"“[^”]*”|\"[^\"]*\"", a["answer"]):
                answers |= {w for w in _windows(own) if len(w.split()) >= 16 and w not in sources}
    for text in rubric_texts() + thread_answer_texts():
        answers |= {w for w in _windows(text) if len(w.split()) >= 16 and w not in sources}
    for ex in exercises.all_exercises():
        solution |= set(ex.solution_lines())
    return answers, solution


def thread_answer_texts() -> list[str]:
    """The threads' synthesis model answers and look-for points (instructor/answers/threads.yml),
    their own prose only: the quotations in them are public."""
    texts = []
    for a in threads.synthesis_answers().values():
        for text in (a["answer"], *a["look_for"]):
            texts += re.split(r"“[^”]*”|\"[^\"]*\"", text)
    return texts


def rubric_texts() -> list[str]:
    """What instructor/rubrics.yml says that students never see: each scale's summary and level
    descriptors, the exit tickets' look-for points, the essay's level descriptors."""
    data = rubrics.load()
    scales = [rubrics.scale(data, sid) for sid in data["scales"]] + rubrics.criteria(data)
    texts = [lv.description for s in scales for lv in s.levels] + [s.summary for s in scales[: len(data["scales"])]]
    return texts + [p for t in data["exit_tickets"].values() for p in t["look_for"]]


def leaks(site: Path) -> list[str]:
    answers, solution = instructor_only_texts()
    assert answers and solution
    found = []
    for path, text in site_texts(site):
        words, flat = norm(text), squeeze(text)
        found += [f"{path.name}: model answer {a!r}" for a in answers if a in words]
        found += [f"{path.name}: solution {line!r}" for line in solution if squeeze(line) in flat]
    return found


def hidden_test_lines() -> list[str]:
    """The lines only the hidden tests have (long enough to be their own, and not also in the
    public tests, as ANSWERS is): a leak of the hidden tests shows as one of these."""
    lines = []
    for ex in exercises.all_exercises():
        public = {ln.strip() for ln in ex.tests.read_text(encoding="utf-8").splitlines()}
        own = [
            ln.strip()
            for ln in (HIDDEN_TESTS / ex.id / "tests.py").read_text(encoding="utf-8").splitlines()
            if len(ln.strip()) >= 24 and ln.strip() not in public
        ]
        assert len(own) >= 10, f"{ex.id}: too few lines of its own to look for"
        lines += own
    return lines


def hidden_test_leaks(name: str, text: str) -> list[str]:
    flat = squeeze(text)  # highlighted code splits a line into spans
    return [f"{name}: {ln!r}" for ln in hidden_test_lines() if squeeze(ln) in flat]


# ---------------------------------------------------------------- pages in Chromium


def watch(page, base: str):
    """Make ``page`` record its page errors and console errors (``page.errors``) and block every
    request off ``base``, recording its address (``page.external``). Returns the page."""
    page.errors, page.external = [], []
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console: {m.text}"))

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            page.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page


# ---------------------------------------------------------------- axe-core in Chromium

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ["serious", "critical"]
# axe's default rules (WCAG 2.0/2.1 A and AA, best practices) plus target-size (WCAG 2.2 AA,
# off by default in axe).
EXTRA_RULES = ["target-size"]

RUN_AXE = """async ([context, rules, blocking, exclusions]) => {
  const result = await axe.run(context || document, {
    resultTypes: ["violations"],
    rules: Object.fromEntries(rules.map(r => [r, {enabled: true}])),
  });
  const excluded = (rule, node) => {
    const el = document.querySelector(node.target[0]);
    return el && exclusions.some(([r, sel]) => r === rule && el.matches(sel));
  };
  return result.violations.map(v => ({
    id: v.id, help: v.help,
    nodes: v.nodes.filter(n => blocking.includes(n.impact) && !excluded(v.id, n))
                  .map(n => ({impact: n.impact, target: n.target.join(" "), why: n.failureSummary})),
  })).filter(v => v.nodes.length);
}"""


def run_axe(page, context: str | None = None, exclusions=()) -> list[dict]:
    """Serious and critical violations on the page (or in the elements `context` selects), but
    for the ``(rule, selector, why)`` exclusions given."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does) to install axe-core"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [context, EXTRA_RULES, BLOCKING, [[rule, sel] for rule, sel, _ in exclusions]])


def describe(problems: list[dict], where: str) -> str:
    lines = [f"{where}:"]
    for v in problems:
        lines.append(f"  {v['id']} ({v['help']}), {len(v['nodes'])} element(s):")
        lines += [f"    [{n['impact']}] {n['target']}: {' '.join(n['why'].split())}" for n in v["nodes"][:8]]
    return "\n".join(lines)
