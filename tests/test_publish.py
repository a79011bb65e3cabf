"""Publishing: the deploy workflow (.github/workflows/deploy-book.yml) and the editions
(`make release VERSION=x.y.z`, i.e. `course release-edition`), and the CHANGELOG they rest on.

The workflow is validated against the Actions schema with the pinned action-validator, its
build command is checked to be the README's and the tests' own, and its other steps are run
here as written, against a local bare repository standing in for GitHub. The edition tests
use the session's built sites in place of two more builds, except one end-to-end run.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from bs4 import BeautifulSoup

from course import project
from course.content import banks, exercises, paths
from course.publishing import book_pdf, edition, handouts, lms

import helpers
from helpers import VALIDATOR, hidden_test_leaks, jupyter_cache, site_texts

ROOT = paths.ROOT
WORKFLOW = ROOT / ".github" / "workflows" / "deploy-book.yml"
COURSE = str(Path(sys.executable).parent / "course")
VERSION = edition.project_version()


def steps() -> list[dict]:
    spec = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = spec["jobs"].values()
    return job["steps"]


def run_steps() -> list[dict]:
    return [s for s in steps() if "run" in s]


# ---------------------------------------------------------------- the workflow, as written


def make_dry_run(*args) -> subprocess.CompletedProcess:
    """What `make -n` would run, as a top-level make: under `make test` the inherited MAKEFLAGS
    and MAKELEVEL would add "Entering directory" lines around it."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.slow
@pytest.mark.parametrize("workflow", [WORKFLOW, WORKFLOW.with_name("tests.yml")], ids=lambda p: p.name)
def test_deploy_and_tests_workflows_validate_against_the_actions_schema(workflow):
    proc = subprocess.run([str(VALIDATOR), str(workflow)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_deploy_workflow_triggers_permissions_cache_and_failure_reports():
    spec = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = spec[True]  # YAML reads the key `on` as True
    # Published only after the tests passed on a push to main, and only that tested commit.
    assert list(on) == ["workflow_run"]
    assert on["workflow_run"] == {"workflows": ["Tests"], "types": ["completed"], "branches": ["main"]}
    tests = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))
    assert tests["name"] == "Tests" and {"push", "pull_request"} <= set(tests[True])
    (job,) = spec["jobs"].values()
    assert job["if"] == (
        "github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'"
    )
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    assert spec["permissions"] == {"contents": "write"}
    assert spec["concurrency"]["group"] and spec["concurrency"]["cancel-in-progress"] is False
    used = [s["uses"] for s in steps() if "uses" in s]
    assert all(u.split("@")[1].startswith("v") for u in used), used  # pinned releases
    setup = next(s for s in steps() if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip" and setup["with"]["python-version-file"] == "pyproject.toml"
    upload = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "failure()" and "_build/html/reports/" in upload["with"]["path"]
    names = [s.get("run") for s in steps()]
    assert names.index("make book") < steps().index(upload)  # reports are kept after the build


def test_the_build_step_is_the_readmes_command_and_the_tests_build(monkeypatch):
    (build, *_others) = run_steps()
    assert build["run"] == "make book"
    readme_block = (ROOT / "README.md").read_text(encoding="utf-8").split("```")[1]
    assert any(line.split("#")[0].strip() == "make book" for line in readme_block.splitlines())
    # What `make book` runs, as make itself reports it: the course's one build command ...
    dry = make_dry_run("book")
    assert dry.stdout.strip().splitlines()[-1] == ".venv/bin/course build-book", dry.stdout
    expected = project.build_command(ROOT)
    assert Path(expected[0]).name == "jupyter-book" and expected[1:] == ["build", str(ROOT), "-W", "-n", "--keep-going"]
    # ... which `course build-book`, the tests' student_site fixture and an edition's student
    # site all run (an edition and the fixture into their own folder).
    seen = []
    monkeypatch.setattr(
        helpers, "run", lambda cmd, **kw: seen.append(cmd) or subprocess.CompletedProcess(cmd, 0, "", "")
    )
    monkeypatch.setattr(subprocess, "call", lambda cmd, **kw: seen.append(cmd) or 0)
    helpers.build_book(Path("/out"))
    edition.build_student(Path("/out"))
    from course import cli

    assert cli.main(["build-book"]) == 0
    assert seen == [project.build_command(ROOT, out=Path("/out"))] * 2 + [expected]


def test_the_workflow_never_builds_or_publishes_the_instructor_edition():
    text = WORKFLOW.read_text(encoding="utf-8")
    for banned in ("make instructor", "build-instructor", "_build/instructor", "course release"):
        assert banned not in text
    runs = [s["run"] for s in run_steps()]
    assert runs[0] == "make book" and len(runs) == 3
    assert "--work-tree=_build/html" in runs[2] and runs[2].count("--work-tree") == 1
    assert "instructor" not in " ".join(str(s.get("with", "")) for s in steps())


def checkout_with_site(tmp_path, site: Path) -> tuple[Path, Path]:
    """A repository with a bare `origin` (standing in for GitHub) and a built site in _build/html."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "README.md").write_text("course\n")
    (work / ".gitignore").write_text("_build/\n*.ipynb\n")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    subprocess.run([*git, "remote", "add", "origin", str(origin)], check=True)
    shutil.copytree(site, work / "_build" / "html")
    return work, origin


def run_publish_steps(work: Path, tmp_path: Path) -> list[subprocess.CompletedProcess]:
    """The steps after the build, exactly as written, with what the runner provides (the tested
    commit is the workflow_run's head_sha; GITHUB_SHA, main's latest commit, may differ)."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_SHA": "4567def",
        "LANG": "C.UTF-8",
    }
    expressions = {"${{ github.event.workflow_run.head_sha }}": "0123abc"}
    done = []
    for step in run_steps()[1:]:
        step_env = {k: expressions.get(v, v) for k, v in step.get("env", {}).items()}
        proc = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=work,
            capture_output=True,
            text=True,
            env={**env, **step_env},
            timeout=300,
        )
        done.append(proc)
        if proc.returncode:
            break
    return done


