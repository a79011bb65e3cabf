"""``course gradebook``: one row per student, ready for the LMS.

It merges, all as data:

- the autograder's results: ``course grade-all``'s reports (``RESULTS/reports/*.json``), one
  per notebook; a student's best graded notebook of an exercise counts;
- the teacher's scores for the written work (``REVIEW/scores.csv`` from ``course written``,
  read with its key ``REVIEW/students.csv``);
- a roster (CSV: ``id``, the student's folder name in the class folder; optional ``name``,
  ``email``, ``lms_id``, ``section``);
- weights (CSV: ``part,weight``, adding up to 100), per part or per group of parts.

The assessed parts: each finished chapter's exercise (``exercise:01_soviets``; group
``exercises``) and written work (``written:01_soviets``, the guided questions and the exit
ticket; group ``written``), and the essay (``essay``). A group's weight is shared equally by its
parts. A part is a number of points, or ``missing`` (nothing handed in, or a score written as
``missing``), ``unmarked`` (a score not yet written) or ``could not grade``. Missing work is
never counted as zero unless the teacher says so (``missing_as_zero``); until every weighted part
has a number, the weighted percentage is left empty (a part weighted 0 is not assessed).

Written: ``gradebook.csv`` (every student, roster order, then anyone handed in but not on the
roster, flagged), ``canvas.csv`` and ``moodle.csv`` (roster students only; see the functions for
each format's documented columns), and ``feedback/`` (``feedback``). Every teacher's file is
checked before anything is written; an error names the file and the line.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from course.content import exercises as exlib
from course.content import roster, rubrics
from course.files import write_atomic
from course.marking import feedback, scores
from course.marking.scores import MISSING, TeacherFileError

UNMARKED = "unmarked"
COULD_NOT_GRADE = "could not grade"
GROUPS = {"exercises": "exercise", "written": "written", "essay": "essay"}
ROSTER_COLUMNS = ["id", "name", "email", "lms_id", "section"]


@dataclass(frozen=True)
class Part:
    id: str  # exercise:01_soviets, written:01_soviets, essay
    group: str  # exercises, written, essay
    title: str  # the column's name in every export
    max: float
    weight: float = 0.0


@dataclass
class Student:
    id: str
    name: str = ""
    email: str = ""
    lms_id: str = ""
    section: str = ""
    on_roster: bool = True
    values: dict[str, object] = field(default_factory=dict)  # part id -> points or a state
    notes: list[str] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)  # the exercise reports that count
    written: list[tuple[rubrics.Item | rubrics.Scale, scores.Score | None]] = field(default_factory=list)

    @property
    def shown_name(self) -> str:
        return self.name or self.id


@dataclass
class Gradebook:
    parts: list[Part]
    students: list[Student]
    not_on_roster: list[str]
    warnings: list[str]

    def percentage(self, s: Student) -> float | None:
        """The weighted grade, once every part that carries weight has points (a part weighted 0
        is not assessed: it neither counts nor waits)."""
        weighted = [p for p in self.parts if p.weight > 0]
        if not all(isinstance(s.values.get(p.id), (int, float)) for p in weighted):
            return None
        return round(sum(p.weight * s.values[p.id] / p.max for p in weighted), 2)

    def total(self, s: Student) -> float:
        return _num(sum(v for v in s.values.values() if isinstance(v, (int, float))))


def _num(x: float):
    return int(x) if float(x).is_integer() else round(x, 2)


# ---------------------------------------------------------------- the teacher's files


def read_roster(path: Path) -> list[Student]:
    """The roster's students, read by the one roster reader (``content.roster``: an id is a safe
    folder name, once per roster; errors name the file and line)."""
    try:
        listed = roster.read(path)
    except roster.RosterError as exc:
        raise TeacherFileError(str(exc)) from None
    return [Student(s.id, s.name, s.email, s.lms_id, s.section) for s in listed]


def read_weights(path: Path, parts: list[Part]) -> list[Part]:
    """The parts with their weights. Each line names a part or a group; every part gets a weight
    exactly once; the weights add up to 100."""
    by_id = {p.id: p for p in parts}
    weight: dict[str, float] = {}
    where: dict[str, int] = {}
    lines = scores.read_rows(path, ["part", "weight"])
    for line, row in lines:
        name, text = row["part"], row["weight"]
        members = [p.id for p in parts if p.group == name] if name in GROUPS else [name] if name in by_id else None
        if members is None:
            raise TeacherFileError(
                f"{path}, line {line}: there is no part {name!r}; name a group ({', '.join(GROUPS)}) "
                f"or a part ({', '.join(p.id for p in parts)})."
            )
        try:
            w = float(text)
        except ValueError:
            raise TeacherFileError(f"{path}, line {line}: the weight {text!r} is not a number.") from None
        if not math.isfinite(w) or w < 0:
            raise TeacherFileError(f"{path}, line {line}: a weight is a number of 0 or more, not {text}.")
        for m in members:
            if m in weight:
                raise TeacherFileError(f"{path}, line {line}: {m} already has a weight (line {where[m]}).")
            weight[m], where[m] = w / len(members), line
    unweighted = [p.id for p in parts if p.id not in weight]
    if unweighted:
        raise TeacherFileError(
            f"{path}: no weight for {', '.join(unweighted)}; give each part or its group a line (a weight may be 0)."
        )
    total = sum(weight.values())
    if abs(total - 100) > 1e-6:
        last = lines[-1][0] if lines else 1
        raise TeacherFileError(f"{path}, line {last}: the weights add up to {_num(total)}, not 100.")
    return [Part(p.id, p.group, p.title, p.max, weight[p.id]) for p in parts]


def read_reports(results: Path) -> tuple[list[dict], list[str]]:
    """grade-all's JSON reports, each checked for the fields used; a file that is not one is
    named in the warnings and left out."""
    folder = results / "reports"
    if not folder.is_dir():
        raise TeacherFileError(f"{results}: no reports/ folder; give the --out folder of course grade-all.")
    reports, warnings = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            warnings.append(f"{path}: not a readable report; left out.")
            continue
        ok = (
            isinstance(r, dict)
            and isinstance(r.get("student"), str)
            and isinstance(r.get("notebook"), str)
            and r.get("status") in ("graded", COULD_NOT_GRADE)
            and isinstance(r.get("score", 0), (int, float))
            and isinstance(r.get("max_score", 0), (int, float))
            and isinstance(r.get("tests", []), list)
        )
        if not ok:
            warnings.append(f"{path}: not a report of course grade-all; left out.")
            continue
        reports.append(r)
    return reports, warnings


# ---------------------------------------------------------------- the parts and the merge


def exercise_max(ex_id: str, reports: list[dict]) -> float:
    """An exercise's points: from its graded reports (the tests in use, hidden ones included),
    else from its public tests; never 0 because a notebook could not be graded."""
    graded = [r["max_score"] for r in reports if r.get("exercise") == ex_id and r["status"] == "graded"]
    if graded and max(graded) > 0:
        return max(graded)
    ex = exlib.get(ex_id)
    points = exlib.declared(ex.tests, "POINTS")
    return sum(points.get(f"test_{a}", 1) for a in exlib.declared(ex.tests, "ANSWERS"))


def make_parts(items: dict[str, list[rubrics.Item]], reports: list[dict], data: dict) -> list[Part]:
    known = {e.id for e in exlib.all_exercises()}
    parts = [
        Part(f"exercise:{ch}", "exercises", f"Exercise {ch}", exercise_max(ch, reports)) for ch in items if ch in known
    ]
    parts += [
        Part(f"written:{ch}", "written", f"Written {ch}", sum(it.scale.max for it in its)) for ch, its in items.items()
    ]
    parts.append(Part("essay", "essay", rubrics.essay(data)["title"], sum(c.max for c in rubrics.criteria(data))))
    return parts


def _chapter_notebook(name: str, chapters: set[str]) -> bool:
    return name.rsplit("/", 1)[-1] in {f"{ch}_notebook.ipynb" for ch in chapters}


def merge(
    roster: list[Student],
    reports: list[dict],
    marks: dict[tuple[str, str], scores.Score],
    parts: list[Part],
    items: dict[str, list[rubrics.Item]],
    data: dict,
    *,
    missing_as_zero: bool = False,
) -> Gradebook:
    students = {s.id: s for s in roster}
    seen = {r["student"] for r in reports} | {sid for sid, _ in marks}
    strangers = sorted(seen - set(students))
    for sid in strangers:
        students[sid] = Student(sid, on_roster=False, notes=["handed in work but is not on the roster"])
    by_student: dict[str, list[dict]] = defaultdict(list)
    for r in reports:
        by_student[r["student"]].append(r)
    criteria = rubrics.criteria(data)
    zero = 0 if missing_as_zero else None
    for s in students.values():
        for p in parts:
            if p.group == "exercises":
                ch = p.id.split(":", 1)[1]
                mine = [r for r in by_student[s.id] if r.get("exercise") == ch]
                graded = sorted((r for r in mine if r["status"] == "graded"), key=lambda r: -r["score"])
                if graded:
                    s.values[p.id] = _num(min(graded[0]["score"], p.max))
                    s.reports.append(graded[0])
                    if len(graded) > 1:
                        s.notes.append(f"{len(graded)} notebooks for exercise {ch}: the best counts")
                elif mine:
                    s.values[p.id] = COULD_NOT_GRADE if zero is None else zero
                    s.reports.append(mine[0])
                else:
                    s.values[p.id] = MISSING if zero is None else zero
            else:
                keys = (
                    [(it, it.key) for it in items[p.id.split(":", 1)[1]]]
                    if p.group == "written"
                    else [(c, f"{rubrics.ESSAY}/{c.id}") for c in criteria]
                )
                rows = [(what, marks.get((s.id, key))) for what, key in keys]
                s.written += rows
                given = [m for _, m in rows if m is not None]
                if not given or all(m.points == MISSING for m in given):
                    s.values[p.id] = MISSING if zero is None else zero
                elif any(m.points is None for m in given) or len(given) < len(rows):
                    s.values[p.id] = UNMARKED
                elif any(m.points == MISSING for m in given) and zero is None:
                    s.values[p.id] = MISSING
                else:
                    s.values[p.id] = _num(sum(m.points for m in given if isinstance(m.points, (int, float))))
        # A notebook the grader could not tie to an exercise (a broken file, a renamed chapter
        # notebook): named for the teacher, who can tell which; its student's exercise stays missing.
        for r in by_student[s.id]:
            if not r.get("exercise") and r["status"] != "graded" and not _chapter_notebook(r["notebook"], set(items)):
                s.notes.append(f"could not grade {r['notebook']}")
    ordered = [students[s.id] for s in roster] + [students[sid] for sid in strangers]
    return Gradebook(parts, ordered, strangers, [])


# ---------------------------------------------------------------- the files


def _shown(value) -> str:
    return "" if value is None else str(value)


def plain_csv(book: Gradebook) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [*ROSTER_COLUMNS, *(f"{p.title} ({_num(p.max)})" for p in book.parts), "total", "max", "percentage", "notes"]
    )
    top = _num(sum(p.max for p in book.parts))
    for s in book.students:
        pct = book.percentage(s)
        w.writerow(
            [
                scores.formula_safe(x)
                for x in [
                    s.id,
                    s.name,
                    s.email,
                    s.lms_id,
                    s.section,
                    *(_shown(s.values[p.id]) for p in book.parts),
                    str(book.total(s)),
                    str(top),
                    "" if pct is None else str(pct),
                    "; ".join(s.notes),
                ]
            ]
        )
    return buf.getvalue()


WEIGHTED = "Weighted grade (%)"


def _lms_value(value) -> str:
    """An LMS cell: a number, or empty for work with no points yet (the LMS leaves it ungraded,
    never a zero)."""
    return str(value) if isinstance(value, (int, float)) else ""


def canvas_csv(book: Gradebook) -> str:
    """Canvas's Gradebook import. Documented columns: Student (the name), ID (Canvas's user id),
    SIS User ID, SIS Login ID, Section, then one column per assignment; a column whose name
    Canvas does not know becomes a new assignment. Of Student, ID and SIS User ID one is needed
    to match a student; we fill Student and ID (the roster's lms_id) and leave the SIS columns
    empty rather than guess them. See Ohio State's guide to Canvas's grade import,
    https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
    and the columns of Canvas's own export, described in
    https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html
    Canvas's export puts a "Points Possible" row under the header; we write one so that new
    assignments are made with their points. Roster students only; missing work stays empty."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *(p.title for p in book.parts), WEIGHTED])
    w.writerow(["Points Possible", "", "", "", "", *(_num(p.max) for p in book.parts), 100])
    for s in book.students:
        if not s.on_roster:
            continue
        pct = book.percentage(s)
        cells = [s.shown_name, s.lms_id, "", "", s.section, *(_lms_value(s.values[p.id]) for p in book.parts)]
        w.writerow([scores.formula_safe(str(c)) for c in cells] + [_lms_value(pct)])
    return buf.getvalue()


def moodle_csv(book: Gradebook) -> str:
    """Moodle's grade import (Grades > Import > CSV file). Its documentation: the file's first
    row names the columns; on the preview page the teacher maps one identifying column to a
    user field ("Email address" to useremail, or "ID number" to useridnumber) and each other
    column to a grade item (https://docs.moodle.org/405/en/Grade_import). We give both
    identifiers (the roster's email and lms_id) and one column per part plus the weighted grade.
    Roster students only; an empty cell changes nothing in Moodle."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Email address", "ID number", "Full name", *(p.title for p in book.parts), WEIGHTED])
    for s in book.students:
        if not s.on_roster:
            continue
        pct = book.percentage(s)
        cells = [s.email, s.lms_id, s.shown_name, *(_lms_value(s.values[p.id]) for p in book.parts)]
        w.writerow([scores.formula_safe(str(c)) for c in cells] + [_lms_value(pct)])
    return buf.getvalue()


def gradebook(
    out: Path,
    *,
    roster: Path,
    weights: Path,
    results: Path | None = None,
    scores_file: Path | None = None,
    missing_as_zero: bool = False,
) -> Gradebook:
    """Read and check everything, then write the gradebook, the two LMS files and the feedback.
    A problem in a teacher's file raises TeacherFileError before anything is written."""
    data = rubrics.load()
    top, items = scores.maxima(data)
    students = read_roster(roster)
    reports, warnings = read_reports(results) if results else ([], [])
    marks = {}
    if scores_file:
        key_path = scores_file.parent / scores.KEY
        if not key_path.is_file():
            raise TeacherFileError(f"{key_path}: missing; it is written beside {scores_file.name} by course written.")
        marks = scores.read_scores(scores_file, scores.read_key(key_path), top)
    parts = read_weights(weights, make_parts(items, reports, data))
    book = merge(students, reports, marks, parts, items, data, missing_as_zero=missing_as_zero)
    book.warnings = warnings
    if book.not_on_roster:
        book.warnings.append(
            f"{len(book.not_on_roster)} student(s) handed in work but are not on the roster: "
            f"{', '.join(book.not_on_roster)} (in gradebook.csv, not in the LMS files)."
        )
    for what, col in (("lms_id", "Canvas matches them by name only"), ("email", "Moodle cannot match them by email")):
        lacking = [s.id for s in book.students if s.on_roster and not getattr(s, what)]
        if lacking:
            shown = ", ".join(lacking[:10]) + (", …" if len(lacking) > 10 else "")
            book.warnings.append(f"{len(lacking)} roster student(s) have no {what}, so {col}: {shown}.")
    unmarked = sum(1 for s in book.students for v in s.values.values() if v == UNMARKED)
    if unmarked:
        book.warnings.append(f"{unmarked} part(s) are not fully marked yet (scores.csv rows without points).")
    files = {
        out / "gradebook.csv": plain_csv(book),
        out / "canvas.csv": canvas_csv(book),
        out / "moodle.csv": moodle_csv(book),
        **feedback.files(book, out / "feedback"),
    }
    for path, text in files.items():
        write_atomic(path, text)
    return book
