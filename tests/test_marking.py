"""The teacher's marking (issue 19): `course written`, `course gradebook` and the feedback.

Fast tests use a class of a few students and no grading. The slow ones build a class of 33
(solved, partly solved and blank exercises, written answers from one word to hundreds, a student
on the roster who handed in nothing, one who handed in but is not on the roster, a hostile
answer), grade it once with `course grade-all`, review it, fill in the scores, and check the
review pages in Chromium, the gradebook's arithmetic, each export's columns and that nothing a
student receives holds a model answer, a rubric descriptor or a solution.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
from bs4 import BeautifulSoup

from course.cli import main
from course.content import chapters, exercises, paths, questions, rubrics, seeds
from course.marking import gradebook as gb
from course.marking import scores

from helpers import describe, leaks, run_axe, shared

COURSE = str(Path(sys.executable).parent / "course")
FINISHED = [ch for ch, _ in seeds.chapters() if not chapters.draft(ch)]
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> my answer'


def course(*args, ok: bool = True) -> subprocess.CompletedProcess:
    """``course ARGS`` as a teacher runs it, in a process of its own."""
    proc = subprocess.run([COURSE, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert (proc.returncode == 0) == ok, f"exit {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def course_here(*args, ok: bool = True) -> subprocess.CompletedProcess:
    """The same command line, run in this process (the fast tests: no interpreter to start, and
    the chapter notebooks read once)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    assert (code == 0) == ok, f"exit {code}:\n{out.getvalue()[-3000:]}\n{err.getvalue()[-3000:]}"
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def blanks() -> dict:
    """Each finished chapter's notebook as a student gets it (no answers yet), read once."""
    out = {}
    for ch in FINISHED:
        nb = questions.notebook(ch)
        nb.metadata.pop("jupytext", None)
        out[ch] = nb
    return out


def answer_text(student: str, chapter: str, answer: str, words: int) -> str:
    """A student's answer that no other answer contains: who, where, then filler words."""
    return f"{student} answers {chapter} {answer}: " + " ".join(f"w{n}" for n in range(words))


def hand_in(folder: Path, blank, chapter: str, answers: dict[str, str], name: str | None = None) -> None:
    nb = copy.deepcopy(blank)
    for cell in nb.cells:
        ident = questions.answer_id(cell)
        if ident in answers:
            cell.source = f"**Your answer:** {answers[ident]}"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / (name or f"{chapter}_notebook.ipynb"))


# ---------------------------------------------------------------- the rubric as data


def test_every_marked_answer_has_a_scale_and_points_to_look_for():
    jsonschema.Draft202012Validator.check_schema(json.loads(rubrics.SCHEMA.read_text(encoding="utf-8")))
    data = rubrics.load()  # validated against that schema
    assert FINISHED
    for ch in FINISHED:
        items = rubrics.items(ch, data)
        assert [it.answer for it in items] == [q.id for q in questions.guided_questions(ch)] + ["exit-ticket"]
        for it in items:
            assert it.look_for and it.scale.max > 0 and it.prompt, it.key
            assert it.model_answer or it.answer == "exit-ticket", it.key
    criteria = rubrics.criteria(data)
    assert sum(c.max for c in criteria) == 100
    assert {lv.label for c in criteria for lv in c.levels} == {"4 Excellent", "3 Secure", "2 Developing", "1 Beginning"}


def test_a_broken_rubric_is_refused_naming_its_line(tmp_path, monkeypatch):
    good = rubrics.path().read_text(encoding="utf-8")
    target = "        min: 17\n        max: 20\n"
    assert target in good
    line = good[: good.index(target)].count("\n") + 1  # the band that starts there
    bad = tmp_path / "rubrics.yml"
    bad.write_text(good.replace(target, "        min: 17\n        max: 21\n", 1), encoding="utf-8")
    monkeypatch.setattr(rubrics, "path", lambda: bad)
    with pytest.raises(rubrics.RubricError, match=r"rubrics.yml, line \d+: criterion 'thesis'") as caught:
        rubrics.load()
    assert int(str(caught.value).split("line ")[1].split(":")[0]) <= line + 1
    bad.write_text(good.replace("points: 3\n", "points: three\n", 1), encoding="utf-8")
    with pytest.raises(rubrics.RubricError, match=r"line \d+: scales.guided.levels.0.points"):
        rubrics.load()
    bad.write_text(good, encoding="utf-8")  # the positive control: the file as it is loads
    assert rubrics.load()["essay"]["criteria"]


