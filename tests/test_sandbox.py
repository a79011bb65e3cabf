"""The grader's trust boundary, attacked as a hostile student would (review of December 2026,
items 30-42, 52-56, 65, 67). Each test is one attack; each failed on the grader of commit
afc7d26 and passes now.

The attacks run in the real sandbox: bubblewrap must be installed (`.ci/run` installs it), and
these tests fail, never skip, where it is not. The grader runs as root in CI; where being root
changes the attack (owner-only files), the test says so.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from course.content import exercises, paths
from course.grading import batch, sandbox
from course.grading.grade import Limits, grade, write_reports

EX = exercises.get("01_soviets")
FAST = Limits(cell_timeout=10, total_timeout=60)
COURSE = str(Path(sys.executable).parent / "course")
pytestmark = pytest.mark.slow  # every test grades in the sandbox


def notebook(
    folder: Path, code: str, base: str = "blank", name: str = "submission.ipynb", exercise: str | None = None
) -> Path:
    """The blank student notebook (or the solution) with ``code`` as an extra cell."""
    nb = EX.student_notebook() if base == "blank" else EX.notebook()
    nb.metadata["course"] = {"exercise": exercise or EX.id}
    nb.cells.insert(3, nbformat.v4.new_code_cell(code))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def run(path: Path, limits=FAST, **kw) -> dict:
    result = grade(path, limits=limits, **kw)
    json_path, md_path = write_reports(result, path.parent)
    report = json.loads(json_path.read_text(encoding="utf-8"))
    report["text"] = json_path.read_text(encoding="utf-8") + md_path.read_text(encoding="utf-8")
    assert "Traceback" not in report["text"]
    return report


def said(report) -> str:
    """What the attack cell reported about itself (it ends by raising RuntimeError(found))."""
    problems = [p for p in report["problems"] if p["error"] == "RuntimeError"]
    assert problems, report["problems"] or report["message"]
    return problems[0]["message"]


def test_the_sandbox_is_available_here():
    """Every other test here relies on it: this one says plainly why they would fail."""
    assert sandbox.missing() is None, sandbox.missing()


# ---------------------------------------------------------------- 1. identity from the course

EVIL_TESTS = """
import os
open({marker!r}, "a").write(f"ran as pid {{os.getpid()}}\\n")
ANSWERS = {{"n_bureau": "int"}}
POINTS = {{"test_n_bureau": 100}}
def test_n_bureau(answers):
    pass
"""


@pytest.mark.parametrize("how", ["absolute", "dotdot", "ci-layout"])
def test_a_notebook_cannot_choose_its_own_tests(tmp_path, how):
    """Items 52, 53, 55: the exercise id in the metadata pointed at the student's own
    tests.py, which the grader imported outside the sandbox: full marks for a blank notebook."""
    evil = tmp_path / "submissions" / "mallory"
    evil.mkdir(parents=True)
    marker = tmp_path / "PWNED"
    (evil / "tests.py").write_text(EVIL_TESTS.format(marker=str(marker)), encoding="utf-8")
    ids = {
        "absolute": str(evil),
        "dotdot": os.path.relpath(evil, paths.EXERCISES),
        "ci-layout": "../submissions/mallory",
    }
    path = notebook(evil, "pass", exercise=ids[how])
    report = run(path, hidden_tests=tmp_path / "submissions")
    assert report["status"] == "could not grade" and "no exercise" in report["message"]
    assert report["score"] == 0 and not marker.exists()
    # The command says so with exit status 2, and still runs no test code of the student's.
    done = subprocess.run([COURSE, "grade", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and "no exercise" in done.stderr and not marker.exists()


def test_the_exercises_tests_are_read_not_run_by_the_grader(tmp_path, monkeypatch):
    """The grader learns the answer names from ANSWERS as a literal: importing a tests file in
    its own process would run whatever that file holds."""
    tests = tmp_path / "tests.py"
    marker = tmp_path / "ran"
    tests.write_text(f"open({str(marker)!r}, 'w')\nANSWERS = {{'a': 'int', 'b': 'str'}}\n", encoding="utf-8")
    assert exercises.declared(tests, "ANSWERS") == {"a": "int", "b": "str"}
    assert not marker.exists()


def test_hidden_tests_missing_for_the_exercise_stop_grading(tmp_path):
    """Item 53: an exercise without hidden tests in the folder given was graded on the public
    tests alone, silently."""
    (tmp_path / "hidden" / "02_party").mkdir(parents=True)
    (tmp_path / "hidden" / "02_party" / "tests.py").write_text("ANSWERS = {}\n", encoding="utf-8")
    path = notebook(tmp_path, "pass", base="solution")
    done = subprocess.run(
        [COURSE, "grade", str(path), "--hidden-tests", str(tmp_path / "hidden")], capture_output=True, text=True
    )
    assert done.returncode == 2 and "no tests for exercise 01_soviets" in done.stderr


# ---------------------------------------------------------------- 2. an allow-list, not a deny-list

LIST_VISIBLE = r"""
import os
seen = []
for top in sorted(os.listdir("/")):
    if top in ("proc", "usr", "dev", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        continue
    for folder, dirs, files in os.walk("/" + top):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in SKIP]
        seen += [os.path.join(folder, f) for f in files]