def published(origin: Path) -> set[str]:
    ls = subprocess.run(
        ["git", "--git-dir", str(origin), "ls-tree", "-r", "--name-only", "gh-pages"], capture_output=True, text=True
    )
    return set(ls.stdout.split()) if ls.returncode == 0 else set()


@pytest.mark.slow
def test_publish_steps_push_exactly_the_student_site_to_gh_pages(student_site, tmp_path):
    work, origin = checkout_with_site(tmp_path, student_site)
    (work / "_build" / "html" / "kept.ipynb").write_text("{}")  # ignored in main, published here
    procs = run_publish_steps(work, tmp_path)
    assert [p.returncode for p in procs] == [0, 0], procs[-1].stderr
    site_files = {
        p.relative_to(work / "_build" / "html").as_posix() for p in (work / "_build" / "html").rglob("*") if p.is_file()
    }
    assert published(origin) == site_files and ".nojekyll" in site_files and "kept.ipynb" in site_files
    assert "README.md" not in published(origin)
    # A second publication replaces the branch: one commit, without the old file.
    (work / "_build" / "html" / "kept.ipynb").unlink()
    assert [p.returncode for p in run_publish_steps(work, tmp_path)] == [0, 0]
    assert "kept.ipynb" not in published(origin)
    log = subprocess.run(
        ["git", "--git-dir", str(origin), "log", "--format=%s", "gh-pages"], capture_output=True, text=True
    ).stdout.splitlines()
    assert log == ["Publish the student site built from 0123abc"]


@pytest.mark.slow
def test_publish_steps_refuse_the_instructor_edition(instructor_site, tmp_path):
    work, origin = checkout_with_site(tmp_path, instructor_site)
    procs = run_publish_steps(work, tmp_path)
    assert len(procs) == 1 and procs[0].returncode == 1
    assert "never published" in procs[0].stdout
    assert published(origin) == set()


@pytest.mark.slow
def test_publish_steps_refuse_a_student_site_with_one_instructor_page(student_site, instructor_site, tmp_path):
    work, origin = checkout_with_site(tmp_path, student_site)
    shutil.copy(instructor_site / "instructor" / "index.html", work / "_build" / "html" / "extra.html")
    procs = run_publish_steps(work, tmp_path)
    assert procs[0].returncode == 1 and published(origin) == set()


# ---------------------------------------------------------------- the changelog


def test_changelog_has_an_entry_for_the_current_version():
    entry = edition.changelog_entry(VERSION)
    assert entry and "quiz" in entry.lower()
    assert edition.changelog_entry("99.0.0") is None
    assert edition.changelog_entry(VERSION[:-1] if len(VERSION) > 3 else "0") is None  # no prefix match