# ---------------------------------------------------------------- course written, a small class


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, blanks) -> Path:
    """Four students: two who answered, one blank, one with a hostile answer and folder name; a
    link to another student's notebook and a file that is not a notebook."""
    subs = tmp_path_factory.mktemp("small") / "submissions"
    ch = FINISHED[0]
    for student, words in (("ana", 30), ("ben", 0)):
        texts = {} if not words else {it: answer_text(student, ch, it, words) for it in ("Q1", "Q2", "exit-ticket")}
        hand_in(subs / student, blanks[ch], ch, texts)
    hand_in(subs / "eve\u202e<b>", blanks[ch], ch, {"Q1": HOSTILE})
    (subs / "kim").mkdir()
    (subs / "kim" / f"{ch}_notebook.ipynb").symlink_to(subs / "ana" / f"{ch}_notebook.ipynb")
    (subs / "kim" / "copy.ipynb").write_text("{not json", encoding="utf-8")
    return subs


def page_text(path: Path) -> str:
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


def test_written_collects_each_answer_once_pseudonymously_and_escaped(small_class, tmp_path):
    out = tmp_path / "review"
    proc = course_here("written", small_class, "--out", out)
    assert "4 student(s)" in proc.stdout
    assert "kim/" in proc.stderr and "link" in proc.stderr and "not valid JSON" in proc.stderr
    index = page_text(out / "index.html")
    assert "link" in index and "not valid JSON" in index and not re.search(r"\bkim\b", index)
    ch = FINISHED[0]
    key = scores.read_key(out / scores.KEY)
    assert sorted(key.values()) == sorted(["ana", "ben", "eve\\u202e<b>", "kim"])
    assert all(label.startswith("S") and label[1:].isdigit() for label in key)
    label = {sid: lab for lab, sid in key.items()}
    html = (out / ch / "Q1.html").read_text(encoding="utf-8")
    text = page_text(out / ch / "Q1.html")
    for student in ("ana", "ben", "eve\\u202e<b>"):
        assert text.count(label[student]) == 1
    assert text.count(answer_text("ana", ch, "Q1", 30)) == 1
    assert not re.search(r"\bana\b", text.replace(answer_text("ana", ch, "Q1", 30), ""))  # the label only
    assert f"{len(answer_text('ana', ch, 'Q1', 30).split())} words" in text
    assert "Empty: nothing written" in text  # ben
    # The hostile answer is shown as text, never as markup.
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.find("img")
    assert HOSTILE in text
    # The model answer and the scale are on the page.
    assert " ".join(questions.model_answers(ch)["Q1"]["answer"].split())[:60] in text
    assert "Not yet" in text and "0 to 3 points" in text
    rows = read_csv(out / scores.SCORES)
    assert {r["question"] for r in rows} >= {f"{ch}/Q1", f"{ch}/exit-ticket", "essay/thesis"}
    assert not [r for r in rows if r["student"] == label["kim"] and r["question"].startswith(ch)]  # nothing usable


def test_written_again_keeps_labels_scores_and_comments(small_class, tmp_path):
    out = tmp_path / "review"
    course_here("written", small_class, "--out", out)
    key = scores.read_key(out / scores.KEY)
    rows = read_csv(out / scores.SCORES)
    for r in rows:
        r["points"], r["comment"] = ("2", "=clear, well cited") if r["question"].endswith("/Q1") else ("", "")
    write_csv(out / scores.SCORES, scores.SCORE_COLUMNS, [list(r.values()) for r in rows])
    course_here("written", small_class, "--out", out)
    assert scores.read_key(out / scores.KEY) == key
    again = read_csv(out / scores.SCORES)
    marked = [r for r in again if r["question"].endswith("/Q1")]
    assert marked and all(r["points"] == "2" and r["comment"] == "'=clear, well cited" for r in marked)
    # With --names, the same scores follow the students to their names.
    course_here("written", small_class, "--out", out, "--names")
    named = read_csv(out / scores.SCORES)
    assert {r["student"] for r in named if r["points"] == "2"} == {"ana", "ben", "eve\\u202e<b>"}
    assert "ana" in page_text(out / FINISHED[0] / "Q1.html")


