"""Grade one submitted notebook: ``course grade NOTEBOOK``.

Exit codes: 0 every test passed; 1 graded, some tests failed; 2 could not grade (not a
notebook, unknown exercise, the whole run over its time limit). Every outcome writes a JSON
and a Markdown report; problems are explained in one paragraph, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import __version__
from .. import exercises as exlib


class CouldNotGrade(Exception):
    """The submission could not be graded; the message is for the student."""


@dataclass
class Result:
    notebook: str
    exercise: str | None = None
    status: str = "graded"            # graded | could not grade
    message: str = ""
    tests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self):
        return sum(t["score"] for t in self.tests)

    @property
    def max_score(self):
        return sum(t["points"] for t in self.tests)

    @property
    def exit_code(self) -> int:
        if self.status != "graded":
            return 2
        return 0 if self.tests and all(t["passed"] for t in self.tests) else 1

    def as_dict(self):
        return {
            "notebook": self.notebook, "exercise": self.exercise, "status": self.status,
            "score": self.score, "max_score": self.max_score, "message": self.message,
            "tests": self.tests, "problems": self.problems,
            "seconds": round(self.seconds, 2), "grader": f"course {__version__}",
        }

    def markdown(self) -> str:
        lines = [f"# Grading report: {Path(self.notebook).name}", ""]
        if self.status != "graded":
            lines += ["**Could not grade this notebook.**", "", self.message, ""]
            return "\n".join(lines)
        lines += [f"Exercise `{self.exercise}` · **score {self.score} / {self.max_score}**", ""]
        if self.message:
            lines += [self.message, ""]
        lines += ["| | question | points | hint |", "|---|---|---|---|"]
        for t in self.tests:
            hint = t["message"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {'✔' if t['passed'] else '✘'} | `{t['question']}` | "
                         f"{t['score']}/{t['points']} | {hint} |")
        if self.problems:
            lines += ["", "## Problems while running the notebook", ""]
            for p in self.problems:
                lines.append(f"- code cell {p['cell']} (`{p['code']}`): {p['error']}: {p['message']}")
        return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def read_submission(path: Path):
    """Read and check a submission; CouldNotGrade says what is wrong in plain words."""
    if not path.is_file():
        raise CouldNotGrade(f"There is no file at {path}.")
    raw = path.read_bytes()
    if not raw.strip():
        raise CouldNotGrade(f"{path.name} is empty. Save the notebook in Jupyter and submit it again.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise CouldNotGrade(
            f"{path.name} is not a Jupyter notebook: its content is not valid JSON{where}. "
            "A notebook must be saved from Jupyter (File → Save) or downloaded as .ipynb; "
            "a renamed text or Python file will not work."
        ) from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise CouldNotGrade(f"{path.name} is JSON but not a Jupyter notebook (it has no cells).")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:
        raise CouldNotGrade(
            f"{path.name} is not a valid Jupyter notebook ({str(exc).splitlines()[0][:200]}). "
            "Open it in Jupyter, save it, and submit it again."
        ) from None
    return nb


def _prepare(nb) -> nbformat.NotebookNode:
    """A clean copy to run: code and markdown only, no outputs, the standard kernel."""
    clean = nbformat.v4.new_notebook()
    clean.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            clean.cells.append(nbformat.v4.new_code_cell(cell.source))
        elif cell.cell_type == "markdown":
            clean.cells.append(nbformat.v4.new_markdown_cell(cell.source))
    return clean


def _run(cmd, timeout, cwd):
    """Run a child in its own process group; kill the whole group on timeout."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, err.decode("utf-8", "replace")


def grade(notebook: Path, *, exercise: str | None = None, cell_timeout: int = 30,
          total_timeout: int = 300) -> Result:
    start = time.monotonic()
    result = Result(notebook=str(notebook))
    try:
        nb = read_submission(notebook)
        ex_id = exercise or nb.metadata.get("course", {}).get("exercise")
        if not ex_id:
            raise CouldNotGrade(
                f"{notebook.name} does not say which exercise it is (its metadata has no "
                "course.exercise). Start from the released exercise notebook, or name the "
                "exercise with --exercise."
            )
        try:
            ex = exlib.get(ex_id)
        except KeyError as exc:
            raise CouldNotGrade(str(exc.args[0])) from None
        result.exercise = ex.id
        names = list(ex.answers())
        with tempfile.TemporaryDirectory(prefix="course-run-") as run_dir, \
             tempfile.TemporaryDirectory(prefix="course-test-") as test_dir:
            sub = Path(run_dir) / "submission.ipynb"
            nbformat.write(_prepare(nb), sub)
            out = Path(test_dir) / "executed.json"
            try:
                code, err = _run(
                    [sys.executable, "-m", "course.grading.execute", str(sub), str(out),
                     "--names", ",".join(names), "--cell-timeout", str(cell_timeout)],
                    timeout=total_timeout, cwd=run_dir,
                )
            except subprocess.TimeoutExpired:
                raise CouldNotGrade(
                    f"Running {notebook.name} took longer than the {total_timeout}-second limit "
                    "for the whole notebook, so it was stopped. Look for a loop that never ends "
                    "or a very slow cell, fix it, and submit again."
                ) from None
            if code != 0 or not out.exists():
                raise CouldNotGrade(f"The notebook could not be run: {err.strip()[-300:]}")
            executed = json.loads(out.read_text(encoding="utf-8"))
            result.problems = executed["problems"]
            if executed["died"]:
                result.message = f"Grading stopped early: {executed['died']}."
            encoded = executed["answers"] or {n: {"__missing__": True} for n in names}
            # Tests run in a fresh interpreter that sees only the tests and the answers as data.
            shutil.copy(ex.tests, Path(test_dir) / "tests.py")
            (Path(test_dir) / "answers.json").write_text(json.dumps(encoded), encoding="utf-8")
            res = Path(test_dir) / "results.json"
            code, err = _run(
                [sys.executable, "-I", "-m", "course.grading.runner", "tests.py", "answers.json",
                 "results.json"], timeout=120, cwd=test_dir,
            )
            if code != 0 or not res.exists():
                raise CouldNotGrade(f"The tests could not be run (a problem on the grader's side): "
                                    f"{err.strip()[-300:]}")
            result.tests = json.loads(res.read_text(encoding="utf-8"))
            if result.problems and not result.message:
                result.message = ("Some cells raised errors or timed out (listed below); the "
                                  "answers they should have set may be missing.")
    except CouldNotGrade as exc:
        result.status, result.message = "could not grade", str(exc)
    result.seconds = time.monotonic() - start
    return result


def write_reports(result: Result, out_dir: Path) -> tuple[Path, Path]:
    stem = Path(result.notebook).stem
    j, m = out_dir / f"{stem}.report.json", out_dir / f"{stem}.report.md"
    _write_atomic(j, json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    _write_atomic(m, result.markdown())
    return j, m