def test_changelog_counts_agree_with_the_quiz_banks():
    """The first edition's entry counts the items per chapter by hand: hold it to the banks."""
    entry = edition.changelog_entry("0.1.0")
    # The items across texts (ids s…-tNN, one kind the first edition did not have) came later:
    # the entry of the edition that adds them names each of them.
    added = [i["id"] for b in banks.all_banks().values() for i in b["items"] if i["id"][4:6] == "-t"]
    later = (paths.ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## 0.1.0")[0]
    assert all(f"`{i}`" in later for i in added), "the items across texts are listed where they were added"
    # Chapter number -> items, for every finished chapter (a new draft chapter is not in 0.1.0).
    counts = {
        int(slug[:2]): len([i for i in b["items"] if i["id"] not in added])
        for slug, b in banks.all_banks().items()
        if not b.get("draft")
    }
    rows = {int(n): int(m) for n, m in re.findall(r"^\| (\d+) \| (\d+) \|", entry, re.M)}
    assert rows == counts, "the 0.1.0 table of quiz items no longer matches quizzes/*.yml"
    assert f"{sum(counts.values())} single-answer items" in entry


@pytest.mark.slow
def test_changelog_is_a_page_for_teachers(student_site):
    page = (student_site / "teachers" / "changes.html").read_text(encoding="utf-8")
    assert f"{VERSION}" in page and "s000-q01" in page
    guide = (student_site / "teachers" / "publishing.html").read_text(encoding="utf-8")
    for words in ("gh-pages", "_config.yml", "v0.1.0", "SHA256SUMS", "Deploy from a branch", "hidden-tests/"):
        assert words in guide, words


@pytest.mark.slow
def test_the_student_site_holds_no_hidden_tests(student_site):
    assert not [p for p in student_site.rglob("*") if "hidden-tests" in p.parts]
    assert [leak for path, text in site_texts(student_site) for leak in hidden_test_leaks(path.name, text)] == []


# ---------------------------------------------------------------- editions: refusals

IGNORE = shutil.ignore_patterns(
    ".venv", "_build", ".git", "__pycache__", ".pytest_cache", "node_modules", "dist", ".otter-venv"
)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture()
def clean_repo(tmp_path) -> Path:
    """A copy of the course's files as one commit in a fresh repository: a clean tree."""
    root = Path(shutil.copytree(ROOT, tmp_path / "repo", ignore=IGNORE))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "edition")
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # reveal.js for the decks; ignored by git
    assert git(root, "status", "--porcelain") == ""
    return root


def refused(root: Path, version: str, match: str) -> None:
    with pytest.raises(edition.EditionError, match=match):
        edition.release_edition(version, root=root)
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())


def test_refuses_a_version_that_is_not_pyprojects(clean_repo):
    refused(clean_repo, "9.9.9", f"VERSION=9.9.9 but pyproject.toml says {VERSION}")
    refused(clean_repo, "", "Give the edition's version")


def test_refuses_a_dirty_tree(clean_repo):
    (clean_repo / "quizzes" / "01_soviets.yml").write_text("changed", encoding="utf-8")
    refused(clean_repo, VERSION, r"1 uncommitted change\(s\) \(quizzes/01_soviets.yml\)")
    git(clean_repo, "checkout", "--", "quizzes")
    (clean_repo / "notes.txt").write_text("new file", encoding="utf-8")
    refused(clean_repo, VERSION, "uncommitted")


def test_refuses_without_a_changelog_entry(clean_repo):
    log = clean_repo / "CHANGELOG.md"
    log.write_text(log.read_text(encoding="utf-8").replace(f"## {VERSION}", "## 0.0.9"), encoding="utf-8")
    git(clean_repo, "commit", "-qam", "no entry")
    refused(clean_repo, VERSION, f"CHANGELOG.md has no entry for {VERSION}")


def test_refuses_a_version_already_tagged_elsewhere_and_an_edition_already_cut(clean_repo):
    git(clean_repo, "tag", f"v{VERSION}")
    (clean_repo / "README.md").write_text("later\n", encoding="utf-8")
    git(clean_repo, "commit", "-qam", "later")
    refused(clean_repo, VERSION, f"The tag v{VERSION} already names commit")
    git(clean_repo, "tag", "-d", f"v{VERSION}")
    (clean_repo / "dist" / VERSION).mkdir(parents=True)
    with pytest.raises(edition.EditionError, match="has been cut"):
        edition.release_edition(VERSION, root=clean_repo)


def test_refuses_an_edition_without_hidden_tests_for_every_exercise(clean_repo):
    (clean_repo / "instructor" / "hidden-tests" / "05_twiss" / "tests.py").unlink()
    git(clean_repo, "commit", "-qam", "no hidden tests for exercise 5")
    refused(clean_repo, VERSION, "no hidden tests for 05_twiss")


