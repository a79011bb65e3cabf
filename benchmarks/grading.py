"""Grading speed: our grader next to otter-grader on one exercise, then a whole class in one batch.

    make bench-grading                      (or: .venv/bin/python benchmarks/grading.py --help)

Figures, not pass/fail: wall-clock seconds, what a teacher waits. Other jobs on the machine
inflate them (the load average is printed with them), so compare runs made side by side.

1. otter-grader goes into its own virtualenv, benchmarks/.otter-venv (made on the first run,
   git-ignored), never into the course's venv. It gets the course's own pins of pandas, numpy,
   PyYAML, ipykernel and IPython, so both graders run the students' code on the same
   libraries, and the course package on its path (a .pth file), so the otter notebook can
   call ``course.content.data``.
2. The same exercise for otter: its tests are written from exercises/01_soviets/tests.py (the
   very test functions, each wrapped as an otter test case), the autograder zip is built by
   ``otter generate``, and the submission is the solution notebook with otter's
   ``grader.check`` in place of our ``check``.
3. ``otter run`` (no Docker) and ``course grade`` each grade that one notebook --runs times,
   turn about; every run must give full marks, and a notebook with one wrong answer must lose
   exactly one point under otter too (its tests can fail), or the benchmark stops. Not like
   for like in one way: otter run gives student code no fence, ours runs it in its sandbox
   (bubblewrap); the table also times ours without it (--trusted-code-no-sandbox), which is
   what the sandbox costs per notebook.
4. ``course grade-all`` grades a generated class (--class-size notebooks: mostly solved, some
   blank, some with one wrong answer) with all cores; every score must be the expected one.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OTTER_VENV = ROOT / "benchmarks" / ".otter-venv"
EXERCISE = "01_soviets"

OTTER_PIN = "otter-grader==7.0.0"
# Taken from the course's pyproject.toml, so both graders see the same libraries.
SHARED_PINS = ("pandas", "numpy", "pyyaml", "ipykernel", "ipython")

# One slip a student could make on each answer of 01_soviets. The line goes right after the
# answer's solution block, so it replaces the right answer by a wrong one.
MISTAKES = {
    "n_bureau": 'n_bureau = int(paras["text"].str.contains(r"(?i)\\bbureaucra").sum())  # paragraphs, not words',
    "peak_para": "peak_para = int(counts.idxmax())  # the row label, not the ¶ number",
    "days_to_congress": "days_to_congress = days_to_congress + 1  # counted both ends",
    "chronology": 'chronology = chronology.sort_values("start", ascending=False)  # newest first',
}
SHARE_BLANK, SHARE_WRONG = 0.10, 0.15  # of the class; the rest hand in the solved notebook


class BenchError(Exception):
    """The benchmark cannot go on; the message says why in plain words."""


def run(cmd, *, env=None, cwd=None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall-clock seconds and the finished process: what a teacher waits. (Not CPU time: a
    grader's processes that are killed rather than waited for are not added to it.)"""
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - start, proc


def _tail(proc) -> str:
    return (proc.stdout[-1500:] + proc.stderr[-1500:]).strip()


# ---------------------------------------------------------------- the class of submissions


def solution_notebook():
    from course.content import exercises

    nb = exercises.get(EXERCISE).notebook()
    nb.metadata.pop("jupytext", None)
    nb.metadata["course"] = {"exercise": EXERCISE}
    return nb


def with_mistake(nb, answer: str):
    """The notebook with MISTAKES[answer] added after the block that computes ``answer``."""
    from course.content.exercises import END

    for cell in nb.cells:
        lines = cell.source.splitlines()
        if cell.cell_type == "code" and END in lines and any(re.match(rf"\s*{answer}\s*=", ln) for ln in lines):
            lines.insert(lines.index(END) + 1, MISTAKES[answer])
            cell.source = "\n".join(lines)
            return nb
    raise BenchError(
        f"no solution block computes {answer!r} in exercise {EXERCISE}; "
        "update MISTAKES in benchmarks/grading.py to match exercise.md."
    )


def make_class(folder: Path, size: int, seed: int = 1917) -> dict[str, str]:
    """Write ``size`` submissions into ``folder``; return student -> kind, where kind is
    ``solved``, ``blank`` or ``wrong:<answer>``. Every fifth student hands in a folder (as a
    student repository would be), the others a single notebook."""
    import nbformat

    from course.content import exercises

    n_blank, n_wrong = round(size * SHARE_BLANK), round(size * SHARE_WRONG)
    kinds = (
        ["blank"] * n_blank
        + [f"wrong:{list(MISTAKES)[i % len(MISTAKES)]}" for i in range(n_wrong)]
        + ["solved"] * (size - n_blank - n_wrong)
    )
    random.Random(seed).shuffle(kinds)
    folder.mkdir(parents=True, exist_ok=True)
    roster = {}
    for i, kind in enumerate(kinds, 1):
        student = f"student-{i:03d}"
        if kind == "blank":
            nb = exercises.get(EXERCISE).student_notebook()
        elif kind == "solved":
            nb = solution_notebook()
        else:
            nb = with_mistake(solution_notebook(), kind.split(":", 1)[1])
        path = folder / student / f"{EXERCISE}.ipynb" if i % 5 == 0 else folder / f"{student}.ipynb"
        path.parent.mkdir(exist_ok=True)
        nbformat.write(nb, path)
        roster[student] = kind
    return roster