unexpected = [p for p in seen if not p.startswith(ALLOWED)]
raise RuntimeError(f"{len(seen)} files; unexpected: {unexpected[:4]!r}")
"""


def test_the_notebook_sees_only_what_it_needs(tmp_path):
    """Items 31, 32, 33, 56, 67: the old sandbox hid a list of known secrets and showed the
    rest of the machine (.git, other checkouts, other submissions, owner-only files). Now the
    notebook's whole file system is walked and held to an allow-list."""
    python = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)})
    allowed = (
        f"{sandbox.HOME}/",
        os.path.join(sandbox.PACKAGE_ROOT, "course") + "/",
        str(paths.DATA) + "/",
        str(paths.SEEDS) + "/",
        str(paths.QUIZZES) + "/",
        *(str(p) for p in paths.EXERCISES.glob("*/tests.py")),
        "/etc/ld.so.",
        "/etc/localtime",
    )
    code = f"SKIP = {python!r}\nALLOWED = {allowed!r}\n" + LIST_VISIBLE
    found = said(run(notebook(tmp_path, code)))
    assert found.endswith("unexpected: []") and int(found.split()[0]) > 50, found


def test_git_history_relative_hidden_tests_and_other_notebooks_are_out_of_reach(tmp_path, monkeypatch):
    """Items 31, 32, 56, 67, together: `git show` on the course repository, a relative
    --hidden-tests (as the CI template passed it), and another student's notebook and report
    graded in the same `course grade A B`."""
    hidden = tmp_path / "hidden" / EX.id
    hidden.mkdir(parents=True)
    (hidden / "tests.py").write_text(
        "ANSWERS = {'n_bureau': 'int'}\n# HIDDEN-SECRET-7f3a\n"
        "def test_n_bureau_value(answers):\n    assert answers['n_bureau'] == -1\n",
        encoding="utf-8",
    )
    alice = notebook(tmp_path / "class", "pass", base="solution", name="alice.ipynb")
    probes = [
        str(paths.ROOT / ".git"),
        str(paths.ROOT / "exercises" / EX.id / "exercise.md"),
        "hidden/01_soviets/tests.py",
        str(hidden / "tests.py"),
        str(alice),
        str(alice.with_suffix(".report.json")),
        str(tmp_path),
    ]
    code = (
        "import os, subprocess\nfound = []\n"
        f"for p in {probes!r}:\n"
        "    if os.path.exists(p):\n        found.append(p)\n"
        f"git = subprocess.run(['git', '-C', {str(paths.ROOT)!r}, 'show', "
        "'HEAD:exercises/01_soviets/exercise.md'], capture_output=True)\n"
        "if git.returncode == 0:\n    found.append('git show')\n"
        "raise RuntimeError(repr(found))"
    )
    bob = notebook(tmp_path / "class", code, name="bob.ipynb")
    monkeypatch.chdir(tmp_path)
    done = subprocess.run(
        [COURSE, "grade", str(alice), str(bob), "--hidden-tests", "hidden"], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(bob.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert said(report) == "[]"
    assert "HIDDEN-SECRET" not in bob.with_suffix(".report.json").read_text(encoding="utf-8")


def test_mountinfo_names_nothing_hidden(tmp_path):
    """Item 33: /proc/self/mountinfo listed the absolute paths of the hidden folders."""
    hidden = tmp_path / "teacher-private" / "hidden-tests"
    (hidden / EX.id).mkdir(parents=True)
    (hidden / EX.id / "tests.py").write_text("ANSWERS = {}\n", encoding="utf-8")
    code = (
        "info = open('/proc/self/mountinfo').read()\n"
        f"raise RuntimeError(repr([w for w in ['teacher-private', {str(tmp_path)!r}] if w in info]))"
    )
    assert said(run(notebook(tmp_path / "sub", code), hidden_tests=hidden)) == "[]"


def test_owner_only_files_stay_unreadable(tmp_path):
    """Item 30: a mode-600 file of the grading user, and /etc/shadow when the grader is root.
    The notebook runs as an ordinary user (nobody, when the grader is root), and neither file
    is in its file system."""
    private = tmp_path / "teacher-token"
    private.write_text("TEACHER-PRIVATE-91c2", encoding="utf-8")
    private.chmod(0o600)
    code = (
        "import os\nout = [os.getuid()]\n"
        f"for p in [{str(private)!r}, '/etc/shadow', '/root', os.path.expanduser('~root')]:\n"
        "    try:\n        out.append(open(p).read()[:40])\n    except OSError as e:\n"
        "        out.append(type(e).__name__)\n"
        "raise RuntimeError(repr(out))"
    )
    out = eval(said(run(notebook(tmp_path / "sub", code))))  # noqa: S307
    assert out[0] != 0 and "TEACHER-PRIVATE-91c2" not in repr(out)
    if os.geteuid() == 0:
        assert out[0] == sandbox.NOBODY


# ---------------------------------------------------------------- 3. students apart from each other


def test_nothing_written_in_one_run_reaches_the_next(tmp_path):
    """Items 34, 37, 42: /dev was the host's and writable; a blank notebook graded later read
    the answers an earlier one left there. Every writable place is now a fresh tmpfs per run,
    and /dev is read-only."""
    name = f"/dev/.rt_class_answers_{os.getpid()}_{time.monotonic_ns()}"  # this test's own
    write = (
        "import os\nfails = []\n"
        f"for p in [{name!r}, '/dev/shm/rt', '/tmp/rt', os.path.expanduser('~/rt')]:\n"
        "    try:\n        open(p, 'w').write('14')\n    except OSError as e:\n"
        "        fails.append(p)\n"
        "raise RuntimeError(repr(fails))"
    )
    assert eval(said(run(notebook(tmp_path / "a", write)))) == [name]  # noqa: S307
    read = (
        f"import os\nfound = [p for p in [{name!r}, '/dev/shm/rt', '/tmp/rt', "
        "os.path.expanduser('~/rt')] if os.path.exists(p)]\nraise RuntimeError(repr(found))"
    )
    assert said(run(notebook(tmp_path / "b", read))) == "[]"
    assert not Path(name).exists()


SHM = """
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = {key}
"""


def test_shared_memory_is_not_shared_between_students(tmp_path):
    """Items 35, 36: alice put her answers in a SysV segment while bob, graded at the same
    time by grade-all, read them; the segment outlived the run. Each run has its own IPC
    namespace now."""
    key = 0x52540000 + os.getpid() % 0xFFFF  # this test's own: none of the host's
    shm = SHM.format(key=hex(key))
    alice = shm + (
        "seg = libc.shmget(KEY, 4096, 0o1000 | 0o666)\nassert seg >= 0, ctypes.get_errno()\n"
        "ctypes.memmove(libc.shmat(seg, None, 0), b'14', 2)\ntime.sleep(6)"
    )
    bob = shm + (
        "found = -1\nfor _ in range(40):\n    found = libc.shmget(KEY, 0, 0)\n"
        "    if found >= 0:\n        break\n    time.sleep(0.2)\n"
        "raise RuntimeError(f'segment {found}')"
    )
    subs = tmp_path / "subs"
    notebook(subs, alice, name="alice.ipynb")
    notebook(subs, bob, name="bob.ipynb")
    reports = batch.grade_all(subs, tmp_path / "out", workers=2, limits=FAST, stream=io.StringIO())
    bobs = next(r for r in reports if r["student"] == "bob")
    assert said(bobs) == "segment -1"
    host = subprocess.run(["ipcs", "-m"], capture_output=True, text=True).stdout
    assert f"{key:#010x}" not in host


def test_host_unix_sockets_cannot_be_reached(tmp_path):
    """Item 38: a server on a host unix socket (Docker's, an ssh-agent) answered the notebook.
    Neither a socket file nor an abstract socket of the host is reachable."""
    path = tmp_path / "s"
    servers, heard = [], []
    for address in (str(path), "\0course-test-abstract-socket"):
        srv = socket.socket(socket.AF_UNIX)
        srv.bind(address)
        srv.listen()
        srv.settimeout(0.2)
        servers.append(srv)

    def serve():
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not stop:
            for srv in servers:
                try:
                    conn, _ = srv.accept()
                    heard.append(conn.recv(100))
                    conn.close()
                except OSError:
                    pass

    stop = False
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    code = (
        "import socket\nout = []\n"
        f"for a in [{str(path)!r}, '\\0course-test-abstract-socket']:\n"
        "    s = socket.socket(socket.AF_UNIX)\n"
        "    try:\n        s.connect(a)\n        s.send(b'hello')\n        out.append('connected')\n"
        "    except OSError as e:\n        out.append(type(e).__name__)\n"
        "raise RuntimeError(repr(out))"
    )
    try:
        out = eval(said(run(notebook(tmp_path / "sub", code))))  # noqa: S307
    finally:
        stop = True
        thread.join()
        for srv in servers:
            srv.close()
    assert "connected" not in out and heard == []


# ---------------------------------------------------------------- 4. limits per run


def test_memory_is_capped_for_the_whole_run(tmp_path):
    """Item 40: four children of 700 MB each took 3 GB under a 2 GB cap per process."""
    code = (
        "import os, time\nkids = []\nfor _ in range(4):\n    pid = os.fork()\n"
        "    if pid == 0:\n        block = bytearray(450 * 2**20)\n        time.sleep(20)\n"
        "        os._exit(0)\n    kids.append(pid)\nfor pid in kids:\n    os.waitpid(pid, 0)"
    )
    report = run(
        notebook(tmp_path, code, base="solution"), limits=Limits(cell_timeout=30, total_timeout=60, memory_mb=1500)
    )
    assert "more than 1500 MB of memory together" in report["message"]
    assert report["score"] == 0  # the run was stopped before it could hand in its answers


def test_a_fork_bomb_is_contained(tmp_path):
    """Item 41: nothing bounded the number of processes."""
    code = (
        "import os, time\nmade = 0\nfor _ in range(10_000):\n    try:\n        pid = os.fork()\n"
        "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(30)\n"
        "        os._exit(0)\n    made += 1\nraise RuntimeError(str(made))"
    )
    report = run(
        notebook(tmp_path, code, base="solution"), limits=Limits(cell_timeout=10, total_timeout=60, processes=32)
    )
    assert int(said(report)) < 32
    assert report["score"] == 4  # the children are ended; the answers are graded


def test_the_disk_a_run_can_fill_is_bounded(tmp_path):
    """Item 42: 441 MB written, with no total cap."""
    code = (
        "import os\nwritten = 0\nfor place in ['.', '/tmp', '/dev/shm']:\n    n = 0\n"
        "    while True:\n        try:\n            with open(f'{place}/fill{n}', 'wb') as fh:\n"
        "                fh.write(b'x' * 2**20 * 8)\n        except OSError:\n            break\n"
        "        n += 1\n        written += 8\nraise RuntimeError(str(written))"
    )
    report = run(notebook(tmp_path, code, base="solution"), limits=Limits(disk_mb=32))
    assert int(said(report)) <= 32 + 64 + 64
    assert report["score"] == 4


def test_a_notebook_too_large_is_refused_before_it_is_read(tmp_path):
    """Item 49: a 200 MB notebook made the grader itself take 1.3 GB."""
    path = tmp_path / "huge.ipynb"
    with open(path, "wb") as fh:
        fh.truncate(300 * 2**20)
    report = run(path)
    assert report["status"] == "could not grade" and "more than the 20 MB" in report["message"]


# ---------------------------------------------------------------- 5. without the sandbox


def test_without_bubblewrap_grading_stops_and_names_it(tmp_path):
    path = notebook(tmp_path, "pass", base="solution")
    env = {**os.environ, "PATH": str(tmp_path / "no-such-folder")}
    done = subprocess.run([COURSE, "grade", str(path)], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "bubblewrap" in done.stderr
    assert "--trusted-code-no-sandbox" in done.stderr and not path.with_suffix(".report.json").exists()
    done = subprocess.run(
        [COURSE, "grade", str(path), "--trusted-code-no-sandbox"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "WITHOUT the sandbox" in done.stdout
    report = json.loads(path.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["isolation"] == "none" and "WITHOUT the sandbox" in report["message"]
    # A class: refused as a whole without the flag; with it, the gradebook says so on each row.
    out = tmp_path / "results"
    done = subprocess.run(
        [COURSE, "grade-all", str(tmp_path), "--out", str(out)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "bubblewrap" in done.stderr and not out.exists()
    done = subprocess.run(
        [COURSE, "grade-all", str(tmp_path), "--out", str(out), "--trusted-code-no-sandbox"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "WITHOUT the sandbox" in (out / "gradebook.csv").read_text(encoding="utf-8")


def test_without_the_sandbox_a_module_planted_beside_the_package_is_caught(tmp_path):
    """Item 69: a json.py written into the folder that holds the package (first on the test
    process's path) faked a pass for every notebook graded after it."""
    planted = Path(sandbox.PACKAGE_ROOT) / "zz_course_planted_test.py"
    code = f"open({str(planted)!r}, 'w').write('# planted\\n')"
    try:
        report = run(notebook(tmp_path, code), unsafe=True)
    finally:
        planted.unlink(missing_ok=True)
    assert report["status"] == "could not grade" and "grader's own files changed" in report["message"]


def test_a_killed_grader_leaves_no_run_folder_behind(tmp_path):
    """Item 65: an interrupted batch left copies of the hidden tests in the temp folder, for a
    later submission to read. The tests are no longer copied, and the next grader removes a
    run folder whose grader died (its lock is free)."""
    import course.grading.grade as g

    parent = g._runs_parent()
    stale = parent / "run-stale-test"
    stale.mkdir()
    (stale / "executed.json").write_text("{}", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    g._runs_parent()
    assert not stale.exists()