def test_refuses_outside_a_git_checkout(tmp_path):
    root = Path(shutil.copytree(ROOT, tmp_path / "nogit", ignore=IGNORE))
    refused(root, VERSION, "is not a git checkout")


def test_the_command_refuses_in_one_paragraph_and_make_release_runs_it(clean_repo):
    proc = subprocess.run(
        [COURSE, "release-edition", "--version", "9.9.9"],
        capture_output=True,
        text=True,
        env={**os.environ, "COURSE_ROOT": str(clean_repo)},
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("course release-edition: VERSION=9.9.9") and proc.stderr.count("\n") == 1
    dry = make_dry_run("release", "VERSION=1.2.3")
    assert dry.stdout.strip().splitlines()[-1].endswith('/course release-edition --version "1.2.3"')


# ---------------------------------------------------------------- editions: what is cut


def use_built_sites(monkeypatch, student: Path, instructor: Path):
    """Put the session's built sites in place of two more builds, and a stand-in for each PDF
    `make handouts` prints (printing is tested in test_handouts and test_book_pdf, and in an
    edition by the end-to-end run below)."""

    def copy_of(site):
        def build(out):
            shutil.copytree(site, out / "_build" / "html")
            return out / "_build" / "html"

        return build

    def stand_in(site, out):
        out.mkdir(parents=True)
        for name in printed_names():
            (out / name).write_bytes(b"%PDF-1.4\n% a stand-in for the printed handout\n")
        return out

    monkeypatch.setattr(edition, "build_student", copy_of(student))
    monkeypatch.setattr(edition, "build_instructor", copy_of(instructor))
    monkeypatch.setattr(edition, "print_handouts", stand_in)


def printed_names() -> set[str]:
    """What `make handouts` prints: each published chapter's handout and the course PDF, both sizes."""
    return {f"{slug}-{size}.pdf" for slug in handouts.published() for size in handouts.SIZES} | {
        book_pdf.NAME.format(size=size) for size in handouts.SIZES
    }


def text_of(zf: zipfile.ZipFile, name: str) -> str:
    """An archive member's text as a reader sees it: a page's text, a file's content."""
    raw = zf.read(name).decode("utf-8", "replace")
    return BeautifulSoup(raw, "html.parser").get_text(" ") if name.endswith(".html") else raw


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def check_edition(dist: Path, version: str, commit_time: int | None = None) -> None:
    out = dist / version
    name = "course"
    expected = [f"{name}-{version}-{part}.zip" for part in edition.PARTS]
    assert sorted(p.name for p in out.iterdir()) == sorted([*expected, "SHA256SUMS"])
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert sums.returncode == 0 and sums.stdout.count(": OK") == len(expected), sums.stdout

    site = names(out / f"{name}-{version}-student-site.zip")
    top = f"{name}-{version}-student-site/"
    assert all(n.startswith(top) for n in site)
    assert f"{top}index.html" in site and f"{top}.nojekyll" in site
    assert not [n for n in site if n.startswith(f"{top}instructor/")]
    with zipfile.ZipFile(out / f"{name}-{version}-student-site.zip") as zf:
        assert f"Edition {version}" in zf.read(f"{top}chapters/01_soviets.html").decode()
        if commit_time is not None:
            y, mo, d, h, mi, s = time.gmtime(commit_time)[:6]  # zip keeps even seconds
            assert {zf.getinfo(n).date_time for n in site} == {(y, mo, d, h, mi, s - s % 2)}
    teacher = names(out / f"{name}-{version}-instructor-edition.zip")
    assert f"{name}-{version}-instructor-edition/instructor/01_soviets_key.html" in teacher
    # the lessons' decks (they show the quiz answers) travel with the teacher's part only
    decks = {f"{name}-{version}-instructor-edition/decks/{slug}.html" for slug in handouts.published()}
    assert decks <= set(teacher) and not [
        n
        for p in edition.PARTS
        for n in names(out / f"{name}-{version}-{p}.zip")
        if "/decks/" in n and p != "instructor-edition"
    ]
    with zipfile.ZipFile(out / f"{name}-{version}-instructor-edition.zip") as zf:
        for ex in exercises.all_exercises():  # the teacher's part carries the hidden tests
            shipped = zf.read(f"{name}-{version}-instructor-edition/hidden-tests/{ex.id}/tests.py")
            assert shipped == (paths.INSTRUCTOR / "hidden-tests" / ex.id / "tests.py").read_bytes()
    for part in edition.PARTS:  # and no other part holds them, by name or by content
        if part != "instructor-edition":
            with zipfile.ZipFile(out / f"{name}-{version}-{part}.zip") as zf:
                assert not [n for n in zf.namelist() if "hidden-tests" in n], part
                assert [leak for n in zf.namelist() for leak in hidden_test_leaks(n, text_of(zf, n))] == []
    repo = names(out / f"{name}-{version}-student-repository.zip")
    assert f"{name}-{version}-student-repository/.github/workflows/grade.yml" in repo
    assert not [n for n in repo if n.endswith("exercise.md") or "/instructor/" in n]
    for fmt in ("qti", "moodle", "gift"):
        files = names(out / f"{name}-{version}-quizzes-{fmt}.zip")
        assert len(files) == len(banks.all_banks()) and all(f.endswith(lms.SUFFIX[fmt]) for f in files), files
    top = f"{name}-{version}-handouts/"
    with zipfile.ZipFile(out / f"{name}-{version}-handouts.zip") as zf:  # what make handouts prints
        assert {n.removeprefix(top) for n in zf.namelist()} == printed_names()
        assert all(zf.read(n).startswith(b"%PDF-") for n in zf.namelist())


@pytest.mark.slow
def test_cuts_an_edition_with_checksums(clean_repo, student_site, instructor_site, monkeypatch):
    use_built_sites(monkeypatch, student_site, instructor_site)
    written = edition.release_edition(VERSION, root=clean_repo)
    dist = clean_repo / "dist"
    assert [p.name for p in dist.iterdir()] == [VERSION]  # no staging folder left
    assert written[-1].name == "SHA256SUMS" and all(p.is_file() for p in written)
    commit_time = int(git(clean_repo, "show", "-s", "--format=%ct", "HEAD"))
    check_edition(dist, VERSION, commit_time)
    # The checksums do catch a changed archive.
    (dist / VERSION / f"course-{VERSION}-quizzes-gift.zip").write_bytes(b"tampered")
    assert (
        subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=dist / VERSION, capture_output=True).returncode
        == 1
    )


