"""The teacher's files: the scores file, the key to the pseudonyms, and reading any CSV of theirs
with errors that name the file and the line.

``scores.csv`` has one row per student and marked question: ``student`` (the label the review
pages show: a pseudonym such as ``S017``, or the student's id with ``--names``), ``question``
(``01_soviets/Q1``, ``01_soviets/exit-ticket``, ``essay/thesis``), ``points`` (empty until
marked; a number from 0 to the scale's maximum, or ``missing``), ``max`` (the scale's maximum,
for the teacher's eye; the rubric decides) and ``comment`` (shown to the student).
``students.csv`` is the key: ``label,student`` (the student's id, the name of their folder).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from course.content import chapters, rubrics, seeds

SCORES = "scores.csv"
KEY = "students.csv"
SCORE_COLUMNS = ["student", "question", "points", "max", "comment"]
KEY_COLUMNS = ["label", "student"]
MISSING = "missing"  # what a teacher writes for work not handed in


class TeacherFileError(ValueError):
    """A teacher's file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Score:
    student: str  # the student's id
    question: str  # 01_soviets/Q1, essay/thesis
    points: float | None | str  # None: not marked yet; MISSING; or a number
    comment: str
    line: int


def formula_safe(value: str) -> str:
    """A spreadsheet runs a cell that begins with = + - @ (or a tab or a carriage return) as a
    formula; a leading apostrophe makes it show the cell as text (and ``plain`` takes it off)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def plain(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def read_rows(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """``(line, row)`` for every row of a CSV file with at least the ``required`` columns."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TeacherFileError(f"{path}: there is no such file.") from None
    except UnicodeDecodeError:
        raise TeacherFileError(f"{path}: not UTF-8 text; save it from the spreadsheet as CSV UTF-8.") from None
    except OSError as exc:
        raise TeacherFileError(f"{path}: could not be read ({exc.strerror}).") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise TeacherFileError(
            f"{path}, line 1: the header must name the column(s) {', '.join(missing)} "
            f"(it has: {', '.join(header) or 'none'})."
        )
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise TeacherFileError(f"{path}, line 1: the column {dup[0]!r} appears twice in the header.")
    reader.fieldnames = header
    found: list[tuple[int, dict]] = []
    try:
        for row in reader:
            if None in row:
                raise TeacherFileError(f"{path}, line {reader.line_num}: more cells than the header has columns.")
            clean = {k: (v or "").strip() for k, v in row.items()}
            if any(clean.values()):
                found.append((reader.line_num, clean))
    except csv.Error as exc:
        raise TeacherFileError(f"{path}, line {reader.line_num}: not valid CSV ({exc}).") from None
    return found


def read_key(path: Path) -> dict[str, str]:
    """``{label: student id}``; a label or a student twice is an error."""
    key: dict[str, str] = {}
    ids: dict[str, int] = {}
    for line, row in read_rows(path, KEY_COLUMNS):
        label, student = plain(row["label"]), plain(row["student"])
        if not label or not student:
            raise TeacherFileError(f"{path}, line {line}: both label and student are needed.")
        if label in key:
            raise TeacherFileError(f"{path}, line {line}: the label {label!r} is given twice.")
        if student in ids:
            raise TeacherFileError(f"{path}, line {line}: {student!r} already has a label (line {ids[student]}).")
        key[label], ids[student] = student, line
    return key


def key_text(key: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(KEY_COLUMNS)
    for label, student in sorted(key.items()):
        w.writerow([formula_safe(label), formula_safe(student)])
    return buf.getvalue()


def maxima(data: dict | None = None) -> tuple[dict[str, int], dict[str, list[rubrics.Item]]]:
    """Every question a scores file may name, with its maximum; and each finished chapter's
    marked items (a draft chapter has none yet)."""
    data = data or rubrics.load()
    items = {ch: rubrics.items(ch, data) for ch, _ in seeds.chapters() if not chapters.draft(ch)}
    top = {it.key: it.scale.max for its in items.values() for it in its}
    top.update({f"{rubrics.ESSAY}/{c.id}": c.max for c in rubrics.criteria(data)})
    return top, {ch: its for ch, its in items.items() if its}


def parse_points(text: str, top: int, where: str) -> float | None | str:
    if text == "":
        return None
    if text.lower() == MISSING:
        return MISSING
    try:
        value = float(text)
    except ValueError:
        raise TeacherFileError(
            f"{where}: points {text!r} is not a number (write a number from 0 to {top}, "
            f"'{MISSING}', or leave it empty)."
        ) from None
    if not math.isfinite(value) or value < 0 or value > top:
        raise TeacherFileError(f"{where}: {text} points is outside the scale, 0 to {top}.")
    return int(value) if value.is_integer() else value


def read_scores(path: Path, key: dict[str, str], top: dict[str, int]) -> dict[tuple[str, str], Score]:
    """``{(student id, question): Score}``, every row checked: a known label, a known question,
    points on the scale, no row twice."""
    out: dict[tuple[str, str], Score] = {}
    for line, row in read_rows(path, SCORE_COLUMNS):
        where = f"{path}, line {line}"
        label, question = plain(row["student"]), row["question"]
        if label not in key:
            raise TeacherFileError(f"{where}: no student is labelled {label!r} in {path.parent / KEY}.")
        if question not in top:
            raise TeacherFileError(
                f"{where}: there is no question {question!r} in the rubric (questions look like "
                f"01_soviets/Q1, 01_soviets/exit-ticket, {rubrics.ESSAY}/thesis)."
            )
        points = parse_points(row["points"], top[question], where)
        student = key[label]
        if (student, question) in out:
            first = out[student, question].line
            raise TeacherFileError(f"{where}: {label} {question} is scored twice (also line {first}).")
        out[student, question] = Score(student, question, points, plain(row["comment"]), line)
    return out


def shown_points(points) -> str:
    return "" if points is None else str(points)


def scores_text(rows: list[Score], labels: dict[str, str], top: dict[str, int]) -> str:
    """The scores file: rows in the given order, each student by their label."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SCORE_COLUMNS)
    for s in rows:
        w.writerow(
            [
                formula_safe(labels[s.student]),
                s.question,
                shown_points(s.points),
                top[s.question],
                formula_safe(s.comment),
            ]
        )
    return buf.getvalue()
