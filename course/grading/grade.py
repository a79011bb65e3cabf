"""Grade one submitted notebook: ``course grade NOTEBOOK``.

Exit codes: 0 every test passed; 1 graded, some tests failed; 2 could not grade (not a
notebook, unknown exercise, the whole run over its time limit). Every outcome writes a JSON
and a Markdown report; problems are explained in one paragraph, never a traceback.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import signal
import site
import stat
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from course import __version__
from course.content import exercises as exlib
from course.content import paths, validate
from course.files import write_atomic
from course.grading import sandbox


class CouldNotGrade(Exception):
    """The submission could not be graded; the message is for the student."""


@dataclass
class Result:
    notebook: str
    exercise: str | None = None
    status: str = "graded"  # graded | could not grade
    message: str = ""
    tests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""

    @property
    def score(self):
        return sum(t["score"] for t in self.tests)

    @property
    def max_score(self):
        return sum(t["points"] for t in self.tests)

    @property
    def exit_code(self) -> int:
        if self.status != "graded":
            return 2
        return 0 if self.tests and all(t["passed"] for t in self.tests) else 1

    def as_dict(self):
        return {
            "notebook": self.notebook,
            "exercise": self.exercise,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "message": self.message,
            "tests": self.tests,
            "problems": self.problems,
            "seconds": round(self.seconds, 2),
            "isolation": self.isolation,
            "grader": f"course {__version__}",
        }

    def markdown(self) -> str:
        lines = [f"# Grading report: {Path(self.notebook).name}", ""]
        if self.status != "graded":
            lines += ["**Could not grade this notebook.**", "", self.message, ""]
            return "\n".join(lines)
        lines += [f"Exercise `{self.exercise}` · **score {self.score} / {self.max_score}**", ""]
        if self.message:
            lines += [self.message, ""]
        lines += ["| | question | points | hint |", "|---|---|---|---|"]
        for t in self.tests:
            hint = t["message"].replace("|", "\\|").replace("\n", " ")
            name = t["question"] + (" (hidden test)" if t.get("hidden") else "")
            lines.append(f"| {'✔' if t['passed'] else '✘'} | `{name}` | {t['score']}/{t['points']} | {hint} |")
        if self.problems:
            lines += ["", "## Problems while running the notebook", ""]
            for p in self.problems:
                lines.append(f"- {stopped(p)}")
        return "\n".join(lines) + "\n"


def where(problem: dict) -> str:
    """The cell as a student finds it: by its first line of code (Jupyter shows no cell numbers,
    and the grader's count would include the hidden setup cell), and which one when several
    cells begin alike."""
    code, nth = problem.get("code") or "", problem.get("nth", 1)
    if not code:
        return f"code cell {problem['cell']} (it has no line of code)"
    which = f"the {_ordinal(nth)} cell" if nth > 1 else "the cell"
    return f"{which} that begins `{code}`"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def stopped(problem: dict) -> str:
    """What happened to a cell, a timeout told apart from an error it raised."""
    if problem["error"] == "timeout":
        return f"{where(problem)} ran too long: it was {problem['message']}"
    return f"{where(problem)} stopped with {problem['error']}: {problem['message']}"


MAX_NOTEBOOK_MB = 20  # far above any honest notebook here (the largest solution is < 1 MB)


def read_submission(path: Path) -> bytes:
    """The bytes of a submitted notebook, read safely: a symlink, a FIFO, a device or a folder
    is refused without being followed or opened for reading (a FIFO would block, /dev/zero never
    ends), and so is a file over ``MAX_NOTEBOOK_MB``, before any of it is read."""
    name = os.fsdecode(path.name).encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CouldNotGrade(f"There is no file at {name}.") from None
    except OSError as exc:  # ELOOP: a symlink
        what = "a symbolic link" if os.path.islink(path) else f"a file that cannot be opened ({exc.strerror})"
        raise CouldNotGrade(f"{name} is {what}; only a notebook file itself can be graded.") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CouldNotGrade(
                f"{name} is not a regular file (a folder, a pipe or a device); only a notebook file can be graded."
            )
        if st.st_size > MAX_NOTEBOOK_MB * 2**20:
            raise CouldNotGrade(
                f"{name} is {st.st_size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_MB} MB a "
                "notebook may have. Clear its outputs (Kernel → Restart and Clear Outputs), save, "
                "and submit it again."
            )
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_NOTEBOOK_MB * 2**20:  # it grew while read
                raise CouldNotGrade(f"{name} is larger than {MAX_NOTEBOOK_MB} MB.")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _load_json(path: Path, raw: bytes) -> dict:
    """The submission's JSON, or CouldNotGrade saying in plain words why there is none."""
    if not raw.strip():
        raise CouldNotGrade(f"{path.name} is empty. Save the notebook in Jupyter and submit it again.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise CouldNotGrade(
            f"{path.name} is not a notebook Jupyter writes: its JSON is nested too deeply to be read."
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise CouldNotGrade(
            f"{path.name} is not a Jupyter notebook: its content is not valid JSON{where}. "
            "A notebook must be saved from Jupyter (File → Save) or downloaded as .ipynb; "
            "a renamed text or Python file will not work."
        ) from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise CouldNotGrade(f"{path.name} is JSON but not a Jupyter notebook (it has no cells).")
    return data


def _validate(data: dict, path: Path):
    # Here, not at the top: the notebook's run starts before this import is paid for.
    validate.jsonschema()  # nbformat imports it: without its slow plug-in (course.content.validate)
    import nbformat

    invalid = {}  # nbformat validates while it reads; it puts what it finds here
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4, capture_validation_error=invalid)
        if invalid:
            raise invalid["ValidationError"]
    except Exception as exc:
        raise CouldNotGrade(
            f"{path.name} is not a valid Jupyter notebook ({str(exc).splitlines()[0][:200]}). "
            "Open it in Jupyter, save it, and submit it again."
        ) from None
    return nb


def _exercise_named_in(data: dict) -> str | None:
    meta = data.get("metadata")
    course = meta.get("course") if isinstance(meta, dict) else None
    ex = course.get("exercise") if isinstance(course, dict) else None
    return ex if isinstance(ex, str) else None


@dataclass(frozen=True)
class Limits:
    cell_timeout: int = 30  # seconds per cell; the cell is interrupted
    total_timeout: int = 300  # seconds for the whole notebook; the run is killed
    memory_mb: int = 2048  # memory of the run: each process, and all of them together
    output_kb: int = 1024  # cell output kept from the run
    disk_mb: int = 256  # the notebook's folder (/tmp and /dev/shm have 64 MB each)
    processes: int = 64  # processes and threads of the run at once


def published_limits() -> dict:
    """The default limits as the guides quote them (``{{ limits.cell_timeout }}`` and so on in
    ``checking.md`` and ``teachers/grading-with-ci.md``): written here and nowhere else."""
    from course.grading.execute import FILE_LIMIT_MB

    lim = Limits()
    return {
        "cell_timeout": lim.cell_timeout,
        "total_timeout": lim.total_timeout,
        "total_minutes": lim.total_timeout // 60,
        "memory_gb": lim.memory_mb // 1024,
        "output_mb": lim.output_kb // 1024,
        "file_mb": FILE_LIMIT_MB,
        "processes": lim.processes,
        "disk_mb": lim.disk_mb,
        "tmp_mb": sandbox.TMP_MB,
        "notebook_mb": MAX_NOTEBOOK_MB,
    }


def _runs_parent() -> Path:
    """One private folder (mode 700) holds every run folder of this user. Each run folder is
    locked while its run lasts; one left by a grader that was killed is removed here, so no
    copy of a submission or of its answers stays behind."""
    parent = Path(tempfile.gettempdir()) / f"course-runs-{os.getuid()}"
    parent.mkdir(mode=0o700, exist_ok=True)
    if parent.is_symlink() or parent.stat().st_uid != os.getuid():
        raise CouldNotGrade(f"{parent} is not this user's own folder; remove it and grade again.")
    for old in parent.iterdir():
        try:
            if time.time() - old.lstat().st_mtime < 60:
                continue  # perhaps just made, and about to be locked
            fd = os.open(old, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a run in progress
        finally:
            os.close(fd)
        shutil.rmtree(old, ignore_errors=True)
    return parent


def _run_folder() -> tuple[Path, int]:
    """A new run folder, locked (the descriptor returned holds the lock) until the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=_runs_parent()))
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return folder, fd


def _child_env(home: str, tmp: str, token: str) -> dict:
    """A small, fixed environment: nothing of the grader's own settings reaches student code."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": home,
        "TMPDIR": tmp,
        "IPYTHONDIR": f"{home}/.ipython",
        "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter",
        "MPLCONFIGDIR": f"{home}/.mpl",
        "PYTHONPATH": sandbox.PACKAGE_ROOT,
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        # Fewer threads and malloc arenas keep the run's address space well under its cap.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
        "COURSE_RUN_TOKEN": token,
    }
    if "COURSE_ROOT" in os.environ:
        env["COURSE_ROOT"] = str(paths.ROOT)  # absolute
    return env


def _start(cmd, *, cwd, stderr_path: Path, env=None, pass_fds=(), stdin=subprocess.DEVNULL):
    """Start a child in its own session (so its whole process group can be killed). Its
    output goes to a file, capped by the child's file-size limit, never into our memory."""
    if shutil.which("setpriv"):  # if the grader itself is killed, its children die with it
        cmd = ["setpriv", "--pdeathsig", "KILL", *cmd]
    with open(stderr_path, "wb") as err:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=err,
            pass_fds=pass_fds,
            start_new_session=True,
        )