def test_written_refuses_a_scores_file_it_cannot_read_and_writes_nothing(small_class, tmp_path):
    out = tmp_path / "review"
    course_here("written", small_class, "--out", out)
    rows = read_csv(out / scores.SCORES)
    n = next(n for n, r in enumerate(rows) if r["question"].endswith("/Q1"))
    rows[n]["points"] = str(int(rows[n]["max"]) + 1)
    write_csv(out / scores.SCORES, scores.SCORE_COLUMNS, [list(r.values()) for r in rows])
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    proc = course_here("written", small_class, "--out", out, ok=False)
    assert f"{out / scores.SCORES}, line {n + 2}" in proc.stderr and "outside the scale" in proc.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


# ---------------------------------------------------------------- the teacher's files


@pytest.fixture(scope="module")
def teacher_files(small_class, tmp_path_factory) -> Path:
    """A review of the small class with a few scores, a roster and weights: all valid."""
    folder = tmp_path_factory.mktemp("teacher")
    course_here("written", small_class, "--out", folder / "review", "--names")
    rows = read_csv(folder / "review" / scores.SCORES)
    for r in rows:
        r["points"] = "1"
    write_csv(folder / "review" / scores.SCORES, scores.SCORE_COLUMNS, [list(r.values()) for r in rows])
    write_csv(folder / "roster.csv", ["id", "name", "email"], [["ana", "Ana", "a@x.org"], ["ben", "Ben", "b@x.org"]])
    write_csv(folder / "weights.csv", ["part", "weight"], [["exercises", 40], ["written", 30], ["essay", 30]])
    return folder


def gradebook_args(folder: Path, out: Path) -> list:
    return [
        "gradebook",
        "--roster",
        folder / "roster.csv",
        "--weights",
        folder / "weights.csv",
        "--scores",
        folder / "review" / scores.SCORES,
        "--out",
        out,
    ]


