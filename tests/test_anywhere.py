"""Notebooks that run anywhere a student opens them (course/publishing/notebooks.py, course/notebook/setup_cell.py).

The heart of it: every student notebook (notebook pages and exercises), copied alone into an
empty folder, runs in a fresh virtualenv that holds only the pinned third-party dependencies;
its setup cell installs the course package from a wheel built from this repository
(``COURSE_WHEEL``, ``pip --no-index``). It runs again from another working folder. Nothing
reaches the internet: pip gets no index, and a dead proxy catches any attempt.

The wheels come from ``.wheelhouse/`` (``make wheelhouse``, which ``make test`` runs first); the
course wheel is built once per run (``course_wheel`` in conftest.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from course import project
from course.content import exercises, paths
from course.notebook import setup_cell
from course.notebook.widget import quiz
from course.publishing import addresses, notebooks

from helpers import WHEELHOUSE, offline_env, run

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PROJECT["project"]["version"]
NAMES = [notebooks.notebook_name(p) for p in notebooks.notebook_pages()] + [
    f"{ex.id}_exercise.ipynb" for ex in exercises.all_exercises()
]


def setup_outputs(nb) -> str:
    cell = next(c for c in nb.cells if c.cell_type == "code")
    assert cell.source.startswith(f"{setup_cell.SETUP_TITLE}\n{setup_cell.SETUP_MARK}")
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


# ---------------------------------------------------------------- one source per fact


def test_setup_cells_and_binder_files_are_generated_from_their_sources():
    assert notebooks.sync(check=True) == [], "run `course sync`"
    cell = setup_cell.setup_cell()
    repo = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    assert f'release="v{VERSION}"' in cell and f"{repo}/archive/refs/tags/v{VERSION}.zip" in cell
    import course

    assert course.__version__ == VERSION  # the setup cell compares the two


def test_a_new_version_makes_every_setup_cell_stale(repo_copy, monkeypatch):
    """Positive control for the drift check: bump the version in a copy of the repository."""
    monkeypatch.setenv("COURSE_ROOT", str(repo_copy))  # every path, and project's files, follow
    assert notebooks.sync(check=True) == []
    pyproject = repo_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(f'version = "{VERSION}"', 'version = "9.9.9"'))
    stale = {p.relative_to(repo_copy).as_posix() for p in notebooks.sync(check=True)}
    assert stale == {p.relative_to(repo_copy).as_posix() for p in notebooks.notebook_sources()}
    assert len(stale) == len(NAMES)
    assert notebooks.sync() and notebooks.sync(check=True) == []
    assert 'release="v9.9.9"' in (repo_copy / "chapters" / "01_soviets_notebook.md").read_text()


def test_make_book_stops_a_fork_whose_notebooks_install_the_original(repo_copy):
    """A fork changes _config.yml's address, as teachers/publishing.md says; until `course sync`
    runs, its notebooks would install the original repository's package. The build refuses,
    naming the command that fixes it, before any of the book is built."""
    config = repo_copy / "_config.yml"
    config.write_text(config.read_text().replace("trotsky-bureaucracy-course/course", "a-teacher/our-fork"))
    env = {**os.environ, "COURSE_ROOT": str(repo_copy)}
    course = str(Path(sys.executable).parent / "course")
    proc = subprocess.run([course, "build-book"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and "Run `course sync`" in proc.stderr, proc.stderr
    assert not (repo_copy / "_build" / "html").exists()
    subprocess.run([course, "sync"], capture_output=True, env=env, check=True, timeout=120)
    assert "a-teacher/our-fork" in (repo_copy / "chapters" / "01_soviets_notebook.md").read_text()
    with pytest.MonkeyPatch.context() as mp:  # and then the check the build runs is clean
        mp.setenv("COURSE_ROOT", str(repo_copy))
        assert notebooks.sync(check=True) == []


def test_every_student_notebook_starts_with_the_hidden_setup_cell():
    nbs = notebooks.student_notebooks()
    assert sorted(nbs) == sorted(NAMES) and len(NAMES) >= 12
    for name, nb in nbs.items():
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert first.source == f"{setup_cell.SETUP_TITLE}\n{setup_cell.setup_cell()}", name
        assert first.metadata.get("tags") == ["remove-cell"], name
        # Folded where students open it: a titled form in Colab, collapsed input in JupyterLab.
        assert first.metadata["cellView"] == "form" and first.metadata["jupyter"]["source_hidden"], name
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), name
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), name
        assert nb.metadata["kernelspec"]["name"] == "python3" and "jupytext" not in nb.metadata


def test_no_notebook_builds_a_path_by_hand():
    hand = re.compile(r"""(open\(|read_csv\(|read_text\(|Path\()\s*["'f]|\.\./|paths\.""")
    for src in notebooks.notebook_sources():
        code = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", src.read_text(encoding="utf-8"), re.S)
        assert code, src
        assert not [c for c in code if hand.search(c)], src
    assert hand.search('pd.read_csv("../data/timeline.csv")')  # the pattern does catch one


def test_binder_environment_is_the_pinned_list():
    project = PROJECT["project"]
    reqs = [
        ln for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")
    ]
    assert reqs == [*project["dependencies"], *project["optional-dependencies"]["jupyter"]]
    assert all(re.fullmatch(r"[\w.-]+==[\w.]+", r) for r in reqs)
    low = re.fullmatch(r">=(\d+\.\d+)", project["requires-python"]).group(1)
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{low}"
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post and f"course notebooks --to {notebooks.NOTEBOOKS}" in post
    mode = subprocess.run(
        ["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert mode.startswith("100755"), "binder/postBuild must be executable in git"


def test_course_notebooks_writes_what_binder_opens(tmp_path):
    proc = run([Path(sys.executable).parent / "course", "notebooks", "--to", tmp_path / "notebooks"])
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == sorted(NAMES), proc.stdout
    url = notebooks.binder_url("primer.ipynb")
    assert url.endswith(f"?urlpath=lab/tree/{notebooks.NOTEBOOKS}/primer.ipynb")


@pytest.mark.slow
def test_wheel_carries_the_content_and_no_solutions(course_wheel):
    names = set(zipfile.ZipFile(course_wheel).namelist())
    content = "course/_content/"
    for folder in ("data", "quizzes", "seeds"):
        own = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert {content + p for p in own} <= names, folder
    assert {f"{content}exercises/{ex.id}/tests.py" for ex in exercises.all_exercises()} <= names
    assert not [n for n in names if n.endswith("exercise.md") or "instructor" in n or "chapters/" in n]
    assert "course/notebook/static/quiz.js" in names and "course/notebook/static/quiz.css" in names
    assert f"{content}_config.yml" in names  # the published site's address, for the quizzes' links


# ---------------------------------------------------------------- the book's links


@pytest.mark.slow
def test_notebook_pages_launch_and_download_the_clean_notebook(student_site):
    org, repo, branch = project.github()
    for page in notebooks.notebook_pages():
        name = notebooks.notebook_name(page)
        html = student_site / f"{page}.html"
        doc = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        hrefs = [a["href"] for a in doc.select(".dropdown-launch-buttons a, .dropdown-download-buttons a")]
        assert f"https://colab.research.google.com/github/{org}/{repo}/blob/gh-pages/notebooks/{name}" in hrefs, (
            page,
            hrefs,
        )
        assert f"https://mybinder.org/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/notebooks/{name}" in hrefs, (
            page,
            hrefs,
        )
        download = [h for h in hrefs if h.endswith(".ipynb") and not h.startswith("http")]
        assert len(download) == 1, (page, hrefs)
        published = (html.parent / download[0]).resolve()
        assert published == (student_site / "notebooks" / name).resolve() and published.exists()
        assert not [h for h in hrefs if h.startswith("http") and h.endswith(".md")], hrefs
    assert sorted(p.name for p in (student_site / "notebooks").iterdir()) == sorted(NAMES)
    for name in NAMES:
        nb = nbformat.read(student_site / "notebooks" / name, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), name


LINK = re.compile(r"\]\(([^)\s]+)\)")


def dead_outside_the_book(nb) -> list[str]:
    """Links in a notebook's text that would not open in Colab, Jupyter or a download:
    relative ones, and addresses on the course site that the site does not record."""
    recorded, site = addresses.read_recorded(), project.site_url()
    dead = []
    for cell in nb.cells:
        for target in LINK.findall(cell.source) if cell.cell_type == "markdown" else []:
            if target.startswith(site):
                if target[len(site) :] not in recorded:
                    dead.append(target)
            elif not target.startswith(("https://", "http://")):
                dead.append(target)
    return dead


@pytest.mark.slow
def test_links_in_the_published_notebooks_open_the_site(student_site):
    to_site = 0
    for name in NAMES:
        nb = nbformat.read(student_site / "notebooks" / name, as_version=4)
        assert dead_outside_the_book(nb) == [], (
            f"{name}: links that only work inside the book. If an anchor is new, record it with `make addresses`."
        )
        to_site += sum(
            t.startswith(project.site_url())
            for c in nb.cells
            if c.cell_type == "markdown"
            for t in LINK.findall(c.source)
        )
    assert to_site > 300  # the ¶ references of the chapter notebooks, and the primer's chapters


def test_a_link_that_cannot_be_placed_is_left_and_named(monkeypatch):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "[¶12](#s000-p12), [chapter 1](01_soviets.md), [glossary](../glossary.md), "
                "[gone](#s000-p999), [gone too](no_such_page.md), [pandas](https://pandas.pydata.org)"
            )
        ]
    )
    notebooks.absolute_links(nb, "chapters/01_soviets_notebook", addresses.read_recorded())
    site = project.site_url()
    assert site == f"https://{project.github()[0].lower()}.github.io/{project.github()[1]}/"
    assert nb.cells[0].source == (
        f"[¶12]({site}chapters/01_soviets.html#s000-p12), [chapter 1]({site}chapters/01_soviets.html), "
        f"[glossary]({site}glossary.html), [gone](#s000-p999), [gone too](no_such_page.md), "
        "[pandas](https://pandas.pydata.org)"
    )
    assert dead_outside_the_book(nb) == ["#s000-p999", "no_such_page.md"]
    config = {**project.book_config(), "html": {"baseurl": "https://course.example.edu/trotsky"}}
    monkeypatch.setattr(project, "book_config", lambda root=None: config)
    assert project.site_url() == "https://course.example.edu/trotsky/"


@pytest.mark.slow
def test_exercise_pages_link_colab_and_binder(student_site):
    for ex in exercises.all_exercises():
        doc = BeautifulSoup(
            (student_site / "chapters" / f"{ex.id}_exercise.html").read_text(encoding="utf-8"), "html.parser"
        )
        hrefs = {a["href"] for a in doc.select("article a")}
        name = f"{ex.id}_exercise.ipynb"
        assert notebooks.colab_url(name) in hrefs and notebooks.binder_url(name) in hrefs


@pytest.mark.slow
def test_book_pages_load_the_quiz_assets_once(student_site):
    """The inline copies a kernel adds to each quiz are stripped; the page loads quiz.js and
    quiz.css wherever a quiz is."""
    with_quiz = 0
    for path in student_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "data-course-inline" not in page, path
        if 'class="course-quiz"' in page:
            with_quiz += 1
            assert "_static/quiz.css" in page and "_static/quiz.js" in page, path
    assert with_quiz >= 5


# ---------------------------------------------------------------- quizzes in Colab


@pytest.mark.slow
def test_quiz_html_view_is_self_contained(browser):
    """Colab shows each output alone in its own frame: the quiz's HTML view must work in a blank
    page with no other asset. Positive control: the bare view (the book's) does not."""
    q = quiz("s000-q01")
    key = next(i for i, o in enumerate(q.item["options"]) if o["correct"])
    standalone = q.html(standalone=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import""", standalone)
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.route("**/*", lambda r: r.abort())  # nothing may load
        for html, works in ((standalone, True), (q.html(), False)):
            pg.set_content(f"<!doctype html><html lang='en'><body>{html}</body></html>")
            pg.check(f"input[value='{key}']")
            pg.click(".course-quiz-check")
            feedback = pg.inner_text(".course-quiz-feedback")
            assert ("Correct." in feedback) is works, feedback
    finally:
        context.close()


# ---------------------------------------------------------------- a fresh environment, offline


class Fresh:
    """A virtualenv with the notebook requirements only, and a Jupyter kernel that runs in it."""

    def __init__(self, root: Path, wheel: Path):
        self.root, self.venv = root, root / "venv"
        self.python = self.venv / "bin" / "python"
        # The wheel alone in its folder: the setup cell may install nothing else from there.
        (root / "wheel").mkdir()
        self.wheel = Path(shutil.copy(wheel, root / "wheel"))
        (root / "home").mkdir()
        run([sys.executable, "-m", "venv", self.venv])
        run(
            [
                self.python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-compile",  # half the install's time; a kernel compiles what it imports
                "--no-index",
                "--find-links",
                WHEELHOUSE,
                *notebooks.notebook_requirements(),
            ],
            env=self.env(),
        )
        spec = root / "kernels" / "fresh"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "fresh",
                    "language": "python",
                }
            )
        )

    def env(self, **extra) -> dict:
        env = offline_env(self.root / "home", MPLCONFIGDIR=str(self.root / "mpl"), **extra)
        env["PATH"] = f"{self.venv / 'bin'}:{env['PATH']}"
        return env

    def has_course(self) -> bool:
        return (
            subprocess.run(
                [self.python, "-c", "import course"], env=self.env(), cwd=self.root, capture_output=True
            ).returncode
            == 0
        )

    def uninstall(self, *names: str):
        run([self.python, "-m", "pip", "uninstall", "--yes", "--quiet", *names], env=self.env())

    def execute(self, path: Path, cwd: Path, **env):
        """Run the notebook at ``path`` in this venv's kernel, from ``cwd``; returns it as run.
        A failing cell raises NotebookFailed, which holds the notebook as run. nbclient runs in a
        child process: its kernel and sockets end with it."""
        out = cwd.parent / f".{path.stem}-ran.ipynb"
        proc = subprocess.run(
            [sys.executable, "-c", RUNNER, path, out, cwd, self.root / "kernels"],
            input=json.dumps(self.env(**env)),
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode in (0, 3), f"nbclient failed:\n{proc.stderr[-3000:]}"
        nb = nbformat.read(out, as_version=4)
        out.unlink()
        Path(f"{out}.kernel.json").unlink(missing_ok=True)
        if proc.returncode == 3:
            raise NotebookFailed(nb)
        return nb


class NotebookFailed(Exception):
    def __init__(self, nb):
        self.nb = nb
        errors = [
            f"{o.ename}: {o.evalue}"
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "error"
        ]
        super().__init__("; ".join(errors))


RUNNER = """
import json, sys
from course.content import validate
validate.jsonschema()  # nbformat imports it: without its slow plug-in (course/content/validate.py)
import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

src, out, cwd, kernels = sys.argv[1:5]
nb = nbformat.read(src, as_version=4)
km = AsyncKernelManager(
    kernel_name="fresh",
    kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]),
    connection_file=out + ".kernel.json",  # jupyter_client leaves it behind: not in the system's /tmp
)
client = NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": cwd}})
try:
    client.execute(env=json.loads(sys.stdin.read()))
    failed = False
except CellExecutionError:
    failed = True
nbformat.write(nb, out)
sys.exit(3 if failed else 0)
"""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, course_wheel) -> Fresh:
    return Fresh(tmp_path_factory.mktemp("fresh"), course_wheel)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published")
    notebooks.write_notebooks(out)
    return out


@pytest.mark.slow
def test_the_setup_cell_installs_the_course_in_a_fresh_environment(fresh, published, tmp_path):
    """Every notebook starts with the same setup cell (test_every_student_notebook_starts_with_
    the_hidden_setup_cell), so its install is run once, here, in the first notebook."""
    name = NAMES[0]
    alone, elsewhere = tmp_path / "alone", tmp_path / "elsewhere"
    alone.mkdir(), elsewhere.mkdir()
    shutil.copy(published / name, alone / name)
    fresh.uninstall("course")
    assert not fresh.has_course()

    nb = fresh.execute(alone / name, cwd=alone, COURSE_WHEEL=str(fresh.wheel))
    said = setup_outputs(nb)
    assert f"Installing release v{VERSION} from {fresh.wheel}" in said, said
    assert f"Installed the course package {VERSION}." in said, said
    assert fresh.has_course()

    # From another working folder, with the package now installed: the setup cell is silent.
    again = fresh.execute(alone / name, cwd=elsewhere)
    assert setup_outputs(again) == ""
    assert sorted(p.name for p in alone.iterdir()) == [name] and not list(elsewhere.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_alone_in_a_fresh_environment(fresh, published, tmp_path, name):
    """Each notebook, alone in a folder, in the fresh environment with the course installed
    (by the setup cell, in the test above; by pip if a test since has uninstalled it): its setup
    cell is the one that test ran, and it runs to the end and writes nothing beside itself."""
    nb = nbformat.read(published / name, as_version=4)
    assert next(c for c in nb.cells if c.cell_type == "code").source.endswith(setup_cell.setup_cell())
    if not fresh.has_course():
        run([fresh.python, "-m", "pip", "install", "--quiet", "--no-index", fresh.wheel], env=fresh.env())
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(published / name, alone / name)
    ran = fresh.execute(alone / name, cwd=alone)
    assert setup_outputs(ran) == ""
    assert sorted(p.name for p in alone.iterdir()) == [name]


@pytest.mark.slow
def test_installed_wheel_finds_its_content_outside_the_repository(fresh, tmp_path):
    if not fresh.has_course():
        run([fresh.python, "-m", "pip", "install", "--quiet", "--no-index", fresh.wheel], env=fresh.env())
    script = """
import json
from course import project
from course.content import banks, data, exercises, paths, seeds
from course.grading.check import Checks
print(json.dumps({
    "root": str(paths.ROOT),
    "site": project.site_url(),
    "banks": sorted(banks.all_banks()),
    "seeds": sorted(seeds.catalogue()),
    "exercises": [e.id for e in exercises.all_exercises()],
    "tests": all(Checks.exercise(e.id).tests_file.is_file() for e in exercises.all_exercises()),
    "rows": len(data.dataset("party_composition_1927")) + len(data.timeline()),
}))
"""
    out = json.loads(run([fresh.python, "-c", script], cwd=tmp_path, env=fresh.env()).stdout)
    assert out["root"].startswith(str(fresh.venv)) and out["root"].endswith("course/_content")
    assert out["site"] == project.site_url()
    from course.content import banks, seeds

    assert out["banks"] == sorted(banks.all_banks()) and out["seeds"] == sorted(seeds.catalogue())
    assert out["exercises"] == [e.id for e in exercises.all_exercises()]
    assert out["tests"] and out["rows"] > 10


def _one_cell_notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def _setup_error(fresh, tmp_path, *cells, **env):
    """Run a notebook that must stop at its setup cell; the error output Jupyter shows there."""
    path = _one_cell_notebook(tmp_path / "nb.ipynb", *cells, setup_cell.setup_cell(), "print('after')")
    with pytest.raises(NotebookFailed) as err:
        fresh.execute(path, cwd=tmp_path, **env)
    setup, after = err.value.nb.cells[-2:]
    assert after.outputs == []  # the run stopped there
    (error,) = [o for o in setup.outputs if o.output_type == "error"]
    assert error.ename == "CourseSetupError"
    # One paragraph and no traceback: Jupyter shows exactly the message.
    assert error.traceback == [error.evalue], error.traceback
    return error.evalue


@pytest.mark.slow
def test_a_notebook_that_builds_a_path_by_hand_fails(fresh, tmp_path):
    """Positive control: the path works in the repository (from chapters/), not elsewhere."""
    hand = "import pandas as pd\npd.read_csv('../data/timeline.csv')"
    assert (paths.CHAPTERS / "../data/timeline.csv").is_file()
    (tmp_path / "alone").mkdir()
    path = _one_cell_notebook(tmp_path / "alone" / "nb.ipynb", setup_cell.setup_cell(), hand)
    fresh.uninstall("course")
    with pytest.raises(NotebookFailed, match="FileNotFoundError"):
        fresh.execute(path, cwd=tmp_path / "alone", COURSE_WHEEL=str(fresh.wheel))


@pytest.mark.slow
def test_offline_without_a_wheel_the_setup_cell_says_what_to_do(fresh, tmp_path):
    fresh.uninstall("course")
    shown = _setup_error(fresh, tmp_path)
    assert shown.startswith("Could not install the course package. pip said:"), shown
    assert "127.0.0.1" in shown or "github.com" in shown, shown  # pip's own words, not a guess
    assert "If you are offline" in shown and "COURSE_WHEEL" in shown and "Opening a notebook" in shown
    assert "pip wheel --wheel-dir course-wheels" in shown and "Traceback" not in shown
    assert not fresh.has_course()


@pytest.mark.slow
def test_a_missing_course_wheel_is_named(fresh, tmp_path):
    fresh.uninstall("course")
    shown = _setup_error(fresh, tmp_path, COURSE_WHEEL=str(tmp_path / "nowhere.whl"))
    assert "nowhere.whl" in shown and "which is not a file" in shown


def _wheel(folder: Path, name: str, version: str, files: dict[str, str], requires: str = "") -> Path:
    """A minimal pure-Python wheel, written by hand."""
    info = f"{name}-{version}.dist-info"
    files = {
        **files,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        + (f"Requires-Dist: {requires}\n" if requires else ""),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join(record + [f"{info}/RECORD,,"]) + "\n"
    out = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(out, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return out


@pytest.mark.slow
def test_an_install_that_replaces_a_loaded_package_asks_for_a_restart(fresh, tmp_path):
    """As in Colab, where the runtime has already imported its own versions: a course wheel that
    needs another version of a package the session has loaded."""
    (tmp_path / "old").mkdir(), (tmp_path / "new").mkdir()
    old = _wheel(tmp_path / "old", "tinydep", "1.0", {"tinydep/__init__.py": "V = 1\n"})
    _wheel(tmp_path / "new", "tinydep", "2.0", {"tinydep/__init__.py": "V = 2\n"})
    fake = _wheel(
        tmp_path / "new",
        "course",
        VERSION,
        {"course/__init__.py": f"__version__ = '{VERSION}'\n"},
        requires="tinydep==2.0",
    )
    fresh.uninstall("course")
    run([fresh.python, "-m", "pip", "install", "--quiet", "--no-index", old], env=fresh.env())
    try:
        shown = _setup_error(fresh, tmp_path, "import tinydep", COURSE_WHEEL=str(fake))
        assert "replaced packages this session had already loaded (tinydep)" in shown, shown
        assert "Restart the session" in shown
    finally:
        fresh.uninstall("course", "tinydep")