# ---------------------------------------------------------------- otter's side


def course_pins(names=SHARED_PINS) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    pins = {d.split("==")[0].lower(): d for d in deps if "==" in d}
    return [pins[n] for n in names]


def otter_venv(log) -> tuple[Path, str]:
    """Make (once) the virtualenv with otter; return its bin folder and a note on what was
    installed. Reinstalls when the pins change."""
    py = OTTER_VENV / "bin" / "python"
    wanted = [OTTER_PIN, *course_pins()]
    stamp = OTTER_VENV / ".bench-installed"
    note = ""
    if not stamp.exists() or stamp.read_text().splitlines() != wanted:
        log(f"installing {' '.join(wanted)} into {OTTER_VENV.relative_to(ROOT)} (once)...")
        shutil.rmtree(OTTER_VENV, ignore_errors=True)
        _, proc = run([sys.executable, "-m", "venv", OTTER_VENV])
        if proc.returncode:
            raise BenchError(f"could not make a virtualenv at {OTTER_VENV}: {_tail(proc)}")
        _, proc = run([py, "-m", "pip", "install", "--quiet", *wanted])
        if proc.returncode:
            # otter may refuse the course's pandas; then take its choice and say so.
            fallback = [OTTER_PIN, *(p for p in course_pins() if not p.startswith("pandas"))]
            _, proc = run([py, "-m", "pip", "install", "--quiet", *fallback])
            if proc.returncode:
                raise BenchError(f"could not install {OTTER_PIN} (is PyPI reachable?): {_tail(proc)}")
            note = "pandas pin of the course did not resolve with otter; otter chose its own. "
        stamp.write_text("\n".join(wanted) + "\n")
    # The course package itself, from this repository: the notebook imports course.content.data.
    _, proc = run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    Path(proc.stdout.strip(), "course-repo.pth").write_text(f"{ROOT}\n")
    _, proc = run(
        [py, "-c", "import otter, pandas, numpy; print(otter.__version__, pandas.__version__, numpy.__version__)"]
    )
    if proc.returncode:
        raise BenchError(f"the otter virtualenv is broken; delete {OTTER_VENV} and run again: {_tail(proc)}")
    otter_v, pandas_v, numpy_v = proc.stdout.split()
    return OTTER_VENV / "bin", note + f"otter-grader {otter_v}, pandas {pandas_v}, numpy {numpy_v}"


def otter_env() -> dict:
    """otter runs the notebook in the kernel named python3: make it this venv's own."""
    return {**os.environ, "JUPYTER_PATH": str(OTTER_VENV / "share" / "jupyter")}


def check_kernel(otter_bin: Path) -> None:
    _, proc = run([otter_bin / "jupyter", "kernelspec", "list", "--json"], env=otter_env())
    try:
        where = json.loads(proc.stdout)["kernelspecs"]["python3"]["resource_dir"]
    except (ValueError, KeyError):
        where = ""
    if not where.startswith(str(OTTER_VENV)):
        raise BenchError(
            f"otter would run notebooks in a python3 kernel outside its venv "
            f"({where or 'none found'}); the timing would not be otter's."
        )


