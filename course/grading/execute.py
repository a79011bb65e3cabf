"""Execute a submission in a kernel and take out its answers as data (run as a subprocess).

    python -m course.grading.execute SUBMISSION.ipynb --result-fd N --names a,b \
        --cell-timeout 30 --memory-mb 2048 --output-kb 1024

The limits live here, in the child, so they hold for the kernel it starts: a memory cap
(address space), a file-size cap, no core dumps, a time limit per cell (the kernel is
interrupted) and a cap on the output kept from the run (the rest is dropped as it arrives,
so 50 MB of printing cannot fill the grader's memory). The grader runs this in its own process
group and kills the group if the whole run takes too long, so an endless loop that ignores
interrupts cannot hang grading.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from .answers import MIME

EXTRACT = "from course.grading.answers import emit as __course_emit\n__course_emit({names!r}, globals())"
FILE_LIMIT_MB = 64  # any one file written by the run may reach this size


def _first_line(src: str) -> str:
    for line in src.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


class CappedClient(NotebookClient):
    """Keeps at most ``output_cap`` bytes of cell output; counts what it drops."""

    output_cap = 2**20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = self.dropped = 0

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        last_cell = cell_index == len(self.nb.cells) - 1
        if not last_cell and self.kept + size > self.output_cap:
            self.dropped += size
            return None
        self.kept += size
        return super().output(outs, msg, display_id, cell_index)


def limit_resources(memory_mb: int) -> None:
    """Caps inherited by the kernel this process starts."""
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    size = FILE_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def execute(path: Path, names: list[str], cell_timeout: int, output_kb: int = 1024) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(EXTRACT.format(names=names)))
    # Unix sockets, not TCP: the kernel also works inside a network namespace with no loopback.
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(path.parent / "kernel"))
    client = CappedClient(
        nb, km=km, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.output_cap = output_kb * 1024
    problems, died = [], None
    try:
        client.execute()
    except DeadKernelError:
        died = ("the notebook stopped the Python kernel (for example with exit(), os._exit or "
                "by using more memory than allowed)")
    except Exception as exc:  # nbclient's own failures: report, do not crash the grader
        died = f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"

    answers = None
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and cell is not nb.cells[-1]:
                timed_out = out.get("ename") == "KeyboardInterrupt"
                memory = out.get("ename") == "MemoryError"
                problems.append({
                    "cell": number,
                    "code": _first_line(cell.source),
                    "error": "timeout" if timed_out else out.get("ename", "Error"),
                    "message": (f"stopped after the {cell_timeout}-second limit per cell"
                                if timed_out else
                                "used more memory than the grader allows" if memory
                                else str(out.get("evalue", ""))[:300]),
                })
    last = nb.cells[-1]
    for out in last.get("outputs", []):
        if out.get("output_type") == "display_data" and MIME in out.get("data", {}):
            answers = out["data"][MIME]
    return {"answers": answers, "problems": problems, "died": died,
            "output_dropped": client.dropped}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("notebook", type=Path)
    p.add_argument("--result-fd", type=int, required=True)
    p.add_argument("--names", required=True)
    p.add_argument("--cell-timeout", type=int, default=30)
    p.add_argument("--memory-mb", type=int, default=2048)
    p.add_argument("--output-kb", type=int, default=1024)
    a = p.parse_args(argv)
    # The result goes out through a descriptor the grader opened; keep it from the kernel.
    os.set_inheritable(a.result_fd, False)
    limit_resources(a.memory_mb)
    result = execute(a.notebook, [n for n in a.names.split(",") if n], a.cell_timeout, a.output_kb)
    with os.fdopen(a.result_fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
