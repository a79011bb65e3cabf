"""Run a submission's code cells and take out its answers as data (run as a subprocess).

    python -m course.grading.execute SUBMISSION.ipynb --result-fd N --names a,b \
        --cell-timeout 30 --memory-mb 2048 --output-kb 1024

Two processes and no Jupyter kernel. This one, the *supervisor*, reads the notebook and forks
a *worker* that runs the code cells one by one in an IPython shell (so magics, ``display()``
and ``get_ipython()`` behave as in Jupyter) and at the end sends the answer variables, encoded
as data (``answers.dump``), up a pipe. The supervisor never runs student code. It:

* interrupts a cell that runs past its time limit (SIGINT, as Jupyter's interrupt button);
* notices when the worker dies (``os._exit``, a crash) and says so;
* trusts nothing the worker sends: each message is parsed as JSON and kept only in the shape
  it expects, so a notebook that writes into the pipe can at most hand in answers of its own;
* is out of the worker's reach (not dumpable, so it cannot be traced or have its memory
  written), and it alone holds the descriptor the grader reads the findings from.

The limits are set here, so both processes have them: a memory cap (address space), a
file-size cap, no core dumps. Output is counted, never kept. The grader runs this in its own
process group and kills the group if the whole run takes too long, so an endless loop that
ignores interrupts cannot hang grading. A kernel would add about a second per notebook
(starting it, ZeroMQ, nbclient), which a class of notebooks pays over and over.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import select
import signal
import sys
import threading
import time
from pathlib import Path

FILE_LIMIT_MB = 64  # any one file written by the run may reach this size
MESSAGE_LIMIT_MB = 64  # the worker's messages, answers included, are read up to this size
PR_SET_DUMPABLE = 4


def _first_line(src: str) -> str:
    for line in src.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


def limit_resources(memory_mb: int, processes: int = 0) -> None:
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    size = FILE_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes:  # in the sandbox only: the count is per user namespace, so per run
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def watch_memory(limit_mb: int, over: threading.Event) -> None:
    """In the sandbox, the run's own /proc lists only its own processes: add up their
    resident memory ten times a second and, past the limit, kill them all. The address-space
    cap above holds each process; this holds a notebook that forks many."""
    page, me, limit = os.sysconf("SC_PAGE_SIZE"), os.getpid(), limit_mb * 2**20
    while True:
        total = 0
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in (1, me):
                try:
                    with open(f"/proc/{name}/statm", "rb") as fh:
                        total += int(fh.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass  # gone meanwhile
        if total > limit:
            over.set()
            os.kill(-1, signal.SIGKILL)  # every process of the run but this one and init
            return
        time.sleep(0.1)


def _set_dumpable(flag: int) -> None:
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, ctypes.c_ulong(flag), 0, 0, 0)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def code_cells(path: Path) -> list[str]:
    """The code of each code cell, as handed in (outputs and markdown are never looked at).
    The grader checks the notebook against nbformat's schema meanwhile and stops this process
    if it is not valid; older formats are converted by nbformat, which only they pay for."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("nbformat") != 4:
        import nbformat

        data = nbformat.reads(text, as_version=4, capture_validation_error={})
    return [_text(c.get("source", "")) for c in data["cells"] if c.get("cell_type") == "code"]


# ---------------------------------------------------------------- the worker (student code)


class _Sink:
    """sys.stdout and sys.stderr of the worker: counts what is written, keeps none of it."""

    encoding, errors = "utf-8", "replace"

    def __init__(self):
        self.count = 0

    def write(self, text) -> int:
        self.count += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return 1


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Shell(InteractiveShell):
        """IPython without a terminal or a kernel; what Jupyter would show is not needed."""

        def enable_gui(self, gui=None):  # %matplotlib inline: nothing to draw on
            pass

        def ask_exit(self):  # exit() and quit()
            self.exit_now = True

        def showtraceback(self, *args, **kwargs):  # the error is taken from the result
            pass

        def showsyntaxerror(self, *args, **kwargs):
            pass

    config = Config()
    config.HistoryManager.enabled = False
    shell = Shell.instance(config=config)  # what get_ipython() returns
    shell.display_formatter.active_types = ["text/plain"]
    return shell


