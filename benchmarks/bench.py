"""Print build and grading times (`make bench`). Figures, not pass/fail: compare across changes.

- clean build: the student book from nothing (a fresh output folder, so notebooks execute)
- no-change rebuild: the same build again, nothing edited (Sphinx and the execution cache reuse work)
- course grade: one submission of exercise 01_soviets, median of 3 runs
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.content import validate

validate.jsonschema()  # nbformat imports jsonschema: without its slow plug-in (1.2 s a start)
import nbformat  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    from course.content import exercises

    with tempfile.TemporaryDirectory() as tmp:
        build = [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", tmp, "-W", "-n", "--keep-going"]
        clean = timed(build)
        again = timed(build)
        nb = exercises.get("01_soviets").notebook()
        nb.metadata["course"] = {"exercise": "01_soviets"}
        sub = Path(tmp) / "submission.ipynb"
        nbformat.write(nb, sub)
        grades = [timed([str(BIN / "course"), "grade", str(sub)]) for _ in range(3)]
    print(f"clean book build:       {clean:6.1f} s")
    print(f"no-change rebuild:      {again:6.1f} s")
    print(
        f"course grade (1 notebook, median of 3): {statistics.median(grades):6.2f} s "
        f"(runs: {', '.join(f'{g:.2f}' for g in grades)})"
    )


if __name__ == "__main__":
    main()
