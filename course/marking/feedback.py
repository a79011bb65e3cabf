"""Per-student feedback: ``feedback/<name>.html`` (a page to send or print) and ``.md`` (for a
repository issue or an LMS comment), and ``feedback/index.csv`` saying whose file is whose.

A student's file holds their own points per part, the teacher's comment on each marked answer
and essay criterion, and the autograder's result per exercise question with its hint: nothing
of the instructor edition (no model answer, no "look for" point, no level descriptor, no
solution). A file is named by a slug of the student's id and a hash of it, never by the id
itself, so no id can make a path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from course.marking import scores
from course.marking.pages import env

_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


def file_stem(student_id: str) -> str:
    slug = _SLUG.sub("_", student_id).strip("_-")[:40] or "student"
    return f"{slug}-{hashlib.sha256(student_id.encode('utf-8', 'backslashreplace')).hexdigest()[:10]}"


def md_cell(text) -> str:
    """Text for a Markdown table cell: one line, no table or HTML syntax of its own."""
    text = " ".join(str(text).split())
    for ch in ("\\", "|", "<", ">", "`", "*", "_", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def rows(book, s) -> dict:
    """What a student's files show, as plain data for both templates."""
    parts = [
        {"title": p.title, "value": scores.shown_points(s.values[p.id]), "max": p.max, "weight": p.weight}
        for p in book.parts
    ]
    marked = []
    for what, mark in s.written:
        key = getattr(what, "key", None) or f"essay/{what.id}"
        marked.append(
            {
                "question": key,
                "title": what.title,
                "points": "" if mark is None else scores.shown_points(mark.points),
                "max": what.scale.max if hasattr(what, "scale") else what.max,
                "comment": mark.comment if mark else "",
            }
        )
    exercises = []
    for r in s.reports:
        exercises.append(
            {
                "notebook": r.get("notebook", ""),
                "exercise": r.get("exercise") or "",
                "status": r.get("status", ""),
                "message": " ".join(str(r.get("message", "")).split()),
                "tests": [
                    {
                        "question": str(t.get("question", "")) + (" (hidden test)" if t.get("hidden") else ""),
                        "passed": bool(t.get("passed")),
                        "score": t.get("score", 0),
                        "points": t.get("points", 0),
                        "hint": " ".join(str(t.get("message", "")).split()),
                    }
                    for t in r.get("tests", [])
                    if isinstance(t, dict)
                ],
            }
        )
    return {
        "name": s.shown_name,
        "parts": parts,
        "marked": [m for m in marked if m["points"] != "" or m["comment"]],
        "exercises": exercises,
        "percentage": book.percentage(s),
        "notes": s.notes,
    }


def files(book, folder: Path) -> dict[Path, str]:
    e = env()
    e.filters["md"] = md_cell
    html, md = e.get_template("feedback.html.jinja"), e.get_template("feedback.md.jinja")
    out: dict[Path, str] = {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "email", "html", "markdown"])
    for s in book.students:
        stem, data = file_stem(s.id), rows(book, s)
        out[folder / f"{stem}.html"] = html.render(**data)
        out[folder / f"{stem}.md"] = md.render(**data)
        w.writerow([scores.formula_safe(x) for x in (s.id, s.name, s.email, f"{stem}.html", f"{stem}.md")])
    out[folder / "index.csv"] = buf.getvalue()
    return out
