"""benchmarks/grading.py without running it: its --help, and the class of submissions it makes
(valid notebooks, the announced mix, and answers that really are right, blank or wrong).
No otter install and no timing here: the benchmark itself is run by hand (make bench-grading)."""

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat

from course.grading.check import Checks

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "grading.py"


def load_script():
    spec = importlib.util.spec_from_file_location("bench_grading", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cells(nb) -> dict:
    """Execute a submission's code in this process (its check(...) cells left out) and return
    its namespace: enough to see which answers the public checks accept."""
    ns: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.source.strip().startswith("check("):
            exec(compile(cell.source, "<cell>", "exec"), ns)
    return ns


def test_help_runs_and_names_the_options():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in ("--runs", "--class-size", "--workers", "otter"):
        assert option in proc.stdout


def test_bad_option_is_one_line_not_a_traceback():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--runs", "0"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--runs and --class-size must be at least 1" in proc.stderr


def test_class_mix_is_valid_notebooks_with_the_right_answers(tmp_path):
    bench = load_script()
    roster = bench.make_class(tmp_path, 20)
    kinds = Counter(k.split(":")[0] for k in roster.values())
    assert kinds == {"solved": 15, "wrong": 3, "blank": 2}
    files = sorted(tmp_path.glob("*.ipynb")) + sorted(tmp_path.glob("*/*.ipynb"))
    assert len(files) == 20 and len(list(tmp_path.glob("*/*.ipynb"))) == 4  # every fifth a folder
    for path in files:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["course"] == {"exercise": "01_soviets"}

    # One notebook of each kind, run for real: the checks must pass all, fail one, fail all.
    check = Checks.exercise("01_soviets")
    seen = set()
    for student, kind in roster.items():
        if kind in seen:
            continue
        seen.add(kind)
        path = tmp_path / f"{student}.ipynb"
        path = path if path.exists() else tmp_path / student / "01_soviets.ipynb"
        results = check(namespace=run_cells(nbformat.read(path, as_version=4))).results
        failed = {r["question"] for r in results if not r["passed"]}
        assert len(results) == 4
        if kind == "solved":
            assert failed == set(), (student, failed)
        elif kind == "blank":
            assert len(failed) == 4, (student, failed)
        else:
            assert failed == {kind.split(":")[1]}, (student, kind, failed)
    assert {"solved", "blank"} <= seen and any(k.startswith("wrong:") for k in seen)


def test_every_mistake_fails_exactly_its_own_check():
    bench = load_script()
    check = Checks.exercise("01_soviets")
    for answer in bench.MISTAKES:
        nb = bench.with_mistake(bench.solution_notebook(), answer)
        results = check(namespace=run_cells(nb)).results
        assert {r["question"] for r in results if not r["passed"]} == {answer}


def test_the_shard_benchmark_runs_its_help_and_names_the_options():
    script = ROOT / "benchmarks" / "sharding.py"
    proc = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in ("--class-size", "--shards", "--students", "--runners"):
        assert option in proc.stdout


MARKING = ROOT / "benchmarks" / "marking.py"


def test_marking_benchmark_help_and_bad_option():
    proc = subprocess.run([sys.executable, str(MARKING), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--class-size" in proc.stdout and "--exercises" in proc.stdout
    bad = [sys.executable, str(MARKING), "--exercises", "9"]
    proc = subprocess.run(bad, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--exercises from 0 to 5" in proc.stderr


def test_marking_benchmark_class_is_every_chapter_and_the_exercises_asked(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_marking", MARKING)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.make_class(tmp_path, 2, 1)
    from course.content import chapters, seeds

    finished = [ch for ch, _ in seeds.chapters() if not chapters.draft(ch)]
    for student in ("student001", "student002"):
        names = sorted(p.name for p in (tmp_path / student).iterdir())
        assert names == sorted([f"{ch}_notebook.ipynb" for ch in finished] + [f"{finished[0]}.ipynb"])
        nbformat.validate(nbformat.read(tmp_path / student / f"{finished[0]}.ipynb", as_version=4))