def _describe(exc: BaseException) -> list[str]:
    """Name and message of an exception the notebook raised, as two plain str: its
    ``__str__`` may fail, raise anything, or return a str subclass that misbehaves."""

    def text(get) -> str:
        try:
            return str.__str__(get())[:300]  # a plain str, whatever get() returned
        except BaseException:  # noqa: BLE001
            return ""

    return [text(lambda: type(exc).__name__), text(lambda: str(exc))]


def work(cells: list[str], names: list[str], out: int) -> None:
    """Run in the forked worker; never returns. Messages are JSON lines on ``out``."""
    from course.grading import answers

    me, dumps, write, exit_ = os.getpid(), json.dumps, os.write, os._exit

    def send(message: dict) -> None:
        if os.getpid() != me:  # a process the notebook forked got back here: it ends
            exit_(0)
        data = dumps(message).encode("utf-8") + b"\n"
        try:
            while data:
                data = data[write(out, data) :]
        except OSError:  # the notebook closed or replaced the pipe
            exit_(3)

    _set_dumpable(1)  # its own /proc files stay readable; only the supervisor is shut
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # output written below Python (C code, subprocesses) goes nowhere
        os.dup2(null, fd)
    sink = _Sink()
    sys.stdout = sys.stderr = sink
    sys.path.insert(0, "")  # as in a kernel: the notebook's folder can be imported from
    in_cell = False

    def interrupt(signum, frame):
        if in_cell:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    shell = _shell()
    for number, source in enumerate(cells):
        send({"start": number})
        error = None
        try:
            in_cell = True
            outcome = shell.run_cell(source, store_history=True)
            in_cell = False
            failure = outcome.error_before_exec or outcome.error_in_exec
            if failure is not None:
                error = _describe(failure)
        except BaseException as exc:  # noqa: BLE001  (an interrupt between IPython's steps)
            in_cell = False
            error = _describe(exc)
        send({"done": number, "error": error, "exit": bool(shell.exit_now)})
        if shell.exit_now:
            break
    send({"answers": answers.dump(names, shell.user_ns), "output": sink.count})
    exit_(0)


# ---------------------------------------------------------------- the supervisor

MAX_ANSWER_DEPTH = 64  # lists and dicts in one answer; answers.dump makes at most about 45


