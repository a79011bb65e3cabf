"""Hostile submissions: each gets a clear message, a written report, no false pass, no hang.

Every attack starts from a real notebook (the released blank copy, which must score 0, or
the solution, which must keep its 4/4) plus one cell of hostile code. Attacks on what the
sandbox hides run in the sandbox (bubblewrap must be installed: these tests fail, not skip,
without it); the rest run both in the sandbox and without it, the way a teacher grades trusted
code with --trusted-code-no-sandbox.
"""

import http.server
import json
import os
import secrets
import site
import threading
import time
from pathlib import Path

import nbformat
import pytest

from course.content import exercises, paths
from course.grading.grade import Limits, grade, write_reports

EX = exercises.get("01_soviets")
# Generous per-cell limit: the solution's own cells must never hit it on a loaded machine.
FAST = Limits(cell_timeout=20, total_timeout=90)
MARKER = "SECRET-MARKER-5e1f0c-hidden-test-body"

UNSAFE = {"on": False}  # the ``mode`` fixture (conftest.py) sets it: grade without the sandbox
pytestmark = pytest.mark.slow  # every test grades a notebook, most of them twice


def notebook(tmp_path, code: str, base: str = "blank", name="submission.ipynb") -> Path:
    """The blank student notebook (or the solution) with ``code`` as an extra cell after the
    set-up cells."""
    nb = EX.student_notebook() if base == "blank" else EX.notebook()
    nb.metadata["course"] = {"exercise": EX.id}
    nb.cells.insert(3, nbformat.v4.new_code_cell(code))
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def run(path: Path, limits=FAST, **kw) -> dict:
    start = time.monotonic()
    result = grade(path, limits=limits, unsafe=UNSAFE["on"], **kw)
    json_path, md_path = write_reports(result, path.parent)
    report = json.loads(json_path.read_text(encoding="utf-8"))
    text = json_path.read_text(encoding="utf-8") + md_path.read_text(encoding="utf-8")
    assert "Traceback" not in text
    assert report["message"] or report["status"] == "graded"
    report["elapsed"] = time.monotonic() - start
    report["text"] = text
    return report


def no_false_pass(report):
    assert report["status"] != "graded" or report["score"] == 0, report["tests"]


# ---------------------------------------------------------------- limits on running code


def test_memory_bomb_is_stopped_and_the_other_answers_graded(tmp_path, mode):
    code = "import numpy as np\nhog = []\nwhile True:\n    hog.append(np.empty(2**26))"
    report = run(notebook(tmp_path, code, base="solution"))
    assert report["score"] == 4
    assert report["problems"][0]["message"] == "used more memory than the grader allows"


def test_a_single_huge_allocation_is_refused(tmp_path, mode):
    report = run(notebook(tmp_path, "x = bytearray(64 * 2**30)", base="solution"))
    assert report["score"] == 4 and report["problems"][0]["error"] == "MemoryError"


def test_fifty_megabytes_of_output_are_dropped_not_kept(tmp_path, mode):
    code = "for _ in range(50):\n    print('x' * 2**20)"
    report = run(notebook(tmp_path, code, base="solution"))
    assert report["score"] == 4 and "printed more than 1024 kB" in report["message"]
    assert len(report["text"]) < 20_000


def test_sleep_past_the_cell_limit_is_interrupted(tmp_path, mode):
    limits = Limits(cell_timeout=10, total_timeout=90)
    report = run(notebook(tmp_path, "import time\ntime.sleep(120)", base="solution"), limits=limits)
    assert report["score"] == 4 and report["problems"][0]["error"] == "timeout"
    assert report["elapsed"] < 40


def test_a_loop_that_swallows_interrupts_hits_the_total_limit(tmp_path, mode):
    code = "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass"
    report = run(notebook(tmp_path, code), limits=Limits(cell_timeout=2, total_timeout=7))
    assert report["status"] == "could not grade" and "7-second limit" in report["message"]
    assert report["elapsed"] < 40


def test_processes_left_behind_are_killed(tmp_path, mode):
    # a duration of its own, so that the scan finds this test's process and no other test's
    # (the other mode may be running in the other test process)
    seconds = f"606.{secrets.randbelow(10**6):06d}"
    code = f"import os\nif os.fork() == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '{seconds}'])"
    run(notebook(tmp_path, code))
    time.sleep(0.5)
    left = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and seconds.encode() in (entry / "cmdline").read_bytes():
                left.append(entry.name)
        except OSError:
            pass
    assert not left, f"processes left running: {left}"


