"""Grade a class: ``course grade-all SUBMISSIONS/ --out RESULTS/``.

SUBMISSIONS holds one entry per student: either a notebook (``alice.ipynb``) or a folder
(``alice/``) with one or more notebooks. Each notebook is graded by ``grade.grade`` (its own
sandboxed notebook run and test process); several run at once, one per core by default. Results:

    RESULTS/gradebook.csv                 one row per student and exercise
    RESULTS/reports/<student>/<nb>.json   the full report, and .md for the student

Re-running skips notebooks whose report exists and was made from the same file (its SHA-256
is in the report) unless ``force``; every file is written atomically, so a batch stopped
half-way leaves whole reports only, and one broken submission never stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import grade as g


@dataclass(frozen=True)
class Job:
    student: str
    notebook: Path
    name: str  # the notebook's path inside SUBMISSIONS, as the gradebook shows it

    @property
    def key(self) -> str:
        return f"{self.student}/{self.notebook.stem}"


def find_jobs(submissions: Path) -> list[Job]:
    """One job per notebook; a student is a top-level file or folder. Hidden files and
    Jupyter's checkpoints are skipped."""
    jobs = []
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found = [p for p in sorted(entry.rglob("*.ipynb"))
                     if not any(part.startswith(".") for part in p.relative_to(entry).parts)]
            jobs += [Job(entry.name, p, str(p.relative_to(submissions))) for p in found]
            if not found:  # a student folder with no notebook still gets a row
                jobs.append(Job(entry.name, entry / "no-notebook.ipynb", f"{entry.name}/"))
        elif entry.suffix == ".ipynb":
            jobs.append(Job(entry.stem, entry, entry.name))
    return jobs


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _report_paths(out: Path, job: Job) -> tuple[Path, Path]:
    folder = out / "reports" / job.student
    return folder / f"{job.notebook.stem}.json", folder / f"{job.notebook.stem}.md"


def _done(out: Path, job: Job, digest: str) -> dict | None:
    path = _report_paths(out, job)[0]
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if report.get("sha256") == digest and digest else None


def grade_one(job: Job, out: Path, limits: g.Limits, hidden_tests: Path | None,
              hide: tuple[Path, ...]) -> dict:
    digest = _sha256(job.notebook)
    if job.name.endswith("/"):
        result = g.Result(notebook=job.name, status="could not grade",
                          message=f"The folder {job.name} holds no .ipynb notebook.")
    else:
        result = g.grade(job.notebook, limits=limits, hidden_tests=hidden_tests, hide=hide)
    report = {"student": job.student, "sha256": digest, **result.as_dict(), "notebook": job.name}
    json_path, md_path = _report_paths(out, job)
    g._write_atomic(json_path, json.dumps(report, ensure_ascii=False, indent=1))
    g._write_atomic(md_path, f"Student: **{job.student}**\n\n" + result.markdown())
    return report


class Progress:
    """``[####......] 12/40 graded, 1 could not grade`` on a terminal, a line per notebook
    otherwise (CI logs)."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream, self.done, self.bad = total, stream, 0, 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.monotonic()

    def step(self, report: dict, skipped: bool = False) -> None:
        self.done += 1
        self.bad += report.get("status") != "graded"
        if self.tty:
            filled = int(30 * self.done / max(self.total, 1))
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} "
                              f"graded, {self.bad} could not grade")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            what = "already graded" if skipped else (
                f"{report.get('score', 0)}/{report.get('max_score', 0)}"
                if report.get("status") == "graded" else "could not grade")
            self.stream.write(f"[{self.done}/{self.total}] {report['student']}: "
                              f"{Path(report['notebook']).name}: {what}\n")
        self.stream.flush()


def gradebook(reports: list[dict]) -> str:
    """CSV text: student, exercise, one column per test (points scored), total, max, status,
    message. Columns are the union over all reports, in order of first appearance."""
    columns: list[str] = []
    for r in reports:
        for t in r.get("tests", []):
            name = ("hidden: " if t.get("hidden") else "") + t["question"]
            if name not in columns:
                columns.append(name)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "notebook", "exercise", *columns, "total", "max", "status", "message"])
    for r in sorted(reports, key=lambda r: (r["student"], r["notebook"])):
        scored = {("hidden: " if t.get("hidden") else "") + t["question"]: t["score"]
                  for t in r.get("tests", [])}
        w.writerow([r["student"], r["notebook"], r.get("exercise") or "",
                    *(scored.get(c, "") for c in columns), r.get("score", 0),
                    r.get("max_score", 0), r.get("status", ""),
                    " ".join(str(r.get("message", "")).split())])
    return buf.getvalue()


def grade_all(submissions: Path, out: Path, *, workers: int | None = None, force: bool = False,
              limits: g.Limits = g.Limits(), hidden_tests: Path | None = None,
              stream=sys.stderr) -> list[dict]:
    if not submissions.is_dir():
        raise g.CouldNotGrade(f"{submissions} is not a folder of submissions.")
    out.mkdir(parents=True, exist_ok=True)
    jobs = find_jobs(submissions)
    # Student code never sees the other submissions, the results or the hidden tests.
    hide = tuple(p.resolve() for p in (submissions, out))
    progress = Progress(len(jobs), stream)
    reports, todo = [], []
    for job in jobs:
        previous = None if force else _done(out, job, _sha256(job.notebook))
        if previous:
            reports.append(previous)
            progress.step(previous, skipped=True)
        else:
            todo.append(job)
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {pool.submit(grade_one, job, out, limits, hidden_tests, hide): job
                   for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                report = future.result()
            except Exception as exc:  # a grader bug on one notebook must not stop the class
                report = {"student": job.student, "notebook": job.name,
                          "status": "could not grade", "score": 0, "max_score": 0,
                          "message": f"The grader failed on this notebook ({type(exc).__name__}: "
                                     f"{exc}); grade it alone with course grade to see more."}
            reports.append(report)
            progress.step(report)
    g._write_atomic(out / "gradebook.csv", gradebook(reports))
    return reports