def _wait(proc: subprocess.Popen, timeout: float) -> int:
    """``proc.wait(timeout)``, but woken the moment the child ends: Popen polls with naps of up
    to 50 ms, which a grader waiting on two children pays on every notebook."""
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux 5.3+, or the child is already reaped
        return proc.wait(timeout=timeout)
    try:
        if not select.select([fd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(fd)
    return proc.wait()


def _tail(path: Path, n: int = 300) -> str:
    try:
        return path.read_bytes()[-n:].decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _kill_leftovers(token: str) -> None:
    """Without the sandbox, a notebook may leave processes behind (a fork, a daemon): find every
    process that carries this run's token in its environment and kill it."""
    needle = f"COURSE_RUN_TOKEN={token}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            pass


def _watched_files(extra: list[Path]) -> list[Path]:
    """Files a submission could rewrite to fake a pass: this package, the tests, Python's
    start-up hooks (.pth, sitecustomize) and the packages the test process imports. Folders
    in the list stand for their listing, so a file added to them counts as a change."""
    pkg = Path(sandbox.PACKAGE_ROOT) / "course"
    # PACKAGE_ROOT's own listing too: it comes first on the test process's path.
    files = [Path(sandbox.PACKAGE_ROOT), pkg, pkg / "grading", *pkg.rglob("*.py"), *extra]
    for sp in map(Path, site.getsitepackages()):
        files += [sp, *(p for p in sp.glob("*") if p.suffix in (".pth", ".py"))]
        for name in ("pandas", "numpy"):
            files += list((sp / name).rglob("*.py"))
    return files


def _snapshot(files: list[Path]) -> dict:
    out = {}
    for f in files:
        try:
            if f.is_dir():
                out[str(f)] = tuple(sorted(os.listdir(f)))
            else:
                st = f.stat()
                out[str(f)] = (st.st_size, st.st_mtime_ns)
        except OSError:
            out[str(f)] = None
    return out


_BASELINE: dict = {}


def _check_untouched(files: list[Path]) -> None:
    """Compare with the first snapshot this process took. A change means a submission (this
    one or an earlier one) rewrote the grader; refuse to grade rather than risk a false pass."""
    now = _snapshot(files)
    for name, stamp in now.items():
        before = _BASELINE.setdefault(name, stamp)
        if before != stamp:
            raise CouldNotGrade(
                "The grader's own files changed while this notebook ran, so no score can be "
                "trusted: grading stopped. (Notebooks must not write outside their folder.) "
                f"Changed: {name}. A teacher should reinstall the course package before "
                "grading again."
            )


def _secret_lines(ex, hidden: Path | None) -> list[str]:
    """Lines that must never reach a student: the hidden tests and the exercise's solution
    lines (where the teacher's copy has them). Only lines long enough, and more than a bare
    name, that a student's own words will not match them by chance."""
    lines = ex.solution_lines() if ex.source.exists() else []
    if hidden:
        lines += hidden.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if len(ln.strip()) >= 20 and not ln.strip().isidentifier()]


def _redact(text: str, secrets: list[str]) -> str:
    for line in secrets:
        if line in text:
            text = text.replace(line, "[removed: text from the grader's files]")
    return text


class SandboxMissing(CouldNotGrade):
    """The sandbox cannot be built here: nothing is graded (unless the teacher trusts the code)."""


def check_sandbox(unsafe: bool) -> None:
    """Stop before grading anything when student code would run without its sandbox, unless
    the teacher said the code is trusted (``--trusted-code-no-sandbox``)."""
    missing = None if unsafe else sandbox.missing()
    if missing:
        raise SandboxMissing(
            f"Grading stopped: the sandbox that keeps student code away from this machine "
            f"cannot be built. {missing} Only for code you trust (your own notebooks, say), "
            "grade without it: --trusted-code-no-sandbox."
        )


UNSAFE_NOTE = (
    "Graded WITHOUT the sandbox (--trusted-code-no-sandbox): the notebook ran with "
    "time, memory and output limits only, and could read and change this machine's "
    "files. This grade is only as trustworthy as the notebook's author."
)


def grade(
    notebook: Path,
    *,
    source: bytes | None = None,
    exercise: str | None = None,
    limits: Limits = Limits(),
    hidden_tests: Path | None = None,
    unsafe: bool = False,
    fallback_exercise: str | None = None,
) -> Result:
    """Grade one notebook (its bytes, if ``source`` is given: ``notebook`` then only names it).
    ``hidden_tests`` is a folder of ``<exercise>/tests.py`` files the students never see.
    Student code runs in the sandbox, or, with ``unsafe``, without it (trusted code only).
    The exercise is ``exercise`` if given, else the one the notebook's metadata names, else
    ``fallback_exercise``, else the exercise whose id is the notebook's file name; the report
    says when it was not the metadata's."""
    start = time.monotonic()
    result = Result(notebook=str(notebook))
    try:
        check_sandbox(unsafe)
        raw = read_submission(notebook) if source is None else source
        # Only the JSON now: the full check of the notebook runs while its run starts.
        data = _load_json(notebook, raw)
        ex_id, how = _which_exercise(notebook, data, exercise, fallback_exercise)
        try:  # the course's own list decides; the notebook's string never becomes a path
            ex = exlib.get(ex_id)
        except KeyError as exc:
            raise CouldNotGrade(str(exc.args[0])) from None
        result.exercise = ex.id
        hidden = None
        if hidden_tests is not None:
            hidden = Path(hidden_tests).resolve() / ex.id / "tests.py"
            if not hidden.is_file():
                raise CouldNotGrade(
                    f"The hidden tests folder {hidden_tests} has no tests for "
                    f"exercise {ex.id} ({ex.id}/tests.py), so it cannot be "
                    "graded with hidden tests."
                )
        # Inside the sandbox the grader's files are out of reach; without it, check them.
        watched = _watched_files([ex.tests, *filter(None, [hidden])]) if unsafe else []
        _check_untouched(watched)
        secrets = _secret_lines(ex, hidden)
        names = list(ex.answers())  # read as literals: no test code runs in this process
        if hidden:
            names += [n for n in exlib.declared(hidden, "ANSWERS") if n not in names]
        run_dir, lock = _run_folder()
        try:
            _execute_and_test(data, notebook, ex, hidden, names, run_dir, limits, unsafe, watched, result)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
            os.close(lock)
        if how:
            result.message = f"{how} {result.message}".strip()
        result.message = _redact(result.message, secrets)
        for item in result.tests + result.problems:
            item["message"] = _redact(item["message"], secrets)
    except CouldNotGrade as exc:
        result.status, result.message = "could not grade", str(exc)
    if unsafe:
        result.isolation = "none"
        result.message = f"{result.message} {UNSAFE_NOTE}".strip()
    result.seconds = time.monotonic() - start
    return result


def _which_exercise(notebook: Path, data: dict, exercise, fallback) -> tuple[str, str]:
    """The exercise id to grade with, and a sentence for the report when it is not the one the
    notebook's metadata names. A file name counts only if it is exactly a known id (it is
    matched against the course's list, never used as a path)."""
    if exercise:
        return exercise, ""
    named = _exercise_named_in(data)
    if named:
        return named, ""
    missing = f"{notebook.name} does not say which exercise it is (its metadata has no course.exercise)"
    if fallback:
        return fallback, f"{missing}, so it was graded as exercise {fallback}, as --exercise says."
    stem = notebook.name.removesuffix(".ipynb")
    if stem in {ex.id for ex in exlib.all_exercises()}:
        return stem, f"{missing}, so it was graded as exercise {stem}, its file name."
    raise CouldNotGrade(
        f"{missing}, nor does its file name. Start from the released exercise notebook, name the file "
        "after its exercise (01_soviets.ipynb), or name the exercise with --exercise."
    )


def _execute_and_test(data, notebook, ex, hidden, names, run_dir, limits, unsafe, watched, result):
    # The test process starts now, in the run folder, and waits for the answers on its
    # standard input: its start-up overlaps the notebook's run. It reads the tests where they
    # are (the teacher's files; the notebook's run never sees them) and runs no student code.
    (run_dir / "tests").mkdir()
    args = [str(ex.tests), "-", "results.json"] + ([str(hidden)] if hidden else [])
    runner = _start(
        sandbox.python_module("course.grading.runner", *args),
        cwd=run_dir / "tests",
        stdin=subprocess.PIPE,
        stderr_path=run_dir / "tests" / "runner.err",
    )
    try:
        encoded = _execute(data, notebook, names, run_dir, limits, unsafe, watched, result)
        try:
            runner.stdin.write(json.dumps(encoded).encode("utf-8"))
            runner.stdin.close()
            code = _wait(runner, 120)
        except (OSError, subprocess.TimeoutExpired):
            code = None
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()
        if not runner.stdin.closed:
            try:
                runner.stdin.close()
            except OSError:  # the test process is gone; nothing is waiting to read
                pass
    res = run_dir / "tests" / "results.json"
    if code != 0 or not res.exists():
        raise CouldNotGrade(
            f"The tests could not be run (a problem on the grader's side): {_tail(run_dir / 'tests' / 'runner.err')}"
        )
    result.tests = json.loads(res.read_text(encoding="utf-8"))
    _name_stopped_cells(result, data)


def _code_cells(data: dict) -> list[str]:
    cells = data.get("cells") if isinstance(data.get("cells"), list) else []
    sources = [c.get("source", "") for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    return ["".join(s) if isinstance(s, list) else str(s) for s in sources]


def _sets(code: str, name: str) -> bool:
    """Whether a cell's code assigns ``name`` at the start of a line (``name = …``, ``name +=
    …``, ``a, name = …``, ``name: int = …``), read as text: a cell that stopped may not even
    parse. Linear in the code's length, whatever a notebook holds."""
    for line in code.splitlines():
        equals = line.find("=") if name in line else -1
        if equals < 0 or line[equals + 1 : equals + 2] == "=":  # none, or a comparison (==)
            continue
        left = line[:equals]
        if left.endswith(("<<", ">>")):
            left = left[:-2]
        elif left.endswith(("<", ">", "!")):  # <=, >=, !=: a comparison
            continue
        targets = left.rstrip("-+*/%|&@^").split(":")[0].replace("(", " ").replace(")", " ")
        if name in (t.strip().lstrip("*") for t in targets.split(",")):
            return True
    return False


_NOT_DEFINED = re.compile(r"`(\w+)` is not defined")


def _name_stopped_cells(result: Result, data: dict) -> None:
    """An answer is "not defined" when the cell that sets it stopped (an error, a time limit)
    before setting it: the hint then says so and names the cell, rather than telling the
    student to run a cell they did run."""
    if not result.problems:
        return
    cells = _code_cells(data)
    for test in result.tests:
        found = _NOT_DEFINED.search(test.get("message", ""))
        if not found or test.get("passed"):
            continue
        name = found.group(1)
        culprit = next(
            (p for p in result.problems if 0 < p["cell"] <= len(cells) and _sets(cells[p["cell"] - 1], name)), None
        )
        if culprit:
            test["message"] = (
                f"`{name}` was never set: {stopped(culprit)}. Fix that cell so it runs to the end, then run it again."
            )


def _number_alike(problems: list[dict], data: dict) -> None:
    """Which of the cells that begin with the same line each problem is (1 if it is the first)."""
    from course.grading.execute import _first_line

    firsts = [_first_line(code) for code in _code_cells(data)]
    for p in problems:
        p["nth"] = firsts[: p["cell"]].count(p["code"]) if 0 < p["cell"] <= len(firsts) else 1
        p["nth"] = max(p["nth"], 1)


def _execute(data, notebook, names, run_dir, limits, unsafe, watched, result) -> dict:
    """Run the notebook in its sandboxed child; return its answers, encoded as data. The
    notebook is validated here while the child starts (a third of a second saved);
    an invalid one stops the child before the answers are used."""
    token = uuid.uuid4().hex
    out = run_dir / "executed.json"
    # The child writes its findings through this descriptor; student code never holds it.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    submission = run_dir / "submission.ipynb"
    submission.write_text(json.dumps(data), encoding="utf-8")
    nb_fd = os.open(submission, os.O_RDONLY)
    flags = [
        "--result-fd",
        str(fd),
        "--names",
        ",".join(names),
        "--cell-timeout",
        str(limits.cell_timeout),
        "--memory-mb",
        str(limits.memory_mb),
        "--output-kb",
        str(limits.output_kb),
    ]
    if unsafe:  # the grader's own folder for the run; the tamper check watches the rest
        home = run_dir / "home"
        home.mkdir()
        shutil.copy(submission, home / "submission.ipynb")
        cmd = sandbox.python_module("course.grading.execute", str(home / "submission.ipynb"), *flags)
        env, cwd, result.isolation = _child_env(str(home), str(home), token), home, "none"
    else:
        cmd = sandbox.wrap(
            sandbox.python_module(
                "course.grading.execute",
                f"{sandbox.HOME}/submission.ipynb",
                *flags,
                "--processes",
                str(limits.processes),
                "--run-memory-mb",
                str(limits.memory_mb),
            ),
            notebook_fd=nb_fd,
            disk_mb=limits.disk_mb,
        )
        env, cwd, result.isolation = _child_env(sandbox.HOME, "/tmp", token), run_dir, "bubblewrap"
    child = None
    try:
        child = _start(cmd, cwd=cwd, env=env, pass_fds=(fd, nb_fd), stderr_path=run_dir / "execute.err")
        _validate(data, notebook)
        try:
            code = _wait(child, limits.total_timeout)
        except subprocess.TimeoutExpired:
            raise CouldNotGrade(
                f"Running {notebook.name} took longer than the {limits.total_timeout}-second "
                "limit for the whole notebook, so it was stopped. Look for a loop that never "
                "ends or a very slow cell, fix it, and submit again."
            ) from None
    finally:
        if child is not None and child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        os.close(fd)
        os.close(nb_fd)
        if unsafe:
            _kill_leftovers(token)
    _check_untouched(watched)
    try:
        executed = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        executed = None
    if code != 0 or not isinstance(executed, dict):
        raise CouldNotGrade(
            "The notebook could not be run to the end: the process running it stopped "
            f"(exit status {code}). This happens when a notebook kills its own process or "
            "uses far more memory than allowed. Details: "
            f"{_tail(run_dir / 'execute.err', 200) or 'none'}"
        )
    result.problems = executed["problems"]
    _number_alike(result.problems, data)
    if executed["died"]:
        result.message = f"Grading stopped early: {executed['died']}."
    notes = []
    if result.problems:
        listed = "; ".join(stopped(p) for p in result.problems)
        notes.append(
            f"{len(result.problems)} cell(s) did not finish: {listed}. The answers they should have set may be missing."
        )
    if executed.get("output_dropped"):
        notes.append(f"The notebook printed more than {limits.output_kb} kB; the rest of its output was ignored.")
    if notes and not result.message:
        result.message = " ".join(notes)
    return executed["answers"] or {n: {"__missing__": True} for n in names}


def summary(results: list[Result]) -> str:
    """A Markdown score table for a CI job summary: one row per notebook, then the hints."""
    lines = ["## Exercise checks", "", "| notebook | score | result |", "|---|---|---|"]
    for r in results:
        name = Path(r.notebook).name
        if r.status != "graded":
            lines.append(f"| `{name}` | – | could not grade |")
        else:
            ok = r.exit_code == 0
            lines.append(
                f"| `{name}` | {r.score} / {r.max_score} | {'all checks pass' if ok else 'some checks fail'} |"
            )
    for r in results:
        failing = [t for t in r.tests if not t["passed"]]
        if r.status != "graded" or failing or r.message:
            lines += ["", f"### {Path(r.notebook).name}", ""]
            if r.message:
                lines.append(r.message)
            lines += [f"- ✘ `{t['question']}`: {t['message']}" for t in failing]
    return "\n".join(lines) + "\n"


def write_reports(result: Result, out_dir: Path) -> tuple[Path, Path]:
    stem = Path(result.notebook).stem
    j, m = out_dir / f"{stem}.report.json", out_dir / f"{stem}.report.md"
    write_atomic(j, json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    write_atomic(m, result.markdown())
    return j, m