# ---------------------------------------------------------------- attempts to fake a pass

PATCHES = """
import builtins, doctest, unittest
import pandas.testing
builtins.AssertionError = type("Nope", (Exception,), {})
unittest.TestCase.assertEqual = lambda *a, **k: None
doctest.DocTestRunner.summarize = lambda *a, **k: doctest.TestResults(0, 1)
pandas.testing.assert_frame_equal = lambda *a, **k: None
try:
    import pytest
    pytest.approx = lambda *a, **k: True
except ImportError:
    pass
class Anything(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__
n_bureau = Anything(0)
peak_para = Anything(0)
days_to_congress = Anything(0)
"""


def test_monkeypatching_the_test_machinery_fakes_nothing(tmp_path, mode):
    report = run(notebook(tmp_path, PATCHES))
    assert report["status"] == "graded"
    no_false_pass(report)


def test_patching_builtins_used_to_take_answers_out_fakes_nothing(tmp_path, mode):
    code = "import builtins, json\nbuiltins.isinstance = lambda *a: True\njson.dumps = lambda *a, **k: '{}'"
    # The kernel itself stops working; the whole-run limit ends it.
    no_false_pass(run(notebook(tmp_path, code), limits=Limits(cell_timeout=3, total_timeout=15)))


def test_a_fake_report_is_replaced_by_the_graders_own(tmp_path, mode):
    fake = json.dumps({"status": "graded", "score": 4, "max_score": 4, "tests": []})
    target = tmp_path / "submission.report.json"
    code = (
        f"import os\nfor folder in ['.', os.environ.get('HOME', '.'), {str(tmp_path)!r}]:\n"
        "    try:\n"
        f"        open(os.path.join(folder, 'submission.report.json'), 'w').write({fake!r})\n"
        "        open(os.path.join(folder, 'submission.report.md'), 'w').write('score 4 / 4')\n"
        "    except OSError:\n        pass"
    )
    report = run(notebook(tmp_path, code))
    assert report["status"] == "graded" and report["score"] == 0
    assert json.loads(target.read_text())["score"] == 0


def test_killing_the_parent_process_is_reported(tmp_path, mode):
    code = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"
    report = run(notebook(tmp_path, code))
    if mode == "sandbox":  # the parent is the namespace's init process: the signal is ignored
        assert report["status"] == "graded" and report["score"] == 0
    else:
        assert report["status"] == "could not grade"
        assert "could not be run to the end" in report["message"]


def test_writing_into_the_graders_pipe_fakes_nothing(tmp_path, mode):
    """The answers leave the notebook's process through a pipe it can find: what it writes
    there is read as data in the shape expected, or dropped."""
    code = (
        "import os, stat\n"
        "for fd in map(int, os.listdir('/proc/self/fd')):\n"
        "    try:\n"
        "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        '            os.write(fd, b\'{"done": 99, "error": 7}\\n[1]\\n{"answers": 5}\\n\')\n'
        "            os.write(fd, b'{\"start\": \"x\"}\\nnot json\\n' + b'x' * 2**21 + b'\\n')\n"
        "            found = fd\n"
        "    except OSError:\n"
        "        pass\n"
        "raise RuntimeError(f'wrote into fd {found}')"
    )
    report = run(notebook(tmp_path, code))
    assert report["status"] == "graded"
    assert report["problems"][0]["message"].startswith("wrote into fd ")
    no_false_pass(report)


def test_an_answer_too_large_to_read_is_refused(tmp_path):
    nb_path = notebook(tmp_path, "pass", base="solution")
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("n_bureau = 'x' * 70_000_000"))
    nbformat.write(nb, nb_path)
    report = run(nb_path)
    assert report["status"] == "graded" and report["score"] == 0
    assert "answers were larger than 64 MB" in report["message"]


def test_an_error_that_cannot_be_described_is_still_reported(tmp_path):
    code = "class Odd(Exception):\n    def __str__(self):\n        raise Odd()\nraise Odd()"
    report = run(notebook(tmp_path, code, base="solution"))
    assert report["score"] == 4 and report["problems"][0]["error"] == "Odd"


def test_ending_its_own_process_is_reported(tmp_path, mode):
    report = run(notebook(tmp_path, "import os\nos._exit(0)"))
    assert report["status"] == "graded" and report["score"] == 0
    assert "stopped the Python process running it" in report["message"]


