"""Marking a class: the time each machine step of teachers/marking.md takes for a class of N.

    make bench-marking                      (or: .venv/bin/python benchmarks/marking.py --help)

Figures, not pass/fail: wall-clock seconds, what a teacher waits. Other jobs on the machine
inflate them (the load average is printed with them). The class is generated: every student
hands in every finished chapter's notebook, with answers from empty to a few hundred words, and
--exercises of the exercise notebooks (most solved, some blank, some with a wrong answer). Then,
as teachers/marking.md tells a teacher:

1. ``course grade-all`` grades the class folder (the exercises; the chapter notebooks are listed
   as not gradable, quickly);
2. ``course written`` writes the review pages and scores.csv;
3. the scores are filled in (here by the script: the reading is the teacher's time, not timed);
4. ``course gradebook`` merges everything and writes the LMS files and the feedback;
5. ``course written`` again, as after a late submission (the scores already written are kept).
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.content import validate

validate.jsonschema()  # nbformat imports jsonschema: without its slow plug-in (1.2 s a start)
import nbformat  # noqa: E402

BIN = Path(sys.executable).parent


def make_class(folder: Path, size: int, n_exercises: int, seed: int = 19) -> None:
    from course.content import chapters, exercises, questions, rubrics, seeds

    rng = random.Random(seed)
    finished = [ch for ch, _ in seeds.chapters() if not chapters.draft(ch)]
    blanks = {}
    for ch in finished:
        nb = questions.notebook(ch)
        nb.metadata.pop("jupytext", None)
        blanks[ch] = (nb, [it.answer for it in rubrics.items(ch)])
    graded = []
    for ex in exercises.all_exercises()[:n_exercises]:
        solved = ex.notebook()
        solved.metadata["course"] = {"exercise": ex.id}
        wrong = copy.deepcopy(solved)
        wrong.cells.append(nbformat.v4.new_code_cell(f"{next(iter(ex.answers()))} = None"))
        graded.append((ex.id, solved, wrong, ex.student_notebook()))
    words = [0, 1, 12, 60, 150, 400]
    for n in range(1, size + 1):
        student = folder / f"student{n:03d}"
        student.mkdir(parents=True)
        for ch, (blank, answer_ids) in blanks.items():
            nb = copy.deepcopy(blank)
            for cell in nb.cells:
                if questions.answer_id(cell) in answer_ids:
                    length = rng.choice(words)
                    text = " ".join(rng.choice(("the", "Platform", "¶7", "claims")) for _ in range(length))
                    cell.source = f"**Your answer:** {text}"
            nbformat.write(nb, student / f"{ch}_notebook.ipynb")
        for ex_id, solved, wrong, blank in graded:
            kind = n % 10
            nbformat.write(solved if kind < 8 else wrong if kind == 8 else blank, student / f"{ex_id}.ipynb")


def fill_scores(path: Path, seed: int = 19) -> None:
    rng = random.Random(seed)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["points"] = str(rng.randint(0, int(r["max"])))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def timed(*args) -> float:
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "course"), *map(str, args)], capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"course {args[0]} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return took


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--class-size", type=int, default=100, help="students (default 100)")
    p.add_argument("--exercises", type=int, default=5, help="exercise notebooks per student, 0 to 5 (default 5)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="grade-all's workers (default: all cores)")
    a = p.parse_args(argv)
    if a.class_size < 1 or not 0 <= a.exercises <= 5:
        p.error("--class-size must be at least 1 and --exercises from 0 to 5")
    with tempfile.TemporaryDirectory(prefix="bench-marking-") as tmp:
        root = Path(tmp)
        subs, results, review, out = root / "submissions", root / "results", root / "review", root / "out"
        start = time.perf_counter()
        make_class(subs, a.class_size, a.exercises)
        made = time.perf_counter() - start
        notebooks = len(list(subs.rglob("*.ipynb")))
        roster = root / "roster.csv"
        roster.write_text(
            "id,name,email,lms_id\n"
            + "".join(f"student{n:03d},Student {n},s{n}@example.org,{1000 + n}\n" for n in range(1, a.class_size + 1)),
            encoding="utf-8",
        )
        weights = root / "weights.csv"
        weights.write_text("part,weight\nexercises,40\nwritten,30\nessay,30\n", encoding="utf-8")
        steps = [("grade-all", timed("grade-all", subs, "--out", results, "--workers", a.workers))]
        steps.append(("written", timed("written", subs, "--out", review)))
        fill_scores(review / "scores.csv")
        gradebook = ["gradebook", "--roster", roster, "--weights", weights, "--results", results]
        steps.append(("gradebook", timed(*gradebook, "--scores", review / "scores.csv", "--out", out)))
        steps.append(("written, again", timed("written", subs, "--out", review)))
        answers = sum(1 for _ in open(review / "scores.csv", encoding="utf-8")) - 1
    print(f"A class of {a.class_size}: {notebooks} notebooks ({a.exercises} exercise(s) each), made in {made:.0f} s;")
    print(f"{answers} rows in scores.csv; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.\n")
    print("| step | seconds |\n|---|---|")
    for name, took in steps:
        print(f"| course {name} | {took:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
