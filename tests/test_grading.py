"""`course release` and `course grade`: notebooks really run, answers as data, tests in a clean process."""

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.content import exercises
from course.grading import answers as ans
from course.grading.check import Checks

COURSE = str(Path(sys.executable).parent / "course")
EX = exercises.get("01_soviets")


def grade(nb_path: Path, *args, timeout=120):
    proc = subprocess.run([COURSE, "grade", str(nb_path), *args], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    report = json.loads(nb_path.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert nb_path.with_suffix(".report.md").exists()
    return proc, report


@pytest.fixture()
def released(student_repository):
    """Exercise 1 as `course release` writes it (conftest.py, once per run)."""
    return student_repository / "exercises" / "01_soviets"


def student_copy(released, tmp_path, edit=None) -> Path:
    nb = nbformat.read(released / "01_soviets.ipynb", as_version=4)
    if edit:
        edit(nb)
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, path)
    return path


def solution_copy(tmp_path) -> Path:
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": "01_soviets"}
    path = tmp_path / "solution.ipynb"
    nbformat.write(nb, path)
    return path


def test_release_writes_student_notebook_and_public_tests(released):
    nb = nbformat.read(released / "01_soviets.ipynb", as_version=4)
    text = nbformat.writes(nb)
    for line in EX.solution_lines():
        assert line not in text
    assert "BEGIN SOLUTION" not in text and "n_bureau = ...  # YOUR CODE HERE" in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert (released / "tests.py").read_text() == EX.tests.read_text()


def test_strip_solutions_keeps_indentation_and_names():
    src = "x = 1\nif True:\n    # BEGIN SOLUTION\n    a = 2\n    b: int = 3\n    print(a)\n    # END SOLUTION\n"
    assert exercises.strip_solutions(src) == (
        "x = 1\nif True:\n    a = ...  # YOUR CODE HERE\n    b = ...  # YOUR CODE HERE"
    )
    with pytest.raises(ValueError):
        exercises.strip_solutions("# BEGIN SOLUTION\nx = 1\n")


@pytest.mark.slow
def test_solution_gets_full_marks(tmp_path):
    proc, report = grade(solution_copy(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["status"] == "graded" and report["score"] == report["max_score"] == 4


@pytest.mark.slow
def test_blank_student_version_gets_zero_with_hints(released, tmp_path):
    proc, report = grade(student_copy(released, tmp_path))
    assert proc.returncode == 1
    assert report["score"] == 0 and report["max_score"] == 4
    assert all("still `...`" in t["message"] for t in report["tests"])


@pytest.mark.slow
def test_wrong_answer_fails_the_named_test_with_its_hint(released, tmp_path):
    def answer(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("n_bureau = ...  # YOUR CODE HERE", "n_bureau = 8")

    proc, report = grade(student_copy(released, tmp_path, answer))
    assert proc.returncode == 1
    t = {t["question"]: t for t in report["tests"]}["n_bureau"]
    assert not t["passed"] and t["message"].startswith("Close: 8 is the number of paragraphs")
    assert "n_bureau: Close: 8 is the number of paragraphs" in proc.stdout


@pytest.mark.slow
def test_wrong_type_is_reported_not_crashed(released, tmp_path):
    def answer(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("chronology = ...  # YOUR CODE HERE", "chronology = print")

    _, report = grade(student_copy(released, tmp_path, answer))
    t = {t["question"]: t for t in report["tests"]}["chronology"]
    assert "should be a DataFrame" in t["message"] or "cannot be checked" in t["message"]


@pytest.mark.slow
def test_exception_in_one_cell_does_not_stop_the_others(tmp_path):
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": "01_soviets"}
    nb.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    path = tmp_path / "oops.ipynb"
    nbformat.write(nb, path)
    proc, report = grade(path)
    assert proc.returncode == 0 and report["score"] == 4
    assert report["problems"][0]["error"] == "ZeroDivisionError"


@pytest.mark.slow
def test_notebook_features_work_as_in_jupyter(tmp_path):
    """The cells run in an IPython shell, not a kernel: what students use in Jupyter still
    works (magics, display, shell commands, top-level await, get_ipython, Out and _)."""
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": "01_soviets"}
    nb.cells[3:3] = [
        nbformat.v4.new_code_cell(c)
        for c in [
            "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
            "%%time\nimport pandas as pd\ndisplay(pd.DataFrame({'a': [1]}))",
            "!echo shell",
            "import asyncio\nawait asyncio.sleep(0)",
            "6 * 7",
            "assert _ == 42 and Out[max(Out)] == 42 and get_ipython().user_ns is globals()",
            "%timeit -n1 -r1 sum(range(10))",
        ]
    ]
    path = tmp_path / "features.ipynb"
    nbformat.write(nb, path)
    proc, report = grade(path)
    assert report["problems"] == [], report["problems"]
    assert proc.returncode == 0 and report["score"] == 4


@pytest.mark.slow
def test_foreign_kernelspec_is_normalised(tmp_path):
    path = solution_copy(tmp_path)
    nb = json.loads(path.read_text())
    nb["metadata"]["kernelspec"] = {"name": ".venv", "display_name": ".venv (Python 3.11)", "language": "python"}
    path.write_text(json.dumps(nb))
    proc, report = grade(path)
    assert proc.returncode == 0 and report["score"] == 4


@pytest.mark.slow
@pytest.mark.parametrize(
    "content, says",
    [
        (b"{ this is not json", "not valid JSON"),
        (b"", "is empty"),
        (b"print('hello')\nx = 1\n", "not valid JSON"),
        (b'{"hello": "world"}', "not a Jupyter notebook (it has no cells)"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_report(tmp_path, content, says):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    proc, report = grade(path)
    assert proc.returncode == 2
    assert report["status"] == "could not grade" and says in report["message"]
    assert says in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2


@pytest.mark.slow
def test_invalid_notebook_is_refused_and_its_run_stopped(tmp_path):
    """The full nbformat check runs while the kernel starts: a notebook that fails it is
    refused, and the run already under way is stopped at once, not left to its limits (here
    an endless first cell that the limits below would let run for minutes)."""
    nb = json.loads(solution_copy(tmp_path).read_text(encoding="utf-8"))
    nb["cells"].insert(
        0,
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "while True:\n    pass",
        },
    )
    nb["cells"][1]["cell_type"] = "spreadsheet"  # not a cell type nbformat knows
    path = tmp_path / "invalid.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    proc, report = grade(path, "--cell-timeout", "200", "--total-timeout", "400", timeout=60)
    assert proc.returncode == 2 and report["status"] == "could not grade"
    assert "not a valid Jupyter notebook" in report["message"]
    assert "Open it in Jupyter, save it" in proc.stderr


@pytest.mark.slow
def test_notebook_without_exercise_metadata_is_refused_clearly(tmp_path):
    path = tmp_path / "anon.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    proc, report = grade(path)
    assert proc.returncode == 2 and "does not say which exercise" in report["message"]


@pytest.mark.slow
def test_endless_loop_is_stopped_per_cell_and_the_rest_graded(released, tmp_path):
    def loop(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))

    start = time.monotonic()
    proc, report = grade(student_copy(released, tmp_path, loop), "--cell-timeout", "3")
    assert time.monotonic() - start < 60
    assert proc.returncode == 1
    assert report["problems"][0]["error"] == "timeout"


@pytest.mark.slow
def test_whole_run_limit_stops_a_hang_with_exit_2(released, tmp_path):
    def loop(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))

    start = time.monotonic()
    proc, report = grade(student_copy(released, tmp_path, loop), "--total-timeout", "8")
    assert time.monotonic() - start < 40
    assert proc.returncode == 2 and "8-second limit" in report["message"]


def test_in_notebook_check_uses_the_public_tests():
    check = Checks.exercise("01_soviets")
    good = check("n_bureau", "days_to_congress", namespace={"n_bureau": 14, "days_to_congress": 5})
    assert good.passed and "✔ n_bureau: passed" in repr(good)
    bad = check("n_bureau", namespace={"n_bureau": 13})
    assert not bad.passed and "Not yet." in repr(bad) and "<li>" in bad._repr_html_()
    with pytest.raises(ValueError, match="no check for nope"):
        check("nope", namespace={})


def test_answers_round_trip_as_data_only():
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"id": ["a", "b"], "start": pd.to_datetime(["1925-12-13", "1927-09-08"]), "n": [1, 2]})
    ns = {"i": np.int64(3), "f": 2.5, "s": "x", "l": [1, "a"], "df": df, "fn": len, "e": ...}
    encoded = json.loads(json.dumps(ans.dump(list(ns) + ["gone"], ns)))
    out = ans.load(encoded)
    assert out["i"] == 3 and isinstance(out["i"], int)
    assert out["l"] == [1, "a"]
    pd.testing.assert_frame_equal(out["df"], df, check_dtype=False)
    assert isinstance(out["fn"], ans.Missing) and isinstance(out["gone"], ans.Missing)
    assert "still `...`" in out["e"].why


@pytest.mark.slow
@pytest.mark.parametrize("ex", exercises.all_exercises(), ids=lambda e: e.id)
def test_every_exercise_solution_passes_and_blank_fails(ex, tmp_path):
    """Prove the reference answers: each instructor solution gets full marks; its released
    student version gets zero, with a hint per question and no solution text."""
    nb = ex.notebook()
    nb.metadata["course"] = {"exercise": ex.id}
    sol = tmp_path / f"{ex.id}-solution.ipynb"
    nbformat.write(nb, sol)
    proc, report = grade(sol)
    assert proc.returncode == 0, report
    assert report["score"] == report["max_score"] == len(ex.answers())
    assert report["problems"] == [] and not report["message"], report  # check() cells too
    blank = tmp_path / f"{ex.id}-blank.ipynb"
    nbformat.write(ex.student_notebook(), blank)
    proc, report = grade(blank)
    assert proc.returncode == 1 and report["score"] == 0
    assert all(t["message"] for t in report["tests"])
    text = blank.read_text(encoding="utf-8")
    assert not any(line in text for line in ex.solution_lines())