def test_exit_stops_the_run_and_keeps_the_answers_made_before_it(tmp_path, mode):
    path = notebook(tmp_path, "pass", base="solution")
    nb = nbformat.read(path, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell("exit()"), nbformat.v4.new_code_cell("n_bureau = -1")]
    nbformat.write(nb, path)
    report = run(path)
    assert report["status"] == "graded" and report["score"] == 4
    assert "called exit() in the cell that begins `exit()`" in report["message"]
    no_false_pass(run(notebook(tmp_path, "quit()", base="solution", name="early.ipynb")))


# ---------------------------------------------------------------- reading what is not theirs


@pytest.fixture
def hidden_tests(tmp_path):
    folder = tmp_path / "hidden" / EX.id
    folder.mkdir(parents=True)
    (folder / "tests.py").write_text(
        f'"""Hidden tests."""\n# {MARKER}\nANSWERS = {{"n_bureau": "int"}}\n\n\n'
        "def test_n_bureau_really(answers):\n"
        f"    assert answers['n_bureau'] == 14, 'Not yet.'  # {MARKER}\n",
        encoding="utf-8",
    )
    return folder.parent


def test_hidden_tests_are_graded_and_marked(tmp_path, hidden_tests):
    sol = notebook(tmp_path, "pass", base="solution")
    report = run(sol, hidden_tests=hidden_tests)
    hidden = [t for t in report["tests"] if t.get("hidden")]
    assert [t["question"] for t in hidden] == ["n_bureau_really"] and hidden[0]["passed"]
    assert report["score"] == 5 and "(hidden test)" in report["text"]
    assert MARKER not in report["text"]


def test_printing_or_raising_the_hidden_tests_leaks_nothing(tmp_path, hidden_tests, mode):
    code = (
        f"import glob\nfound = [open(p).read() for p in glob.glob({str(hidden_tests)!r} + '/*/tests.py')]\n"
        "print(found)\nn_bureau = ' '.join(found) or 'nothing found'\n"
        "raise RuntimeError('LEAK ' + ' '.join(found))"
    )
    report = run(notebook(tmp_path, code), hidden_tests=hidden_tests)
    assert MARKER not in report["text"]
    no_false_pass(report)


def test_solutions_and_hidden_tests_are_out_of_reach(tmp_path, hidden_tests):
    """Inside the sandbox the teacher's files do not exist: running the solution code found
    in exercise.md, the classic way to copy the key, gets nothing."""
    code = (
        f"import os, re\nsrc = open({str(EX.source)!r}).read() if os.path.exists({str(EX.source)!r}) else ''\n"
        "for block in re.findall(r'# BEGIN SOLUTION\\n(.*?)# END SOLUTION', src, re.S):\n"
        "    exec(block)\n"
        f"seen = os.path.exists({str(hidden_tests)!r})\n"
        "assert len(src) == 0 and not seen, (len(src), seen)"
    )
    report = run(notebook(tmp_path, code), hidden_tests=hidden_tests)
    assert report["problems"] == [], report["problems"]
    no_false_pass(report)


@pytest.mark.changes_the_installation
def test_rewriting_the_grader_is_refused_or_caught(tmp_path, mode):
    import course.grading.runner as runner

    pth = Path(site.getsitepackages()[0]) / "zz_course_hostile_test.pth"
    code = (
        f"import os\nfor path, text in [({str(pth)!r}, '# nothing\\n')]:\n"
        "    try:\n        open(path, 'w').write(text)\n    except OSError:\n        pass\n"
        f"try:\n    os.utime({runner.__file__!r})\nexcept OSError:\n    pass"
    )
    try:
        report = run(notebook(tmp_path, code))
        # The sandbox stops the write; so do file permissions when the grader's user does not
        # own the installation (a teacher grading as an ordinary user in a system-wide install).
        if mode == "sandbox" or not os.access(pth.parent, os.W_OK):
            assert not pth.exists() and report["status"] == "graded"
        else:  # nothing stops the write; the tamper check refuses to trust the run
            assert report["status"] == "could not grade"
            assert "grader's own files changed" in report["message"]
        no_false_pass(report)
    finally:
        pth.unlink(missing_ok=True)


