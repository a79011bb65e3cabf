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

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

from .answers import MIME

EXTRACT = "from course.grading.answers import emit as __course_emit\n__course_emit({names!r}, globals())"
FILE_LIMIT_MB = 64  # any one file written by the run may reach this size


def _first_line(src: str) -> str:
    for line in src.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


def start_kernel(folder: Path) -> AsyncKernelManager:
    """Start the kernel first: it boots while this process imports nbclient and reads the
    notebook. Unix sockets, not TCP: the kernel also works inside a network namespace with no
    loopback."""
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(folder / "kernel"))
    run_sync(km.start_kernel)(cwd=str(folder), extra_arguments=["--HistoryManager.hist_file=:memory:"])
    return km


def capped_client(nb, km, folder: Path, cell_timeout: int, output_kb: int):
    """An nbclient runner that keeps at most ``output_kb`` kB of cell output and counts what it
    drops (imported here, after the kernel has started)."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {})))
            last_cell = cell_index == len(self.nb.cells) - 1
            if not last_cell and self.kept + size > output_kb * 1024:
                self.dropped += size
                return None
            self.kept += size
            return super().output(outs, msg, display_id, cell_index)

    client = CappedClient(nb, km=km, timeout=cell_timeout, allow_errors=True,
                          interrupt_on_timeout=True, resources={"metadata": {"path": str(folder)}})
    client.kept = client.dropped = 0
    return client


def limit_resources(memory_mb: int) -> None:
    """Caps inherited by the kernel this process starts."""
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    size = FILE_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def prepare(nb):
    """A clean copy to run: code and markdown only, no outputs, the standard kernel (a
    notebook saved from a VS Code venv names a kernel this machine does not have)."""
    import nbformat

    clean = nbformat.v4.new_notebook()
    clean.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            clean.cells.append(nbformat.v4.new_code_cell(cell.source))
        elif cell.cell_type == "markdown":
            clean.cells.append(nbformat.v4.new_markdown_cell(cell.source))
    return clean


def execute(path: Path, names: list[str], cell_timeout: int, output_kb: int = 1024,
            km: AsyncKernelManager | None = None) -> dict:
    km = km or start_kernel(path.parent)
    import nbformat
    from nbclient.exceptions import DeadKernelError

    # The submission as handed in (any nbformat version); the grader validates it meanwhile
    # and stops this process if it is not a valid notebook.
    nb = prepare(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4,
                                capture_validation_error={}))
    nb.cells.append(nbformat.v4.new_code_cell(EXTRACT.format(names=names)))
    client = capped_client(nb, km, path.parent, cell_timeout, output_kb)
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
    km = start_kernel(a.notebook.parent)
    result = execute(a.notebook, [n for n in a.names.split(",") if n], a.cell_timeout,
                     a.output_kb, km)
    with os.fdopen(a.result_fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False))
    # The answers are out: stop the kernel at once (a polite shutdown costs the grader ~0.5 s).
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already dead; the grader kills anything left over anyway
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
