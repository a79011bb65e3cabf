"""`course grade-all` against a hostile class folder (review 2026-12, 57, 59-63, 66; hard links).

A class folder comes from an archive or a clone a student could write to, so it may hold links,
pipes, devices and names no one would type. Each attack here sits in a small class beside a
solved notebook (ana) and a blank one (ben): the attack gets its own "could not grade" row (or
is graded under a readable name), ana and ben are graded as usual, and the gradebook is written.
"""

import csv
import io
import json
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

import course
from course.content import exercises, paths
from course.files import write_atomic
from course.grading import batch

COURSE = str(Path(sys.executable).parent / "course")
EX = exercises.get("01_soviets")
NB = f"{EX.id}.ipynb"


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """The solved and the blank notebook, written once."""
    folder = tmp_path_factory.mktemp("notebooks")
    solved = EX.notebook()
    solved.metadata["course"] = {"exercise": EX.id}
    nbformat.write(solved, folder / "solved.ipynb")
    nbformat.write(EX.student_notebook(), folder / "blank.ipynb")
    return folder


def make_class(notebooks, tmp_path) -> Path:
    subs = tmp_path / "submissions"
    for student, which in (("ana", "solved"), ("ben", "blank")):
        (subs / student).mkdir(parents=True)
        shutil.copy(notebooks / f"{which}.ipynb", subs / student / NB)
    return subs


def _cap_memory():  # a grader that read /dev/zero would stop here, not eat the machine
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))


