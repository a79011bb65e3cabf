"""Execute a submission in a kernel and take out its answers as data (run as a subprocess).

    python -m course.grading.execute SUBMISSION.ipynb RESULT.json --names a,b --cell-timeout 30

The grader runs this in its own process group and kills the group if the whole run takes
too long, so an endless loop that ignores interrupts cannot hang grading.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from .answers import MIME

EXTRACT = "from course.grading.answers import emit as __course_emit\n__course_emit({names!r}, globals())"


def _first_line(src: str) -> str:
    for line in src.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


def execute(path: Path, names: list[str], cell_timeout: int) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(EXTRACT.format(names=names)))
    client = NotebookClient(
        nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
        interrupt_on_timeout=True, resources={"metadata": {"path": str(path.parent)}},
    )
    problems, died = [], None
    try:
        client.execute()
    except DeadKernelError:
        died = "the notebook stopped the Python kernel (for example with exit() or os._exit)"
    except Exception as exc:  # nbclient's own failures: report, do not crash the grader
        died = f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"

    answers = None
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and cell is not nb.cells[-1]:
                timed_out = out.get("ename") == "KeyboardInterrupt"
                problems.append({
                    "cell": number,
                    "code": _first_line(cell.source),
                    "error": "timeout" if timed_out else out.get("ename", "Error"),
                    "message": (f"stopped after the {cell_timeout}-second limit per cell"
                                if timed_out else str(out.get("evalue", ""))[:300]),
                })
    last = nb.cells[-1]
    for out in last.get("outputs", []):
        if out.get("output_type") == "display_data" and MIME in out.get("data", {}):
            answers = out["data"][MIME]
    return {"answers": answers, "problems": problems, "died": died}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("notebook", type=Path)
    p.add_argument("result", type=Path)
    p.add_argument("--names", required=True)
    p.add_argument("--cell-timeout", type=int, default=30)
    a = p.parse_args(argv)
    result = execute(a.notebook, [n for n in a.names.split(",") if n], a.cell_timeout)
    a.result.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