def test_valid_teacher_files_make_a_gradebook(teacher_files, tmp_path):
    """The positive control for the errors below."""
    proc = course(*gradebook_args(teacher_files, tmp_path / "out"))
    assert "not on the roster" in proc.stderr  # eve and kim handed in (a notebook each)
    rows = {r["id"]: r for r in read_csv(tmp_path / "out" / "gradebook.csv")}
    assert set(rows) == {"ana", "ben", "eve\\u202e<b>", "kim"}
    assert rows["kim"]["notes"] == "handed in work but is not on the roster"
    # A student's files are named by a slug and a hash of the id, never by the id itself.
    names = {p.name for p in (tmp_path / "out" / "feedback").iterdir()}
    assert len(names) == 2 * len(rows) + 1 and "index.csv" in names
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{10}\.(html|md)", n) for n in names - {"index.csv"})
    eve = read_csv(tmp_path / "out" / "feedback" / "index.csv")[2]
    assert eve["id"] == "eve\\u202e<b>" and "<b>" not in eve["html"]
    assert "<b>" not in (tmp_path / "out" / "feedback" / eve["html"]).read_text(encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ERRORS = {
    "duplicate roster id": ("roster.csv", "ben,Ben,b@x.org", "ben,Ben,b@x.org\nana,Ana again,", "roster.csv, line 4"),
    "score above the scale": ("review/scores.csv", ",1,3,", ",4,3,", "scores.csv, line 2"),
    "score not a number": ("review/scores.csv", ",1,3,", ",good,3,", "scores.csv, line 2"),
    "unknown question": ("review/scores.csv", "/Q1,", "/Q99,", "scores.csv, line 2"),
    "unknown student label": ("review/scores.csv", "ana,", "anna,", "scores.csv, line"),
    "weights not adding up": ("weights.csv", "essay,30", "essay,20", "weights.csv, line 4"),
    "unknown part": ("weights.csv", "essay,30", "essay,30\nquizzes,0", "weights.csv, line 5"),
    "part weighted twice": ("weights.csv", "essay,30", f"essay,30\nwritten:{FINISHED[0]},0", "weights.csv, line 5"),
    "weight not a number": ("weights.csv", "essay,30", "essay,thirty", "weights.csv, line 4"),
    "roster without id column": ("roster.csv", "id,name,email", "student,name,email", "roster.csv, line 1"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_an_error_in_a_teachers_file_stops_naming_file_and_line(case, teacher_files, tmp_path):
    folder = tmp_path / "files"
    shutil.copytree(teacher_files, folder)
    name, old, new, where = ERRORS[case]
    _edit(folder / name, old, new)
    out = tmp_path / "out"
    proc = course_here(*gradebook_args(folder, out), ok=False)
    assert where in proc.stderr, proc.stderr
    assert "Nothing was written" in proc.stderr and not out.exists()


def report(student: str, exercise: str | None, status: str, score: int = 0, max_score: int = 0) -> dict:
    return {
        "student": student,
        "notebook": f"{student}/{exercise or 'x'}.ipynb",
        "exercise": exercise,
        "status": status,
        "score": score,
        "max_score": max_score,
        "tests": [],
        "message": "stopped",
    }


def test_could_not_grade_is_not_zero_and_keeps_the_exercises_points():
    data = rubrics.load()
    top, items = scores.maxima(data)
    ex = exercises.all_exercises()[0].id
    reports = [report("ana", ex, "graded", 3, 4), report("ben", ex, "could not grade")]
    parts = [
        gb.Part(p.id, p.group, p.title, p.max, 100.0 if p.id == f"exercise:{ex}" else 0.0)
        for p in gb.make_parts(items, reports, data)
    ]
    (part,) = [p for p in parts if p.id == f"exercise:{ex}"]
    assert part.max == 4
    # Even with no graded report at all, the exercise's points come from its tests, never 0.
    assert gb.make_parts(items, reports[1:], data)[0].max > 0
    roster = [gb.Student("ana"), gb.Student("ben"), gb.Student("cy")]
    book = gb.merge(roster, reports, {}, parts, items, data)
    values = {s.id: s.values[part.id] for s in book.students}
    assert values == {"ana": 3, "ben": gb.COULD_NOT_GRADE, "cy": scores.MISSING}
    assert [book.percentage(s) for s in book.students] == [75.0, None, None]
    zero = gb.merge(copy.deepcopy(roster), reports, {}, parts, items, data, missing_as_zero=True)
    assert [zero.percentage(s) for s in zero.students] == [75.0, 0.0, 0.0]


# ---------------------------------------------------------------- a class of 33, graded once


ROSTER_SIZE = 31  # s01 … s31 hand in; zoe is on the roster and hands in nothing
SOLVED, PARTLY, BLANK = range(1, 5), range(5, 8), range(8, 11)


def student(n: int) -> str:
    return f"s{n:02d}"


def points_for(n: int, question: str, top: int) -> int:
    """The points the test's teacher gives: blank students 0, the others a pattern."""
    return 0 if n in BLANK else (n + len(question)) % (top + 1)


LENGTHS = [1, 5, 40, 120, 400]  # words in the answers, in turn


def class_answers(chapters: list[str]) -> dict[tuple[str, str, str], str]:
    """``{(student, chapter, answer id): text}``: what each student of the class wrote (one
    answer in seven left empty; the blank students wrote nothing; one answer is hostile)."""
    texts = {}
    for n in range(1, ROSTER_SIZE + 1):
        if n in BLANK:
            continue
        for ch in chapters:
            for k, it in enumerate(rubrics.items(ch)):
                if (n + k) % 7:
                    texts[student(n), ch, it.answer] = answer_text(student(n), ch, it.answer, LENGTHS[(n + k) % 5])
    texts[student(ROSTER_SIZE), chapters[0], "Q1"] = HOSTILE
    return texts


def class_weights(ex_id: str, chapters: list[str]) -> dict[str, int]:
    return {f"exercise:{ex_id}": 30, f"written:{chapters[0]}": 30, f"written:{chapters[1]}": 10, "essay": 30}


def make_marked_class(root: Path, blanks: dict, chapters: list[str]) -> Path:
    """The class handed in, graded, reviewed, scored by a pattern, and two gradebooks made."""
    subs = root / "submissions"
    ex = exercises.get(chapters[0])
    solved = ex.notebook()
    solved.metadata["course"] = {"exercise": ex.id}
    wrong = copy.deepcopy(solved)
    wrong.cells.append(nbformat.v4.new_code_cell(f"{next(iter(ex.answers()))} = None"))
    texts = class_answers(chapters)
    for n in range(1, ROSTER_SIZE + 1):
        sid = student(n)
        (subs / sid).mkdir(parents=True)
        if n in SOLVED or n in PARTLY or n in BLANK:
            graded = solved if n in SOLVED else wrong if n in PARTLY else ex.student_notebook()
            nbformat.write(graded, subs / sid / f"{ex.id}.ipynb")
        for ch in chapters:
            answers = {a: text for (s, c, a), text in texts.items() if s == sid and c == ch}
            hand_in(subs / sid, blanks[ch], ch, answers, name=None if n % 2 else f"renamed {ch}.ipynb")
    hand_in(subs / "mallory", blanks[chapters[0]], chapters[0], {"Q1": "not on the roster"})
    roster = write_csv(
        root / "roster.csv",
        ["id", "name", "email", "lms_id", "section"],
        [[student(n), f"Student {n}", f"{student(n)}@x.org", str(1000 + n), "AB"[n % 2]] for n in range(1, 32)]
        + [["zoe", "Zoe Zed", "zoe@x.org", "2000", "B"]],
    )
    results, review = root / "results", root / "review"
    course("grade-all", subs, "--out", results, "--workers", "2")
    course("written", subs, "--out", review)
    number = {label: int(sid[1:]) for label, sid in scores.read_key(review / scores.KEY).items() if sid[0] == "s"}
    rows = read_csv(review / scores.SCORES)
    for r in rows:
        n = number.get(r["student"])
        if n is None:
            continue
        marked = str(points_for(n, r["question"], int(r["max"])))
        if r["question"].startswith("essay/"):
            r["points"] = "missing" if n in BLANK else "" if n > 20 else marked
        else:
            r["points"], r["comment"] = marked, f"comment for {r['student']} on {r['question']}"
    write_csv(review / scores.SCORES, scores.SCORE_COLUMNS, [list(r.values()) for r in rows])
    weights = class_weights(ex.id, chapters)
    parts = gb.make_parts(scores.maxima()[1], [], rubrics.load())
    write_csv(root / "weights.csv", ["part", "weight"], [[p.id, weights.get(p.id, 0)] for p in parts])
    args = ["--roster", roster, "--weights", root / "weights.csv", "--results", results, "--scores"]
    course("gradebook", *args, review / scores.SCORES, "--out", root / "out")
    course("gradebook", *args, review / scores.SCORES, "--out", root / "zero", "--missing-as-zero")
    return root


@pytest.fixture(scope="module")
def marked_class(tmp_path_factory, blanks):
    """The class of 33, made once per test run (``shared``: whichever process asks first)."""
    chapters = FINISHED[:2]
    root = shared(tmp_path_factory, "marking-class", lambda folder: make_marked_class(folder, blanks, chapters))
    review = root / "review"
    return {
        "review": review,
        "out": root / "out",
        "zero": root / "zero",
        "texts": class_answers(chapters),
        "key": {sid: label for label, sid in scores.read_key(review / scores.KEY).items()},
        "chapters": chapters,
        "exercise": chapters[0],
    }


def part_cells(row: dict) -> dict[str, str]:
    """``{part title: cell}`` of a gradebook row (the columns between the roster's and the total)."""
    names = list(row)
    return {k.rsplit(" (", 1)[0]: row[k] for k in names[names.index("section") + 1 : names.index("total")]}


@pytest.mark.slow
def test_the_gradebook_adds_up_and_keeps_missing_apart_from_zero(marked_class):
    c = marked_class
    rows = {r["id"]: r for r in read_csv(c["out"] / "gradebook.csv")}
    assert list(rows)[:32] == [student(n) for n in range(1, 32)] + ["zoe"] and list(rows)[32:] == ["mallory"]
    assert rows["mallory"]["notes"] == "handed in work but is not on the roster"
    # A notebook the grader could not tie to an exercise (here a renamed chapter notebook) is named
    # for the teacher; the review found it by its title.
    assert f"could not grade {student(2)}/renamed {c['chapters'][0]}.ipynb" in rows[student(2)]["notes"]
    ex, (ch1, ch2) = f"Exercise {c['exercise']}", c["chapters"]
    essay, criteria = rubrics.essay()["title"], rubrics.criteria()
    items = {ch: rubrics.items(ch) for ch in (ch1, ch2)}
    for n in range(1, 32):
        cells, sid = part_cells(rows[student(n)]), student(n)
        assert cells[ex] == ("4" if n in SOLVED else "3" if n in PARTLY else "0" if n in BLANK else "missing"), n
        for ch in (ch1, ch2):  # the teacher's points, added up
            expected = sum(points_for(n, it.key, it.scale.max) for it in items[ch])
            assert cells[f"Written {ch}"] == str(expected), (n, ch)
        marked = sum(points_for(n, f"essay/{crit.id}", crit.max) for crit in criteria)
        assert cells[essay] == ("missing" if n in BLANK else "unmarked" if n > 20 else str(marked)), n
        numeric = [float(v) for v in cells.values() if v.replace(".", "").isdigit()]
        assert float(rows[sid]["total"]) == pytest.approx(sum(numeric))
        maxima = {k.rsplit(" (", 1)[0]: float(k.rsplit("(", 1)[1].rstrip(")")) for k in rows[sid] if k.endswith(")")}
        if n in SOLVED or n in PARTLY:  # every weighted part marked: the percentage, recomputed here
            weight = {ex: 30, f"Written {ch1}": 30, f"Written {ch2}": 10, essay: 30}
            expected = sum(w * float(cells[t]) / maxima[t] for t, w in weight.items())
            assert float(rows[sid]["percentage"]) == pytest.approx(expected, abs=0.01)
        else:
            assert rows[sid]["percentage"] == ""  # something weighted is missing or unmarked
    zoe = part_cells(rows["zoe"])
    assert set(zoe.values()) == {"missing"} and rows["zoe"]["total"] == "0" and rows["zoe"]["percentage"] == ""
    # When the teacher decides: missing work counts 0, unmarked work still waits.
    zero = {r["id"]: r for r in read_csv(c["zero"] / "gradebook.csv")}
    assert zero["zoe"]["percentage"] == "0.0"
    assert zero[student(BLANK[0])]["percentage"] == "0.0"
    assert zero[student(12)]["percentage"] != "" and zero[student(25)]["percentage"] == ""


@pytest.mark.slow
def test_each_export_has_its_documented_columns(marked_class):
    c = marked_class
    plain = read_csv(c["out"] / "gradebook.csv")
    titles = list(part_cells(plain[0]))
    with open(c["out"] / "canvas.csv", encoding="utf-8", newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles, "Weighted grade (%)"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5:] == [
        k.rsplit("(", 1)[1].rstrip(")") for k in plain[0] if k.endswith(")")
    ] + ["100"]
    people = canvas[2:]
    assert [r[0] for r in people] == [f"Student {n}" for n in range(1, 32)] + ["Zoe Zed"]  # no mallory
    assert [r[1] for r in people] == [str(1000 + n) for n in range(1, 32)] + ["2000"]
    assert set(people[-1][5:]) == {""}  # zoe: nothing handed in is left empty, not 0
    assert people[BLANK[0] - 1][5] == "0"  # a blank exercise is a 0
    with open(c["out"] / "moodle.csv", encoding="utf-8", newline="") as fh:
        moodle = list(csv.reader(fh))
    assert moodle[0] == ["Email address", "ID number", "Full name", *titles, "Weighted grade (%)"]
    assert [r[0] for r in moodle[1:]] == [f"{student(n)}@x.org" for n in range(1, 32)] + ["zoe@x.org"]
    assert {len(r) for r in moodle} == {len(moodle[0])} and {len(r) for r in canvas} == {len(canvas[0])}


@pytest.mark.slow
def test_feedback_has_scores_comments_and_hints_and_nothing_for_teachers(marked_class):
    c = marked_class
    folder = c["out"] / "feedback"
    index = read_csv(folder / "index.csv")
    assert len(index) == 33 and len({r["html"] for r in index}) == 33
    one = next(r for r in index if r["id"] == student(PARTLY[0]))
    md = (folder / one["markdown"]).read_text(encoding="utf-8")
    html = page_text(folder / one["html"])
    first_q = f"{c['chapters'][0]}/Q1"
    for text in (md, html):
        assert f"comment for {c['key'][student(PARTLY[0])]} on {first_q}" in text.replace("\\", "")
        assert "not yet" in text  # the failing check, with its hint
    # Nothing a student receives holds a model answer, a rubric descriptor or a solution ...
    assert leaks(folder) == []
    # ... which the same search does find in the teacher's review pages (the positive control).
    assert any("model answer" in found for found in leaks(c["review"]))


@pytest.mark.slow
def test_review_pages_in_chromium(marked_class, browser):
    c = marked_class
    ch = c["chapters"][0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, errors = [], []

    def offline(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((c["review"] / "index.html").as_uri())
        found = run_axe(page)
        assert not found, describe(found, "review index")
        page.goto((c["review"] / ch / "Q1.html").as_uri())
        found = run_axe(page)
        assert not found, describe(found, f"{ch}/Q1")
        # Each answer once, under its student's label; the hostile one as text, never run.
        articles = page.locator("article.answer")
        labels = [articles.nth(i).locator("h3").inner_text() for i in range(articles.count())]
        handed_in = sorted(label for sid, label in c["key"].items() if sid != "zoe")
        assert sorted(labels) == handed_in
        body = page.locator("section.answers").inner_text()
        for (sid, chapter, answer), text in c["texts"].items():
            if chapter == ch and answer == "Q1":
                assert body.count(text) == 1, sid
        assert page.evaluate("window.__pwned") is None and HOSTILE in body
        # The model answer sits beside the answers.
        key = page.locator("aside.key")
        model = " ".join(questions.model_answers(ch)["Q1"]["answer"].split())[:80]
        assert model in " ".join(key.inner_text().split())
        aside, answers = key.bounding_box(), page.locator("section.answers").bounding_box()
        assert aside["x"] + aside["width"] <= answers["x"] and aside["y"] <= answers["y"] + 50
        # The keyboard alone: the first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.locator("a[rel=next]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"{ch}/Q2.html")
        feedback = c["out"] / "feedback" / read_csv(c["out"] / "feedback" / "index.csv")[0]["html"]
        page.goto(feedback.as_uri())
        found = run_axe(page)
        assert not found, describe(found, "a feedback page")
        assert outside == [] and errors == []
    finally:
        context.close()


def test_the_term_plans_weights_file_is_one_the_gradebook_accepts(tmp_path):
    """instructor/term-weights.csv, shown on the term plan as it is, names the course's parts
    and adds up to 100; the same file with one weight changed is refused (the control)."""
    top, items = scores.maxima()
    parts = gb.read_weights(paths.INSTRUCTOR / "term-weights.csv", gb.make_parts(items, [], rubrics.load()))
    assert {p.group for p in parts} == set(gb.GROUPS) and round(sum(p.weight for p in parts), 6) == 100
    assert all(p.weight > 0 for p in parts), "every part of the plan carries weight"
    changed = tmp_path / "weights.csv"
    changed.write_text((paths.INSTRUCTOR / "term-weights.csv").read_text(encoding="utf-8").replace("essay,", "essay,1"))
    with pytest.raises(scores.TeacherFileError, match="add up to"):
        gb.read_weights(changed, gb.make_parts(items, [], rubrics.load()))