def grade_all(subs: Path, out: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [COURSE, "grade-all", str(subs), "--out", str(out), "--workers", "2", "--total-timeout", "60", *args],
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=_cap_memory,
        env=env,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def rows(out: Path) -> list[dict]:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def row(out: Path, notebook: str) -> dict:
    [found] = [r for r in rows(out) if r["notebook"] == notebook]
    return found


def assert_class_graded(out: Path) -> None:
    """ana and ben graded as if the attack were not there; every report named safely."""
    ana, ben = row(out, f"ana/{NB}"), row(out, f"ben/{NB}")
    assert ana["status"] == ben["status"] == "graded"
    assert ana["total"] == ana["max"] != "0" and int(ben["total"]) < int(ben["max"])
    reports = out / "reports"
    assert all(p.is_file() and p.name.isascii() and not p.name.startswith(".") for p in reports.iterdir())
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert len(list(reports.glob("*.json"))) == len(rows(out))


def refused(out: Path, notebook: str, *words: str) -> dict:
    r = row(out, notebook)
    assert r["status"] == "could not grade" and r["total"] == "0", r
    assert all(w in r["message"] for w in words), r["message"]
    return r


@pytest.mark.slow
def test_a_link_to_another_students_notebook_is_refused(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "eve").mkdir()
    (subs / "eve" / NB).symlink_to(Path("..") / "ana" / NB)
    (subs / "fay.ipynb").symlink_to(subs / "ana" / NB)  # absolute, at the top level
    grade_all(subs, out)
    refused(out, f"eve/{NB}", "symbolic link", "not opened")
    refused(out, "fay.ipynb", "symbolic link")
    assert_class_graded(out)


@pytest.mark.slow
def test_a_linked_student_folder_is_refused(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "eve").symlink_to("ana")
    (subs / "ben" / "extra").symlink_to(subs / "ana")  # a linked folder inside a student's
    grade_all(subs, out)
    refused(out, "eve/", "symbolic link to a folder", "nothing in it was graded")
    refused(out, "ben/extra/", "symbolic link to a folder")
    assert len(rows(out)) == 4
    assert_class_graded(out)


@pytest.mark.slow
def test_a_link_to_dev_zero_is_one_row_not_a_dead_grader(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "zed").mkdir()
    (subs / "zed" / NB).symlink_to("/dev/zero")
    grade_all(subs, out)  # under a memory cap: reading it would end in a MemoryError
    refused(out, f"zed/{NB}", "symbolic link")
    assert_class_graded(out)


@pytest.mark.slow
def test_pipes_sockets_devices_and_folders_named_ipynb_are_never_opened(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "fay").mkdir()
    fifo = subs / "fay" / NB
    os.mkfifo(fifo)
    opened = threading.Event()  # a writer's open() returns only once someone opens it to read
    writer = threading.Thread(target=lambda: (os.close(os.open(fifo, os.O_WRONLY)), opened.set()), daemon=True)
    writer.start()
    expected = {f"fay/{NB}": "named pipe", "gus/dir.ipynb": "a folder"}
    (subs / "gus" / "dir.ipynb").mkdir(parents=True)
    sock = socket.socket(socket.AF_UNIX)
    if len(str(subs / "sol.ipynb")) < 100:  # the length a socket's address may have
        sock.bind(str(subs / "sol.ipynb"))
        expected["sol.ipynb"] = "socket"
    try:  # /dev/zero's numbers; only where this user may make device nodes
        os.mknod(subs / "dev.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        expected["dev.ipynb"] = "a device"
    except PermissionError:
        pass
    try:
        grade_all(subs, out)
        assert not opened.is_set(), "the grader opened the pipe"
    finally:
        sock.close()
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # let the writer go
        writer.join(5)
    for notebook, kind in expected.items():
        refused(out, notebook, kind, "not a notebook file")
    assert_class_graded(out)


@pytest.mark.slow
def test_a_name_that_is_not_utf8_is_shown_escaped(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    shutil.copy(notebooks / "blank.ipynb", os.fsencode(subs) + b"/zo\xffe.ipynb")
    os.mkdir(os.fsencode(subs) + b"/j\xe9r\xf4me")
    shutil.copy(notebooks / "solved.ipynb", os.fsencode(subs) + b"/j\xe9r\xf4me/" + NB.encode())
    (subs / "new\nline\u202e.ipynb").write_text("{}", encoding="utf-8")
    grade_all(subs, out)
    zoe = row(out, "zo\\xffe.ipynb")
    assert zoe["student"] == "zo\\xffe" and zoe["status"] == "graded"
    jerome = row(out, f"j\\xe9r\\xf4me/{NB}")
    assert jerome["total"] == jerome["max"] != "0"
    refused(out, "new\\nline\\u202e.ipynb", "new\\nline\\u202e.ipynb", "no cells")
    [report] = [p for p in (out / "reports").glob("zo_xffe-*.json")]
    assert json.loads(report.read_text(encoding="utf-8"))["notebook"] == "zo\\xffe.ipynb"
    assert "zo\\xffe" in report.with_suffix(".md").read_text(encoding="utf-8")
    assert_class_graded(out)
    again = grade_all(subs, out)  # and again: the earlier reports read back fine
    assert again.stderr.count("already graded") == 5


@pytest.mark.slow
def test_names_that_look_like_formulas_stay_text_in_the_gradebook(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "=1+1.ipynb").touch()
    for name in ("+1.ipynb", "-1.ipynb", "@SUM(A1).ipynb"):
        (subs / name).touch()
    link = '=HYPERLINK("evil.example","see your grade")'
    (subs / link).mkdir()
    shutil.copy(notebooks / "blank.ipynb", subs / link / NB)
    grade_all(subs, out)
    text = (out / "gradebook.csv").read_text(encoding="utf-8")
    cells = [c for r in csv.reader(io.StringIO(text)) for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    empty = refused(out, "'=1+1.ipynb", "empty")
    assert empty["student"] == "'=1+1" and empty["message"].startswith("'=1+1.ipynb is empty")
    assert row(out, f"'{link}/{NB}")["status"] == "graded"
    assert {r["student"] for r in rows(out)} >= {"'+1", "'-1", "'@SUM(A1)"}
    assert_class_graded(out)


@pytest.mark.slow
def test_notebooks_of_the_same_name_in_two_folders_get_two_reports(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    for part, which in (("a", "solved"), ("b", "blank")):
        (subs / "kim" / part).mkdir(parents=True)
        shutil.copy(notebooks / f"{which}.ipynb", subs / "kim" / part / NB)
    grade_all(subs, out)
    book = rows(out)
    a, b = row(out, f"kim/a/{NB}"), row(out, f"kim/b/{NB}")
    assert a["total"] == a["max"] != "0" and int(b["total"]) < int(b["max"])
    reports = {json.loads(p.read_text(encoding="utf-8"))["notebook"]: p for p in (out / "reports").glob("kim_*.json")}
    assert set(reports) == {f"kim/a/{NB}", f"kim/b/{NB}"}
    assert_class_graded(out)
    (out / "reports" / f".kim_a_{NB}.json.x1y2z3.tmp").write_text("{", encoding="utf-8")
    again = grade_all(subs, out)  # each report stands: nothing graded twice, nothing flipped
    assert_class_graded(out)  # and what a run killed mid-write left is gone
    assert again.stderr.count("already graded") == 4 and rows(out) == book


@pytest.mark.slow
def test_resume_regrades_when_the_hidden_tests_change(notebooks, tmp_path):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    hidden = tmp_path / "hidden-tests"
    (hidden / EX.id).mkdir(parents=True)
    tests = hidden / EX.id / "tests.py"
    tests.write_text(
        'ANSWERS = {"n_bureau": "int"}\n\n\ndef test_n_bureau_again(answers):\n'
        '    assert answers["n_bureau"] == 14, "Not yet."\n',
        encoding="utf-8",
    )
    grade_all(subs, out)
    assert "hidden: n_bureau_again" not in rows(out)[0]
    with_hidden = grade_all(subs, out, "--hidden-tests", str(hidden))
    assert "already graded" not in with_hidden.stderr
    assert row(out, f"ana/{NB}")["hidden: n_bureau_again"] == "1"
    assert_class_graded(out)
    assert grade_all(subs, out, "--hidden-tests", str(hidden)).stderr.count("already graded") == 2
    tests.write_text(tests.read_text(encoding="utf-8").replace("== 14", "== 15"), encoding="utf-8")
    changed = grade_all(subs, out, "--hidden-tests", str(hidden))
    assert "already graded" not in changed.stderr
    assert row(out, f"ana/{NB}")["hidden: n_bureau_again"] == "0"


@pytest.mark.slow
def test_resume_regrades_when_the_public_tests_change(notebooks, tmp_path):
    root = tmp_path / "course"  # a copy of the course's content, so its tests can change
    for part in ("data", "seeds", "quizzes", "exercises"):
        shutil.copytree(paths.ROOT / part, root / part)
    env = {**os.environ, "COURSE_ROOT": str(root)}
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    grade_all(subs, out, env=env)
    assert grade_all(subs, out, env=env).stderr.count("already graded") == 2
    with open(root / "exercises" / EX.id / "tests.py", "a", encoding="utf-8") as fh:
        fh.write("\n# changed by the teacher\n")
    assert "already graded" not in grade_all(subs, out, env=env).stderr
    assert_class_graded(out)


@pytest.mark.slow
def test_resume_regrades_under_another_grader_version(notebooks, tmp_path, monkeypatch):
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"

    def run() -> str:
        log = io.StringIO()
        batch.grade_all(subs, out, workers=2, stream=log)
        return log.getvalue()

    run()
    assert run().count("already graded") == 2
    monkeypatch.setattr(course, "__version__", "0.0.0+other")
    assert "already graded" not in run()
    assert_class_graded(out)


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "gradebook.csv", "student\n")
    assert not list(tmp_path.iterdir())
    monkeypatch.undo()
    write_atomic(tmp_path / "gradebook.csv", "lone \udcff surrogate\n")  # escaped, kept
    assert (tmp_path / "gradebook.csv").read_text(encoding="utf-8") == "lone \\udcff surrogate\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


@pytest.mark.slow
def test_a_hard_link_to_another_students_notebook_is_refused_for_both(notebooks, tmp_path):
    """GNU tar and Python's tarfile, unpacking eve's archive into the class folder, make her
    hard link to ben/01_soviets.ipynb a second name of ben's own file."""
    subs, out = make_class(notebooks, tmp_path), tmp_path / "results"
    (subs / "eve").mkdir()
    os.link(subs / "ben" / NB, subs / "eve" / NB)
    os.link(subs / "ana" / NB, subs / "ana" / "copy.ipynb")  # one student's own: graded
    grade_all(subs, out)
    refused(out, f"eve/{NB}", f"same file on disk as ben/{NB}", "hard link")
    refused(out, f"ben/{NB}", f"same file on disk as eve/{NB}")
    ana, copy = row(out, f"ana/{NB}"), row(out, "ana/copy.ipynb")
    assert ana["status"] == copy["status"] == "graded" and ana["total"] == ana["max"] != "0"
