"""Odd answers and odd input cost one answer, never the notebook (issue 18, class 6).

Each attack of the red-team review (2026-12, items 9, 11, 12, 20, 25, 28 and 54) is graded end
to end from the exercise's solution plus one hostile cell: the answers the hostile cell leaves
alone must still pass, and the one it spoils must fail with a hint that names it and says why.
Before the fix each of these lost every answer or ended as "could not grade". Unit tests of
``answers.dump`` and ``answers.load`` follow, for the odd values that are easier to list there.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.content import exercises
from course.grading import answers as ans
from course.grading import runner
from course.grading.grade import Limits, grade, write_reports

EX = exercises.get("01_soviets")
# Generous per-cell limit: the solution's own cells (pandas import) must never hit it, even
# on a loaded machine running two test processes; a slow cell there would read as a lost answer.
FAST = Limits(cell_timeout=20, total_timeout=90)
COURSE = str(Path(sys.executable).parent / "course")
UNSAFE = {"on": False}  # the ``mode`` fixture (conftest.py) sets it: grade without the sandbox

# Finds the pipe the answers go up (the worker's only FIFO) and writes ``line`` into it.
INTO_PIPE = (
    "import os, stat\n"
    "def into_pipe(line):\n"
    "    for fd in map(int, os.listdir('/proc/self/fd')):\n"
    "        try:\n"
    "            if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
    "                os.write(fd, line)\n"
    "        except OSError:\n"
    "            pass\n"
)


def notebook(tmp_path, *cells: str, name="submission.ipynb") -> Path:
    """The exercise's solution with ``cells`` added at the end, after every answer is set."""
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": EX.id}
    nb.cells += [nbformat.v4.new_code_cell(code) for code in cells]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def run(path: Path, limits=FAST) -> dict:
    result = grade(path, limits=limits, unsafe=UNSAFE["on"])
    json_path, md_path = write_reports(result, path.parent)  # must not fail, whatever came in
    report = json.loads(json_path.read_text(encoding="utf-8"))
    report["text"] = json_path.read_text(encoding="utf-8") + md_path.read_text(encoding="utf-8")
    assert "Traceback" not in report["text"]
    return report


def only_one_spoilt(report, name: str) -> str:
    """The notebook was graded, every answer but ``name`` passed, and ``name``'s hint names
    it; the hint is returned."""
    assert report["status"] == "graded", report["message"]
    tests = {t["question"]: t for t in report["tests"]}
    assert not tests[name]["passed"]
    assert all(t["passed"] for q, t in tests.items() if q != name), report["tests"]
    assert report["score"] == report["max_score"] - 1
    hint = tests[name]["message"]
    assert f"`{name}`" in hint
    return hint


# ---------------------------------------------------------------- attacks, end to end


@pytest.mark.slow
@pytest.mark.parametrize(
    "code",
    [
        "peak_para = 10**5000",
        # with Python's own limit lifted in the notebook, the grader's processes still refuse it
        "import sys\nsys.set_int_max_str_digits(0)\npeak_para = 10**5000",
    ],
    ids=["plain", "limit lifted"],
)
def test_09_an_int_too_long_to_write_costs_only_that_answer(tmp_path, code):
    hint = only_one_spoilt(run(notebook(tmp_path, code)), "peak_para")
    assert "an int of more than 4000 digits, which cannot be checked" in hint


@pytest.mark.slow
def test_11_a_lone_surrogate_in_an_answer_costs_only_that_answer(tmp_path, mode):
    hint = only_one_spoilt(run(notebook(tmp_path, 'n_bureau = {"\\udcff": 1}')), "n_bureau")
    assert "a dict holding a str with a character that is not text (a lone surrogate)" in hint


@pytest.mark.slow
def test_11_a_lone_surrogate_in_a_table_costs_only_that_answer(tmp_path):
    code = 'chronology = chronology.rename(columns={"id": "id\\udcff"})'
    hint = only_one_spoilt(run(notebook(tmp_path, code)), "chronology")
    assert "a DataFrame with a character that is not text (a lone surrogate)" in hint


@pytest.mark.slow
def test_12_an_error_holding_a_lone_surrogate_is_listed(tmp_path, mode):
    report = run(notebook(tmp_path, 'raise ValueError("bad \\ud800 char")'))
    assert report["status"] == "graded" and report["score"] == report["max_score"]
    [problem] = report["problems"]
    assert problem["error"] == "ValueError" and problem["message"] == "bad \\ud800 char"
    assert "bad \\ud800 char" in report["text"]  # written out in the Markdown report too