def otter_tests(folder: Path) -> list[str]:
    """One otter test file per test of tests.py: the test function itself, unchanged, called
    by an otter test case with the notebook's globals as the answers. Returns the names."""
    from course.content import exercises

    source = exercises.get(EXERCISE).tests.read_text(encoding="utf-8")
    points = exercises.declared(exercises.get(EXERCISE).tests, "POINTS")
    tree = ast.parse(source)
    # The tests' own imports (pandas, the digest check), which every test file needs too.
    imports = "\n".join(
        ast.get_source_segment(source, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
    )
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            name = node.name.removeprefix("test_")
            pts = points.get(node.name, 1)
            (folder / f"{name}.py").write_text(
                f"from otter.test_files import test_case\n{imports}\n\n"
                f"OK_FORMAT = False\nname = {name!r}\npoints = {pts}\n\n\n"
                f"{ast.get_source_segment(source, node)}\n\n\n"
                f"@test_case(points={pts})\ndef check(env):\n    {node.name}(env)\n",
                encoding="utf-8",
            )
            names.append(name)
    if not names:
        raise BenchError(f"exercises/{EXERCISE}/tests.py has no test functions.")
    return names


def otter_notebook(nb):
    """A course notebook as otter expects it: otter's grader object and its grader.check."""
    import nbformat

    nb = copy.deepcopy(nb)
    setup = re.compile(r"^from course\.notebook import .*$", re.M)
    found = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if setup.search(cell.source):
            found = True
            cell.source = "\n".join(
                ln
                for ln in setup.sub("from course.notebook import data", cell.source).splitlines()
                if "Checks." not in ln
            )
        cell.source = re.sub(r"^check\((.*)\)$", r"grader.check(\1)", cell.source, flags=re.M)
    if not found:
        raise BenchError(
            "the exercise's setup cell no longer imports course.notebook; "
            "update otter_notebook in benchmarks/grading.py."
        )
    nb.cells.insert(0, nbformat.v4.new_code_cell("import otter\ngrader = otter.Notebook()"))
    nb.metadata.pop("course", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def build_autograder(otter_bin: Path, work: Path) -> Path:
    otter_tests(work / "tests")
    _, proc = run(
        [
            otter_bin / "otter",
            "generate",
            "-t",
            "tests",
            "-o",
            "autograder.zip",
            "--no-config",
            "--no-requirements",
            "--no-environment",
        ],
        cwd=work,
        env=otter_env(),
    )
    if proc.returncode or not (work / "autograder.zip").exists():
        raise BenchError(f"otter generate failed: {_tail(proc)}")
    return work / "autograder.zip"


def otter_grade(otter_bin: Path, autograder: Path, notebook: Path, out: Path) -> tuple[float, float, float]:
    """Seconds, score and maximum of one ``otter run``."""
    out.mkdir(parents=True)
    secs, proc = run([otter_bin / "otter", "run", "-a", autograder, "-o", out, "--no-logo", notebook], env=otter_env())
    try:
        tests = json.loads((out / "results.json").read_text(encoding="utf-8"))["tests"]
    except (OSError, ValueError, KeyError):
        raise BenchError(f"otter run wrote no results for {notebook.name}: {_tail(proc)}") from None
    scored = [t for t in tests if "max_score" in t]
    return secs, sum(t.get("score") or 0 for t in scored), sum(t["max_score"] for t in scored)


# ---------------------------------------------------------------- our side


def course_grade(notebook: Path, out: Path, *extra: str) -> tuple[float, dict]:
    secs, proc = run([BIN / "course", "grade", notebook, "--out", out, *extra])
    try:
        report = json.loads((out / f"{notebook.stem}.report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BenchError(f"course grade wrote no report for {notebook.name}: {_tail(proc)}") from None
    return secs, report


def expected_score(kind: str) -> tuple[int, int]:
    """(score, maximum) a submission of this kind must get: a slip costs its test's points."""
    from course.content import exercises

    tests = exercises.get(EXERCISE).tests
    declared = exercises.declared(tests, "POINTS")
    points = {name: declared.get(f"test_{name}", 1) for name in exercises.declared(tests, "ANSWERS")}
    top = sum(points.values())
    if kind.startswith("wrong:"):
        return top - points[kind.split(":", 1)[1]], top
    return (top if kind == "solved" else 0), top


def check_gradebook(path: Path, roster: dict[str, str]) -> dict[str, int]:
    """Every student graded once, with the score the kind of submission must get."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    if len(rows) != len(roster):
        raise BenchError(f"the gradebook has {len(rows)} rows for {len(roster)} students.")
    wrong, counts = [], {}
    for row in rows:
        kind = roster.get(row["student"], "?")
        want, top = expected_score(kind) if kind != "?" else (-1, -1)
        if row["status"] != "graded" or int(row["total"]) != want or int(row["max"]) != top:
            wrong.append(f"{row['student']} ({kind}): {row['total']}/{row['max']} {row['status']}")
        counts[kind.split(":")[0]] = counts.get(kind.split(":")[0], 0) + 1
    if wrong:
        raise BenchError("course grade-all gave unexpected scores: " + "; ".join(wrong[:5]))
    return counts


# ---------------------------------------------------------------- the benchmark


def bench(args, work: Path, log) -> list[tuple[str, str, str]]:
    """Run everything; return the table's rows: what, seconds, details."""
    import nbformat

    t0 = time.perf_counter()
    otter_bin, installed = otter_venv(log)
    check_kernel(otter_bin)
    autograder = build_autograder(otter_bin, work / "otter")
    setup = time.perf_counter() - t0

    single = work / "single"
    single.mkdir()
    solved, otter_sub, otter_wrong = (
        single / n for n in ("solution.ipynb", "otter-solution.ipynb", "otter-wrong.ipynb")
    )
    nbformat.write(solution_notebook(), solved)
    nbformat.write(otter_notebook(solution_notebook()), otter_sub)
    nbformat.write(otter_notebook(with_mistake(solution_notebook(), "days_to_congress")), otter_wrong)

    # Positive control: otter's tests can fail (one wrong answer, one point lost).
    got = otter_grade(otter_bin, autograder, otter_wrong, work / "runs" / "otter-wrong")[1:]
    if got != expected_score("wrong:days_to_congress"):
        raise BenchError(
            f"otter gave {got[0]}/{got[1]} to a notebook with one wrong answer; its tests are not the course's."
        )

    otter_t, course_t, bare_t, isolation = [], [], [], ""
    for i in range(args.runs + 1):  # run 0 warms both up (byte-code, disk caches); not counted
        log(f"one notebook, each grader in turn: run {i} of {args.runs}" + (" (warm-up)" if not i else ""))
        t, score, top = otter_grade(otter_bin, autograder, otter_sub, work / "runs" / f"otter-{i}")
        if not top or score != top:
            raise BenchError(f"otter gave the solution {score}/{top}; the timing would be of a failure.")
        otter_t += [t] if i else []
        t, report = course_grade(solved, work / "runs" / f"course-{i}")
        if report["status"] != "graded" or not report["max_score"] or report["score"] != report["max_score"]:
            raise BenchError(
                f"course grade gave the solution {report['score']}/{report['max_score']} "
                f"({report['status']}: {report['message']})."
            )
        course_t += [t] if i else []
        isolation = report.get("isolation", "")
        t, _ = course_grade(solved, work / "runs" / f"bare-{i}", "--trusted-code-no-sandbox")
        bare_t += [t] if i else []

    course_med, otter_med = statistics.median(course_t), statistics.median(otter_t)
    bare_med = statistics.median(bare_t)
    runs = lambda ts: "runs: " + " ".join(f"{t:.1f}" for t in ts)  # noqa: E731
    rows = [
        (f"course grade, 1 notebook (sandbox: {isolation})", f"{course_med:.2f}", runs(course_t)),
        (f"otter run, 1 notebook ({installed.split(',')[0]})", f"{otter_med:.2f}", runs(otter_t)),
        ("ratio otter / course", f"{otter_med / course_med:.2f}", "(> 1: ours is faster)"),
        (
            "course grade --trusted-code-no-sandbox, 1 notebook",
            f"{bare_med:.2f}",
            f"the sandbox costs {course_med - bare_med:+.2f} s per notebook; {runs(bare_t)}",
        ),
    ]

    log(f"a class of {args.class_size}: generating it, grading it with course grade-all")
    roster = make_class(work / "class", args.class_size)
    cmd = [BIN / "course", "grade-all", work / "class", "--out", work / "results"]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    t, proc = run(cmd)
    if proc.returncode:
        raise BenchError(f"course grade-all failed: {_tail(proc)}")
    counts = check_gradebook(work / "results" / "gradebook.csv", roster)
    mix = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("solved", "wrong", "blank"))
    rows += [
        (
            f"course grade-all, {len(roster)} notebooks, {args.workers or os.cpu_count()} workers",
            f"{t:.1f}",
            f"{len(roster) / t * 60:.1f} notebooks/min ({mix})",
        ),
        ("one-time setup (otter venv, otter generate)", f"{setup:.1f}", installed),
    ]
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5, help="timed runs of each grader on one notebook (default 5)")
    p.add_argument("--class-size", type=int, default=100, help="notebooks for course grade-all (default 100)")
    p.add_argument("--workers", type=int, help="workers for course grade-all (default: all cores)")
    p.add_argument("--keep", action="store_true", help="keep the work folder (notebooks, zip, reports)")
    args = p.parse_args(argv)
    if args.runs < 1 or args.class_size < 1:
        p.error("--runs and --class-size must be at least 1")
    if not (BIN / "course").exists():
        print(
            f"The course command is not beside {sys.executable}; run this with the course's venv: make bench-grading",
            file=sys.stderr,
        )
        return 2

    def log(msg):
        print(f"… {msg}", file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        rows = bench(args, work, log)
    except BenchError as exc:
        print(f"Benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"\nGrading benchmark: exercise {EXERCISE}, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} "
        f"after; one notebook: medians of {args.runs} runs after a warm-up\n"
    )
    rows.insert(0, ("", "seconds", ""))
    width = max(len(r[0]) for r in rows)
    for what, secs, detail in rows:
        print(f"{what:<{width}}  {secs:>7}  {detail}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
