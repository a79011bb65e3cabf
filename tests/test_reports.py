"""Reports a student understands (review 2026-12, teacher §3): a cell is named by its first line
of code, not by a count that includes the hidden setup cell; an answer whose cell stopped is
said to have stopped, with its exception; the cells that did not finish are listed where the
message says so (terminal, report, gradebook), a timeout told apart from an error; "an int".
"""

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.content import exercises
from course.grading import answers as ans
from course.grading import batch
from course.grading.grade import _sets, stopped, where

COURSE = str(Path(sys.executable).parent / "course")
EX = exercises.get("01_soviets")


def test_a_cell_is_named_by_its_first_line_and_which_of_alike_cells_it_is():
    assert (
        where({"cell": 5, "code": "counts = paras.count()", "nth": 1})
        == "the cell that begins `counts = paras.count()`"
    )
    assert where({"cell": 9, "code": "x = 1", "nth": 2}) == "the 2nd cell that begins `x = 1`"
    assert where({"cell": 9, "code": "", "nth": 1}).startswith("code cell 9")


def test_a_timeout_is_told_apart_from_an_error():
    timeout = {"cell": 3, "code": "while True:", "error": "timeout", "message": "stopped after the 30-second limit"}
    error = {"cell": 4, "code": "x = d['a']", "error": "KeyError", "message": "'a'"}
    assert (
        stopped(timeout) == "the cell that begins `while True:` ran too long: it was stopped after the 30-second limit"
    )
    assert stopped(error) == "the cell that begins `x = d['a']` stopped with KeyError: 'a'"


@pytest.mark.parametrize(
    "code, sets",
    [
        ("peak_para = int(c.idxmax())", True),
        ("a, peak_para = 1, 2", True),
        ("peak_para: int = 3", True),
        ("peak_para += 1", True),
        ("peak_para == 15", False),
        ("peak_para <= 15", False),
        ("print(peak_para)", False),
        ("other = peak_para", False),
        ("peak_paragraph = 1", False),
    ],
)
def test_the_cell_that_sets_an_answer_is_found_in_its_text(code, sets):
    assert _sets(code, "peak_para") is sets


def test_finding_the_cell_takes_linear_time_on_any_text():
    start = time.monotonic()
    _sets(("peak_para," + "a:" * 200_000 + "\n") * 50, "peak_para")  # 20 MB, the largest notebook
    assert time.monotonic() - start < 5


def test_a_wrong_type_is_named_with_the_right_article():
    loaded = ans.load({"a": "14", "b": None, "c": 14}, {"a": "int", "b": "int", "c": "str"})
    assert loaded["a"].why == "a str, but it should be an int"
    assert loaded["b"].why == "None, but it should be an int"
    assert loaded["c"].why == "an int, but it should be a str"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The solution with the cell that sets peak_para raising before it sets it, and an endless
    loop added: graded once with course grade (a 15-second cell limit: time enough for IPython
    to format a pandas traceback on a busy machine). The loop sleeps: a timeout is reported the
    same either way, and a loop that burns the CPU is test_hostile's."""
    tmp = tmp_path_factory.mktemp("reports")
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": EX.id}
    for cell in nb.cells:
        if cell.cell_type == "code" and "peak_para = " in cell.source:
            cell.source = 'counts = paras["paragraph"]\n' + cell.source
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    __import__('time').sleep(1)"))
    path = tmp / "stopped.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run([COURSE, "grade", path, "--cell-timeout", "15"], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc, json.loads(path.with_suffix(".report.json").read_text()), path.with_suffix(".report.md").read_text()


@pytest.mark.slow
def test_an_answer_whose_cell_stopped_says_so_with_the_exception(graded):
    _, report, _ = graded
    hint = {t["question"]: t for t in report["tests"]}["peak_para"]["message"]
    assert hint.startswith('`peak_para` was never set: the cell that begins `counts = paras["paragraph"]`')
    assert "stopped with KeyError: 'paragraph'" in hint and "not defined" not in hint


@pytest.mark.slow
def test_the_cells_that_did_not_finish_are_listed_in_the_terminal_report_and_gradebook(graded):
    proc, report, markdown = graded
    message = report["message"]
    assert "listed below" not in message and "2 cell(s) did not finish" in message
    assert "stopped with KeyError" in message and "`while True:` ran too long" in message
    assert message in proc.stdout  # the terminal shows the list itself
    row = batch.gradebook([{**report, "student": "ana"}]).splitlines()[1]
    assert "stopped with KeyError" in row and "ran too long" in row  # timeout and error told apart
    assert "code cell" not in markdown and "the cell that begins `while True:` ran too long" in markdown


@pytest.mark.slow
def test_grade_all_finds_the_exercise_by_file_name_or_exercise_and_says_which(tmp_path):
    """A notebook that lost its metadata: graded as the exercise its file name is, or as
    --exercise says; the report says which. Neither: could not grade, with what to do."""
    nb = EX.notebook()
    nb.metadata.pop("course", None)
    subs = tmp_path / "submissions"
    for rel in ("ana/01_soviets.ipynb", "ben/mine.ipynb"):
        (subs / rel).parent.mkdir(parents=True)
        nbformat.write(nb, subs / rel)

    def run(*args) -> dict:
        proc = subprocess.run(
            [COURSE, "grade-all", subs, "--out", tmp_path / "out", "--workers", "2", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8"))))
        return {r["student"]: r for r in rows}

    first = run()
    assert (first["ana"]["status"], first["ana"]["total"], first["ana"]["exercise"]) == ("graded", "4", EX.id)
    assert "graded as exercise 01_soviets, its file name" in first["ana"]["message"]
    assert first["ben"]["status"] == "could not grade" and "--exercise" in first["ben"]["message"]
    second = run("--exercise", EX.id)
    assert (second["ben"]["status"], second["ben"]["total"]) == ("graded", "4")
    assert "as --exercise says" in second["ben"]["message"]
    refused = subprocess.run(
        [COURSE, "grade-all", subs, "--out", tmp_path / "x", "--exercise", "../x"], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "no exercise '../x'" in refused.stderr and not (tmp_path / "x").exists()
