"""The student repository (`course release --to`), its CI workflow, and class grading.

The workflows are checked against the GitHub Actions schema with `action-validator` (npm), and
the commands they run are run here, exactly as written, on fresh copies: a blank repository
fails with hints, a solved one passes. Only the install step is not run (no network in tests);
instead the requirements it installs are checked to be the course's own pins.
"""

import csv
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

from course.content import exercises, paths

from helpers import HIDDEN_TESTS, VALIDATOR, hidden_test_leaks, instructor_only_texts, norm, squeeze

ROOT = paths.ROOT
COURSE = str(Path(sys.executable).parent / "course")
STUDENT_WORKFLOW = ".github/workflows/grade.yml"
TEACHER_WORKFLOW = ROOT / ".github" / "workflows" / "grade-submissions.yml"


@pytest.fixture()
def repo(student_repository) -> Path:
    """`course release --to`, written once per session (conftest.py): read it, copy it to change it."""
    return student_repository


def fresh_copy(repo, tmp_path, solved=False) -> Path:
    copy = tmp_path / "clone"
    shutil.copytree(repo, copy)
    if solved:
        for ex in exercises.all_exercises():
            nb = ex.notebook()
            nb.metadata["course"] = {"exercise": ex.id}
            nbformat.write(nb, copy / "exercises" / ex.id / f"{ex.id}.ipynb")
    return copy


def run_steps(workflow: Path, cwd: Path, env: dict, inputs: dict | None = None, context: dict | None = None) -> list:
    """Run each `run:` step of the workflow's job, as written, except the install steps (pip,
    and bubblewrap with its sysctl: this machine has both). ``inputs`` fills
    ``${{ inputs.x }}``; ``context`` fills the other expressions (``secrets.X``, ``github.x``)."""
    spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    (job,) = spec["jobs"].values()
    values = {**{f"inputs.{k}": v for k, v in (inputs or {}).items()}, **(context or {})}
    done = []
    for step in job["steps"]:
        if "run" not in step or "pip install" in step["run"] or "sysctl" in step["run"]:
            continue
        step_env = {
            k: re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], v)
            for k, v in step.get("env", {}).items()
        }
        proc = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=cwd,
            capture_output=True,
            text=True,
            env={**env, **step_env},
            timeout=600,
        )
        done.append(proc)
    return done


def ci_env(tmp_path) -> dict:
    """What the runner provides: `python` on PATH (here, the course's pinned venv) and the
    job-summary file."""
    summary = tmp_path / "summary.md"
    summary.touch()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {"PATH": path, "HOME": str(tmp_path), "LANG": "C.UTF-8", "GITHUB_STEP_SUMMARY": str(summary)}


# ---------------------------------------------------------------- what the repository holds


def test_release_has_notebooks_tests_data_and_the_workflow(repo):
    for ex in exercises.all_exercises():
        assert (repo / "exercises" / ex.id / f"{ex.id}.ipynb").exists()
        assert (repo / "exercises" / ex.id / "tests.py").read_bytes() == ex.tests.read_bytes()
    for need in (
        "README.md",
        "requirements.txt",
        "pyproject.toml",
        ".gitignore",
        STUDENT_WORKFLOW,
        "course/grading/grade.py",
        "data/timeline.csv",
        "seeds/catalogue.yml",
    ):
        assert (repo / need).is_file(), need