def test_the_fence_cannot_be_taken_down_from_inside(tmp_path, hidden_tests):
    """Student code runs as root of its namespace: without dropping capabilities it could
    remount every read-only mount writable, or lift the empty mounts off the hidden files."""
    pth = Path(site.getsitepackages()[0]) / "zz_course_fence_test.pth"
    code = (
        "import ctypes, glob\nlibc = ctypes.CDLL(None, use_errno=True)\nworked = []\n"
        "for line in open('/proc/self/mountinfo'):\n    point = line.split()[4]\n"
        "    if libc.mount(None, point.encode(), None, ctypes.c_ulong(32 | 4096), None) == 0:\n"
        "        worked.append('remount ' + point)\n"
        "    if libc.umount2(point.encode(), 2) == 0:\n        worked.append('umount ' + point)\n"
        f"try:\n    open({str(pth)!r}, 'w').write('# nothing\\n')\n    worked.append('write')\n"
        "except OSError:\n    pass\n"
        f"found = [open(p).read() for p in glob.glob({str(hidden_tests)!r} + '/*/tests.py')]\n"
        "n_bureau = ' '.join(found)\n"
        "raise RuntimeError(f'worked={worked} found={len(n_bureau)}')"
    )
    try:
        report = run(notebook(tmp_path, code), hidden_tests=hidden_tests)
        assert not pth.exists()
    finally:
        pth.unlink(missing_ok=True)
    assert report["problems"][0]["message"] == "worked=[] found=0", report["problems"]
    assert MARKER not in report["text"]
    no_false_pass(report)


def test_the_process_that_watches_the_run_is_out_of_its_reach(tmp_path):
    """The supervisor holds the descriptor the grader reads: the notebook may not trace it,
    list its descriptors or write into its memory."""
    code = (
        "import os\nparent = os.getppid()\ntried = []\n"
        "for what in ['mem', 'environ'] + [f'fd/{n}' for n in range(3, 12)]:\n"
        "    try:\n"
        "        open(f'/proc/{parent}/{what}', 'r+b').write(b'{}')\n"
        "        tried.append(what)\n"
        "    except FileNotFoundError:\n"
        "        pass\n"
        "    except OSError as exc:\n"
        "        tried.append(type(exc).__name__)\n"
        "raise RuntimeError(' '.join(tried))"
    )
    report = run(notebook(tmp_path, code))
    refused = report["problems"][0]["message"].split()
    assert len(refused) >= 3 and set(refused) == {"PermissionError"}, report["problems"]


def test_no_network_inside_the_sandbox(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"14")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/answer"
        code = f"import urllib.request\nn_bureau = int(urllib.request.urlopen({url!r}, timeout=3).read())"
        report = run(notebook(tmp_path, code))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == [] and report["problems"][0]["error"] == "URLError"
    no_false_pass(report)


# ---------------------------------------------------------------- odd but honest notebooks


def test_nbformat_3_notebook_is_converted_and_graded(tmp_path):
    v3 = nbformat.v3
    cells = [v3.new_code_cell(input=c.source) for c in EX.notebook().cells if c.cell_type == "code"]
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)])
    nb.metadata["course"] = {"exercise": EX.id}
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(nb), encoding="utf-8")
    assert json.loads(path.read_text())["nbformat"] == 3
    report = run(path)
    assert report["status"] == "graded" and report["score"] == 4


def test_a_deleted_answer_cell_is_named_in_the_hint(tmp_path):
    nb = EX.notebook()
    nb.metadata["course"] = {"exercise": EX.id}
    nb.cells = [c for c in nb.cells if "chronology =" not in c.source]
    path = tmp_path / "short.ipynb"
    nbformat.write(nb, path)
    report = run(path)
    t = {t["question"]: t for t in report["tests"]}
    assert report["score"] == 3 and "`chronology` is not defined" in t["chronology"]["message"]


def test_the_report_says_when_the_sandbox_was_waived(tmp_path, monkeypatch):
    monkeypatch.setitem(UNSAFE, "on", True)
    report = run(notebook(tmp_path, "pass", base="solution"))
    assert report["isolation"] == "none" and "WITHOUT the sandbox" in report["text"]
    assert report["score"] == 4


def test_the_teachers_files_stay_in_place(tmp_path):
    """The sandbox hides files with empty mounts in its own namespace only."""
    before = EX.source.read_bytes()
    run(notebook(tmp_path, "pass"))
    assert EX.source.read_bytes() == before and (paths.INSTRUCTOR / "index.md").exists()


def test_killing_the_grader_itself_leaves_no_student_process(tmp_path):
    """A teacher's Ctrl-C or a CI timeout kills the grader: the sandbox goes with it."""
    import signal
    import subprocess
    import sys

    path = notebook(tmp_path, "import subprocess\nsubprocess.run(['sleep', '607.75'])")
    course = str(Path(sys.executable).parent / "course")
    proc = subprocess.Popen([course, "grade", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sleepers():
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and b"607.75" in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 60
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sleepers(), "the notebook never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sleepers()