@pytest.mark.slow
def test_refuses_a_student_site_that_lost_a_recorded_address(
    clean_repo, student_site, instructor_site, monkeypatch, tmp_path
):
    broken = Path(shutil.copytree(student_site, tmp_path / "broken"))
    page = broken / "chapters" / "01_soviets.html"
    page.write_text(page.read_text(encoding="utf-8").replace('id="s000-p3"', 'id="x"'), encoding="utf-8")
    use_built_sites(monkeypatch, broken, instructor_site)
    refused(clean_repo, VERSION, "lost 1 recorded address")


@pytest.mark.slow
def test_make_release_end_to_end(clean_repo, student_site, tmp_path):
    """One real run of `course release-edition`: both editions built by jupyter-book in a clean
    copy of the repository, checked and archived. The copy's _config.yml points jupyter-book at
    a copy of the notebooks the session's student build executed (``execute: cache:``, committed
    so the tree stays clean): the builds run no notebook again; executing them is checked there."""
    cache = shutil.copytree(jupyter_cache(student_site), tmp_path / "jupyter-cache")
    config = clean_repo / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nexecute:\n" in text and "  cache:" not in text
    config.write_text(text.replace("\nexecute:\n", f"\nexecute:\n  cache: {cache}\n"), encoding="utf-8")
    git(clean_repo, "commit", "-qam", "reuse the executed notebooks")
    proc = subprocess.run(
        [COURSE, "release-edition", "--version", VERSION],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "COURSE_ROOT": str(clean_repo)},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    log = proc.stdout + proc.stderr
    assert "Using cached notebook" in log and "Executing notebook" not in log
    assert f"git tag v{VERSION}" in proc.stdout
    check_edition(clean_repo / "dist", VERSION)
    assert git(clean_repo, "status", "--porcelain") == ""  # the release left the tree clean
    # The handouts were printed from the edition's site: real PDFs, each with its chapter's footer.
    with zipfile.ZipFile(clean_repo / "dist" / VERSION / f"course-{VERSION}-handouts.zip") as zf:
        for slug in handouts.published():
            pdf = pdfium.PdfDocument(zf.read(f"course-{VERSION}-handouts/{slug}-a4.pdf"))
            last = pdf[len(pdf) - 1].get_textpage().get_text_range()
            pdf.close()
            assert f"chapters/{slug}.html" in last, slug
        pdf = pdfium.PdfDocument(zf.read(f"course-{VERSION}-handouts/course-letter.pdf"))
        assert len(pdf) > 2 * len(handouts.published())
        pdf.close()