def test_release_holds_no_solution_and_nothing_for_teachers(repo):
    assert not list(repo.rglob("exercise.md")) and not (repo / "instructor").exists()
    answers, solution = instructor_only_texts()
    assert answers and solution
    for path in (p for p in repo.rglob("*") if p.is_file() and p.suffix in (".ipynb", ".py", ".md", ".yml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        words, flat = norm(text), squeeze(text)
        assert not [a for a in answers if a in words], path
        assert not [ln for ln in solution if squeeze(ln) in flat], path


def test_release_holds_no_hidden_tests(repo):
    files = [p for p in repo.rglob("*") if p.is_file()]
    assert not [p for p in files if "hidden-tests" in p.parts or "hidden" in p.name]
    found = [
        leak
        for p in files
        for leak in hidden_test_leaks(str(p.relative_to(repo)), p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == []
    # The search does find them where they are.
    assert hidden_test_leaks("hidden", (HIDDEN_TESTS / "01_soviets" / "tests.py").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_wheel_holds_no_hidden_tests(course_wheel):
    with zipfile.ZipFile(course_wheel) as wheel:
        names = wheel.namelist()
        assert "course/grading/formative.py" in names
        assert not [n for n in names if "hidden-tests" in n or "instructor" in n]
        found = [leak for n in names for leak in hidden_test_leaks(n, wheel.read(n).decode("utf-8", "replace"))]
    assert found == []


def test_requirements_are_the_courses_own_pins(repo):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [ln for ln in (repo / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines == [*project["dependencies"], *project["optional-dependencies"]["jupyter"], "-e ."]
    assert all("==" in ln for ln in lines[:-1])


def test_released_package_is_complete_and_leaves_nothing_behind(repo):
    assert not list(repo.rglob("__pycache__"))
    shipped = {p.relative_to(repo / "course") for p in (repo / "course").rglob("*.py")}
    own = {p.relative_to(ROOT / "course") for p in (ROOT / "course").rglob("*.py")}
    assert shipped == own


# ---------------------------------------------------------------- the workflows


@pytest.mark.slow
@pytest.mark.parametrize("workflow", ["student", "teacher"])
def test_workflows_validate_against_the_actions_schema(repo, workflow):
    path = repo / STUDENT_WORKFLOW if workflow == "student" else TEACHER_WORKFLOW
    proc = subprocess.run([str(VALIDATOR), str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_validator_rejects_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with: 3\n"
    )
    assert subprocess.run([str(VALIDATOR), str(bad)], capture_output=True).returncode == 1


def test_student_workflow_caches_pip_uploads_reports_and_needs_no_classroom(repo):
    spec = yaml.safe_load((repo / STUDENT_WORKFLOW).read_text(encoding="utf-8"))
    steps = spec["jobs"]["grade"]["steps"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"
    assert "classroom" not in (repo / STUDENT_WORKFLOW).read_text().lower()
    assert True in spec and "push" in spec[True]  # YAML reads the key `on` as True


@pytest.mark.slow
def test_blank_repository_fails_with_hints(repo, tmp_path):
    copy = fresh_copy(repo, tmp_path)
    env = ci_env(tmp_path)
    (proc,) = run_steps(copy / STUDENT_WORKFLOW, copy, env)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "| `01_soviets.ipynb` | 0 / 4 | some checks fail |" in summary
    assert "replace the ... with your answer" in summary
    assert len(list((copy / "reports").glob("*.report.md"))) == len(exercises.all_exercises())


@pytest.mark.slow
def test_solved_repository_passes(repo, tmp_path):
    copy = fresh_copy(repo, tmp_path, solved=True)
    env = ci_env(tmp_path)
    (proc,) = run_steps(copy / STUDENT_WORKFLOW, copy, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.count("all checks pass") == len(exercises.all_exercises())
    reports = [json.loads(p.read_text()) for p in (copy / "reports").glob("*.report.json")]
    assert all(r["score"] == r["max_score"] > 0 for r in reports)


# ---------------------------------------------------------------- grading a class


def class_folder(repo, tmp_path) -> Path:
    """Six students, two of them hostile, one with no notebook at all."""
    ex = exercises.get("01_soviets")
    blank = repo / "exercises" / ex.id / f"{ex.id}.ipynb"
    subs = tmp_path / "submissions"
    for name in ("ana", "ben", "cat", "dev"):
        (subs / name).mkdir(parents=True)
    solved = ex.notebook()
    solved.metadata["course"] = {"exercise": ex.id}
    nbformat.write(solved, subs / "ana" / f"{ex.id}.ipynb")
    shutil.copy(blank, subs / "ben" / f"{ex.id}.ipynb")
    hostile = nbformat.read(blank, as_version=4)
    hostile.cells.insert(
        2,
        nbformat.v4.new_code_cell(
            "import os, glob, signal\n"
            "for p in glob.glob(os.path.join(os.path.dirname(os.getcwd()), '*')):\n"
            "    open(os.path.join(p, 'planted.py'), 'w').write('x = 1')\n"
            "os.kill(os.getppid(), signal.SIGKILL)"
        ),
    )
    nbformat.write(hostile, subs / "cat" / f"{ex.id}.ipynb")
    (subs / "eve.ipynb").write_text("print('not a notebook')", encoding="utf-8")
    return subs


def gradebook(out: Path) -> dict:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


@pytest.mark.slow
def test_grade_all_grades_a_class_in_parallel_and_resumes(repo, tmp_path):
    subs, out = class_folder(repo, tmp_path), tmp_path / "results"
    proc = subprocess.run(
        [COURSE, "grade-all", str(subs), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    book = gradebook(out)
    assert set(book) == {"ana", "ben", "cat", "dev", "eve"}
    assert book["ana"]["total"] == book["ana"]["max"] == "4" and book["ana"]["status"] == "graded"
    assert book["ana"]["n_bureau"] == "1" and book["ben"]["total"] == "0"
    assert book["cat"]["total"] == "0"  # hostile: no pass, whatever it managed
    assert book["dev"]["status"] == "could not grade" and "no .ipynb" in book["dev"]["message"]
    assert book["eve"]["status"] == "could not grade" and "not valid JSON" in book["eve"]["message"]
    reports = {json.loads(p.read_text(encoding="utf-8"))["notebook"]: p for p in (out / "reports").glob("*.json")}
    assert set(reports) == {row["notebook"] for row in book.values()}  # one report per row
    assert json.loads(reports["ana/01_soviets.ipynb"].read_text(encoding="utf-8"))["score"] == 4
    assert "[5/5]" in proc.stderr  # progress, one line per notebook when not on a terminal

    again = subprocess.run(
        [COURSE, "grade-all", str(subs), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert again.stderr.count("already graded") == 4  # dev has no notebook to remember
    nb = nbformat.read(subs / "ben" / "01_soviets.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("changed"))
    nbformat.write(nb, subs / "ben" / "01_soviets.ipynb")
    third = subprocess.run(
        [COURSE, "grade-all", str(subs), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert third.stderr.count("already graded") == 3
    forced = subprocess.run(
        [COURSE, "grade-all", str(subs), "--out", str(out), "--force"], capture_output=True, text=True, timeout=300
    )
    assert "already graded" not in forced.stderr and gradebook(out) == book


def run_teacher_workflow(tmp_path: Path, inputs: dict, expressions: dict) -> list:
    """The teacher's workflow in ``tmp_path/workspace``, with ``tmp_path/runner-temp`` as the
    runner's temporary folder and the course's command first on the PATH."""
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {**ci_env(tmp_path), "RUNNER_TEMP": str(runner_temp)}
    env["PATH"] = f"{Path(COURSE).parent}{os.pathsep}{env['PATH']}"
    return run_steps(TEACHER_WORKFLOW, tmp_path / "workspace", env, inputs, expressions)


@pytest.mark.slow
def test_teacher_workflow_grades_with_hidden_tests(repo, tmp_path):
    """The hidden tests come from a private repository (here a local bare one), cloned with
    the token outside the workspace and without their history; the job's copy of the course
    repository loses its solutions and its .git before any notebook runs."""
    subs = class_folder(repo, tmp_path)
    source = tmp_path / "hidden-source"
    (source / "01_soviets").mkdir(parents=True)
    (source / "01_soviets" / "tests.py").write_text(
        'ANSWERS = {"n_bureau": "int"}\n\n\ndef test_n_bureau_again(answers):\n'
        '    assert answers["n_bureau"] == 14, "Not yet."\n',
        encoding="utf-8",
    )
    server = tmp_path / "server"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(source)], check=True)
    subprocess.run([*git, "-C", str(source), "add", "."], check=True)
    subprocess.run([*git, "-C", str(source), "commit", "-qm", "hidden"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(server / "teacher" / "hidden.git")], check=True)
    workspace, runner_temp = tmp_path / "workspace", tmp_path / "runner-temp"
    (workspace / ".git").mkdir(parents=True)
    procs = run_teacher_workflow(
        tmp_path,
        {"submissions": str(subs), "hidden-tests-repository": "teacher/hidden"},
        {"secrets.HIDDEN_TESTS_TOKEN": "read-only-token", "github.server_url": server.as_uri()},
    )
    assert len(procs) == 3 and all(p.returncode == 0 for p in procs), procs[-1].stderr
    assert (runner_temp / "hidden-tests" / "01_soviets" / "tests.py").is_file()
    assert not (runner_temp / "hidden-tests" / ".git").exists() and not (workspace / ".git").exists()
    book = gradebook(runner_temp / "gradebook")
    assert book["ana"]["hidden: n_bureau_again"] == "1" and book["ana"]["total"] == "5"
    assert book["ben"]["hidden: n_bureau_again"] == "0"


@pytest.mark.slow
def test_teacher_workflow_uses_the_courses_own_hidden_tests_by_default(repo, tmp_path):
    subs = class_folder(repo, tmp_path)
    workspace, runner_temp = tmp_path / "workspace", tmp_path / "runner-temp"
    shutil.copytree(paths.INSTRUCTOR / "hidden-tests", workspace / "instructor" / "hidden-tests")
    procs = run_teacher_workflow(
        tmp_path,
        {"submissions": str(subs), "hidden-tests-repository": ""},
        {"secrets.HIDDEN_TESTS_TOKEN": "", "github.server_url": "https://example.invalid"},
    )
    assert all(p.returncode == 0 for p in procs), procs[-1].stderr
    assert not (workspace / "instructor").exists()  # moved out before grading
    book = gradebook(runner_temp / "gradebook")
    hidden = [c for c in book["ana"] if c.startswith("hidden: ")]
    assert hidden and all(book["ana"][c] != "0" for c in hidden)
    assert book["ana"]["total"] == book["ana"]["max"] and book["ben"]["total"] == "0"


def test_missing_hidden_tests_folder_is_a_clear_error(tmp_path):
    proc = subprocess.run(
        [COURSE, "grade-all", str(tmp_path), "--out", str(tmp_path / "o"), "--hidden-tests", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "there is no such folder" in proc.stderr


# ---------------------------------------------------------------- the two guides


def page_text(site, page: str) -> str:
    """A built page's main text, as a reader sees it (whitespace folded)."""
    from bs4 import BeautifulSoup

    main = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").select_one("main")
    return " ".join(main.get_text(" ").split())


@pytest.mark.slow
def test_guides_state_the_graders_real_limits(student_site):
    """The guides quote the limits from the grader itself (MyST substitutions): what a reader
    sees on the built pages is what the grader enforces."""
    from course.grading import sandbox
    from course.grading.execute import FILE_LIMIT_MB
    from course.grading.grade import MAX_NOTEBOOK_MB, Limits

    lim = Limits()
    student = page_text(student_site, "checking.html")
    teacher = page_text(student_site, "teachers/grading-with-ci.html")
    for source in ("checking.md", "teachers/grading-with-ci.md"):  # written once, in the grader
        text = (ROOT / source).read_text(encoding="utf-8")
        assert f"{lim.cell_timeout} seconds" not in text and f"{lim.disk_mb} MB" not in text, source
    assert f"time per cell {lim.cell_timeout} seconds" in student
    assert f"time for the whole notebook {lim.total_timeout // 60} minutes" in student
    assert f"memory {lim.memory_mb // 1024} GB" in student
    assert f"printed output kept {lim.output_kb // 1024} MB" in student
    assert (
        f"{lim.cell_timeout} s per cell, {lim.total_timeout} s in all, "
        f"{lim.memory_mb // 1024} GB of memory, {lim.output_kb // 1024} MB of output kept, "
        f"{FILE_LIMIT_MB} MB per file written, {lim.processes} processes, "
        f"{lim.disk_mb} MB in its folder (and {sandbox.TMP_MB} MB each in /tmp and "
        f"/dev/shm ); a notebook file of more than {MAX_NOTEBOOK_MB} MB"
    ) in teacher
    assert f"processes {lim.processes} at once" in student
    assert f"files written {lim.disk_mb} MB in its folder, {sandbox.TMP_MB} MB in /tmp" in student
    assert f"notebook file {MAX_NOTEBOOK_MB} MB" in student
    assert "--trusted-code-no-sandbox" in teacher and "bubblewrap" in teacher
    for flag in (
        "--cell-timeout",
        "--total-timeout",
        "--memory-mb",
        "--output-kb",
        "--hidden-tests",
        "--force",
        "--workers",
    ):
        assert flag in teacher
    assert "grade-submissions.yml" in teacher and "grade.yml" in student


@pytest.mark.slow
def test_guides_are_in_the_book(student_site):
    for page, title in [
        ("checking.html", "How your work is checked"),
        ("teachers/grading-with-ci.html", "Grading with CI"),
    ]:
        html = (student_site / page).read_text(encoding="utf-8")
        assert f"<h1>{title}" in html