def _too_deep(value) -> bool:
    """Whether lists and dicts in ``value`` go more than ``MAX_ANSWER_DEPTH`` deep. The grader
    and the test process read the answers again, each with less room for recursion than
    this process: what passes here must pass there. Walked without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth == MAX_ANSWER_DEPTH:
                return True
            parts = item.values() if isinstance(item, dict) else item
            stack.extend((v, depth + 1) for v in parts)
    return False


def _messages(pipe: int, pid: int, cell_timeout: int):
    """The worker's messages as they come; a cell still running ``cell_timeout`` seconds after
    it started is interrupted once (a notebook that ignores it meets the grader's total limit).
    Yields ``("interrupted", cell)`` for that, and ``("message", dict)`` for the rest."""
    parts, size, running, deadline = [], 0, None, None  # parts: the line not yet ended
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not select.select([pipe], [], [], wait)[0]:
            os.kill(pid, signal.SIGINT)
            yield "interrupted", running
            deadline = None
            continue
        chunk = os.read(pipe, 1 << 16)
        if not chunk:
            return
        size += len(chunk)
        if size > MESSAGE_LIMIT_MB * 2**20:
            yield "too big", None
            return
        if b"\n" not in chunk:  # a long message (the answers) comes in many chunks
            parts.append(chunk)
            continue
        *lines, rest = (b"".join(parts) + chunk).split(b"\n")
        parts = [rest]
        for line in lines:
            try:
                message = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, an int too long, too deep
                continue
            if not isinstance(message, dict):
                continue
            if isinstance(message.get("answers"), dict):  # only a forged line has one too deep
                message["answers"] = {
                    name: {"__unsupported__": "value nested too deeply"} if _too_deep(v) else v
                    for name, v in message["answers"].items()
                }
            if isinstance(message.get("start"), int):
                running, deadline = message["start"], time.monotonic() + cell_timeout
            elif "done" in message:
                running, deadline = None, None
            yield "message", message


def _problem(cells, number, error, timed_out, cell_timeout) -> dict:
    """One entry of the report's problems. What the worker sent is used only if it is text,
    and lone surrogates (in the error or the cell's code) are written out, so that the report
    can be written whatever the notebook raised."""
    from course.grading.answers import printable

    ename, evalue = (printable(x) if isinstance(x, str) else "" for x in (list(error) + ["", ""])[:2])
    return {
        "cell": number + 1,
        "code": printable(_first_line(cells[number])),
        "error": "timeout" if timed_out else ename[:80] or "Error",
        "message": (
            f"stopped after the {cell_timeout}-second limit per cell"
            if timed_out
            else "used more memory than the grader allows"
            if ename == "MemoryError"
            else evalue[:300]
        ),
    }


def supervise(
    cells: list[str],
    names: list[str],
    cell_timeout: int,
    output_kb: int,
    keep_from_worker: tuple[int, ...] = (),
    run_memory_mb: int = 0,
) -> dict:
    read_end, write_end = os.pipe()
    _set_dumpable(0)  # the worker may not trace this process or write into its memory
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            for fd in keep_from_worker:
                os.close(fd)
            work(cells, names, write_end)
        finally:
            os._exit(4)
    os.close(write_end)
    over = threading.Event()
    if run_memory_mb:
        threading.Thread(target=watch_memory, args=(run_memory_mb, over), daemon=True).start()
    problems, interrupted, answers, output, died = [], set(), None, 0, None
    for kind, message in _messages(read_end, pid, cell_timeout):
        if kind == "interrupted":
            interrupted.add(message)
        elif kind == "too big":
            died = f"the notebook's answers were larger than {MESSAGE_LIMIT_MB} MB"
        elif "done" in message and isinstance(message["done"], int) and 0 <= message["done"] < len(cells):
            number, error = message["done"], message.get("error")
            if error or number in interrupted:
                problems.append(
                    _problem(
                        cells, number, error if isinstance(error, list) else [], number in interrupted, cell_timeout
                    )
                )
            if message.get("exit"):
                # named as the student finds the cell: by its first line (Jupyter shows no numbers)
                from course.grading.answers import printable

                first = printable(_first_line(cells[number]))
                cell = f"the cell that begins `{first}`" if first else f"code cell {number + 1}"
                died = f"the notebook called exit() in {cell}, so the cells after it did not run"
        elif isinstance(message.get("answers"), dict):
            answers = message["answers"]
            output = message.get("output") if isinstance(message.get("output"), int) else 0
    os.close(read_end)
    try:
        os.kill(pid, signal.SIGKILL)  # done, or stuck sending: either way it is over
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    if over.is_set():
        died = (
            f"the notebook and the processes it started used more than {run_memory_mb} MB "
            "of memory together, so the run was stopped"
        )
    if answers is None and died is None:
        died = (
            "the notebook stopped the Python process running it (for example with "
            "os._exit, or by using far more memory than allowed)"
        )
    return {"answers": answers, "problems": problems, "died": died, "output_dropped": max(0, output - output_kb * 1024)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("notebook", type=Path)
    p.add_argument("--result-fd", type=int, required=True)
    p.add_argument("--names", required=True)
    # No defaults: the grader always passes its Limits (course/grading/grade.py), the one place
    # they are written.
    p.add_argument("--cell-timeout", type=int, required=True)
    p.add_argument("--memory-mb", type=int, required=True)
    p.add_argument("--output-kb", type=int, required=True)
    p.add_argument("--processes", type=int, default=0, help="in the sandbox: most processes")
    p.add_argument(
        "--run-memory-mb", type=int, default=0, help="in the sandbox: memory of all the run's processes together"
    )
    a = p.parse_args(argv)
    limit_resources(a.memory_mb, a.processes)
    # Interrupts are for the worker's cells: the notebook may send SIGINT to every process it
    # can (os.kill(-1, ...)); this one must live on to report. The worker sets its own handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cells = code_cells(a.notebook)
    result = supervise(
        cells,
        [n for n in a.names.split(",") if n],
        a.cell_timeout,
        a.output_kb,
        keep_from_worker=(a.result_fd,),
        run_memory_mb=a.run_memory_mb,
    )
    with os.fdopen(a.result_fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result))  # \u escapes: a forged answer's surrogate cannot stop it
    return 0


if __name__ == "__main__":
    sys.exit(main())