@pytest.mark.slow
def test_20_interrupting_the_process_that_watches_the_run_does_nothing(tmp_path, mode):
    """SIGINT to the supervisor (and, in the sandbox, to every process of the run) used to
    kill it: "could not grade". The cell limit must still interrupt the notebook's own cells."""
    code = "import os, signal, time\ntargets = [os.getppid()]\n"
    if mode == "sandbox":  # never outside it: kill(-1) would reach every process of the host
        code += "if os.getpid() < 10:  # a fresh process namespace\n    targets += [1, -1]\n"
    code += (
        "for target in targets:\n    try:\n        os.kill(target, signal.SIGINT)\n"
        "    except OSError:  # no such process, or not allowed\n        pass\n"
        "time.sleep(1)"
    )
    report = run(notebook(tmp_path, code, "time.sleep(60)"), limits=Limits(cell_timeout=10, total_timeout=90))
    assert report["status"] == "graded" and report["score"] == report["max_score"]
    [problem] = report["problems"]
    assert problem["error"] == "timeout" and "time.sleep(60)" in problem["code"]


@pytest.mark.slow
def test_25_a_line_too_deep_to_parse_in_the_pipe_is_ignored(tmp_path, mode):
    code = INTO_PIPE + "into_pipe(b'[' * 100_000 + b'\\n')"
    report = run(notebook(tmp_path, code))
    assert report["status"] == "graded" and report["score"] == report["max_score"]


@pytest.mark.slow
def test_25_answers_deep_enough_to_break_the_grader_cost_only_that_answer(tmp_path):
    """A forged answers line that the supervisor can parse but the grader, deeper in its own
    stack, could not (here, from about 960 to 985 levels: json's C parser counts against
    Python's recursion limit): capped where it is first read."""
    code = INTO_PIPE + (
        "import json\nimport course.grading.answers as A\n"
        "real = A.dump(['peak_para', 'days_to_congress', 'chronology'], globals())\n"
        "deep = '[' * 975 + ']' * 975\n"
        "line = '{\"answers\": {\"n_bureau\": ' + deep + ', ' + json.dumps(real)[1:] + '}\\n'\n"
        "into_pipe(line.encode())\nos._exit(0)"
    )
    hint = only_one_spoilt(run(notebook(tmp_path, code)), "n_bureau")
    assert "is a value nested too deeply, which cannot be checked" in hint


@pytest.mark.slow
@pytest.mark.parametrize(
    "payload",
    [
        {"__dataframe__": "this is not json"},
        {"__dataframe__": 5},
        {"__dict__": [1, 2]},
        {"__unsupported__": {"not": "text"}},
    ],
    ids=["not json", "not text", "dict of a list", "odd reason"],
)
def test_28_a_malformed_payload_costs_only_that_answer(tmp_path, mode, payload):
    code = (
        "import course.grading.answers as A\n_dump = A.dump\n"
        f"A.dump = lambda names, ns: {{**_dump(names, ns), 'chronology': {payload!r}}}"
    )
    hint = only_one_spoilt(run(notebook(tmp_path, code)), "chronology")
    assert "in a form the grader could not read" in hint


@pytest.mark.slow
def test_54_a_notebook_nested_too_deeply_does_not_stop_the_next_one(tmp_path):
    deep = tmp_path / "deep.ipynb"
    deep.write_text(
        '{"cells": ' + "[" * 200_000 + "]" * 200_000 + ', "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        encoding="utf-8",
    )
    good = notebook(tmp_path, "pass", name="good.ipynb")
    proc = subprocess.run([COURSE, "grade", str(deep), str(good)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode == 2  # the worst of the two: could not grade
    bad = json.loads(deep.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert bad["status"] == "could not grade" and "deep.ipynb" in bad["message"]
    assert "nested too deeply" in bad["message"]
    report = json.loads(good.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["status"] == "graded" and report["score"] == report["max_score"]


# ---------------------------------------------------------------- answers.dump and .load


class _Meta(type):
    @property
    def __name__(cls):
        raise SystemExit("a class whose name cannot be read")


class _Nameless(metaclass=_Meta):
    pass


class _Unprintable(Exception):
    def __str__(self):
        raise _Unprintable()


class _FakeFrame:
    """Claims to be a DataFrame; its to_json raises whatever it is given."""

    __module__, __qualname__ = "pandas", "DataFrame"

    def __init__(self, exc):
        self.exc = exc

    def to_json(self, **kwargs):
        raise self.exc


def test_dump_never_raises_and_names_what_it_refused():
    import pandas as pd

    nested = []
    for _ in range(30):
        nested = [nested]
    ns = {
        "huge": -(10**4001),
        "fine_int": 10**3999,
        "text": "x\udcff",
        "key": {"\udcff": 1},
        "in_list": [1, len],
        "nested": nested,
        "table": pd.DataFrame({"a\udcff": [1]}),
        "exits": _FakeFrame(SystemExit(3)),
        "unprintable": _FakeFrame(_Unprintable()),
        "nameless": _Nameless(),
        "good": [1, {"a": "b"}],
    }
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # what a notebook may do; the limit must not depend on it
    try:
        encoded = ans.dump(list(ns), ns)
    finally:
        sys.set_int_max_str_digits(before)
    json.dumps(encoded, ensure_ascii=False).encode("utf-8")  # sendable, and valid UTF-8
    why = {k: v["__unsupported__"] for k, v in encoded.items() if isinstance(v, dict) and "__unsupported__" in v}
    assert why == {
        "huge": "int of more than 4000 digits",
        "text": f"str {ans.NOT_TEXT}",
        "key": f"dict holding a str {ans.NOT_TEXT}",
        "in_list": "list holding a builtin_function_or_method",
        "nested": "list nested more than 20 deep",
        "table": f"DataFrame {ans.NOT_TEXT}",
        "exits": "_FakeFrame that raised SystemExit when read",
        "unprintable": "_FakeFrame that raised _Unprintable when read",
        "nameless": "_Nameless",
    }
    assert ans.load(json.loads(json.dumps(encoded)))["good"] == [1, {"a": "b"}]


def test_load_reads_each_answer_on_its_own():
    nested = []
    for _ in range(5000):  # deeper than Python's recursion: only a forged payload is
        nested = [nested]
    encoded = {
        "n_bureau": 14,
        "frame": {"__dataframe__": "this is not json"},
        "series": {"__series__": "[]"},
        "number": {"__float__": "abc"},
        "mapping": {"__dict__": [1]},
        "reason": {"__unsupported__": 7},
        "deep": nested,
        "long": {"__unsupported__": "x" * 10_000},
    }
    out = ans.load(encoded, {"n_bureau": "int"})
    assert out["n_bureau"] == 14
    for name in ("frame", "series", "number", "mapping", "reason"):
        assert isinstance(out[name], ans.Missing), name
        assert out[name].why.startswith("in a form the grader could not read ("), out[name].why
    assert out["deep"].why == "nested too deeply to be read"
    assert len(out["long"].why) < 300


def _test_quotes_the_answer(answers):
    if answers["s"] != "right":  # not assert: pytest would add its own words to the message
        raise AssertionError(f"you wrote {answers['s']}")


def test_a_hint_quoting_a_lone_surrogate_is_written_out():
    module = type(sys)("odd_tests")
    module.test_s = _test_quotes_the_answer
    [result] = runner.run(module, {"s": "bad \udcff"})
    assert result["message"] == "you wrote bad \\udcff"
    result["message"].encode("utf-8")


def test_the_supervisor_survives_any_line_in_its_pipe():
    from course.grading import execute

    read, write = os.pipe()
    deep = b'{"answers": {"a": ' + b"[" * 80 + b"]" * 80 + b', "b": 1}}'
    # all of it fits in the pipe's buffer (64 kB), so this write does not wait for a reader
    os.write(write, b"[" * 20_000 + b"\n" + b'{"x": 1' + b"0" * 5000 + b"}\n" + deep + b"\n")
    os.close(write)
    messages = [m for kind, m in execute._messages(read, os.getpid(), 5) if kind == "message"]
    os.close(read)
    assert messages == [{"answers": {"a": {"__unsupported__": "value nested too deeply"}, "b": 1}}]
    problem = execute._problem(["x = '\udcff'"], 0, ["E\udcff", ["not", "text"]], False, 5)
    assert problem["error"] == "E\\udcff" and problem["message"] == ""
    assert problem["code"] == "x = '\\udcff'"
    assert execute._describe(_Unprintable()) == ["_Unprintable", ""]
