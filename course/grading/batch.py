"""Grade a class: ``course grade-all SUBMISSIONS/ --out RESULTS/``.

SUBMISSIONS holds one entry per student: either a notebook (``alice.ipynb``) or a folder
(``alice/``) with one or more notebooks. Each notebook is graded by ``grade.grade`` (its own
sandboxed notebook run and test process); several run at once, one per core by default. Results:

    RESULTS/gradebook.csv                    one row per student and notebook
    RESULTS/reports/<name>-<hash>.json       the full report, and .md for the student

The class folder is as untrusted as the notebooks in it (an archive or a clone may hold
anything), so one bad entry gets its own "could not grade" row and never stops the others:

- Only regular files are read. The folder is walked without following links; a link, a named
  pipe, a socket or a device named ``*.ipynb``, and a linked folder, get a row saying so and
  are never opened (a link could lead to another student's notebook or to ``/dev/zero``, and a
  pipe blocks forever). A file hard-linked under two students' names is refused for both.
  Each notebook is read once, size-checked, by ``grade.read_submission``; those bytes are
  both hashed and graded.
- A name that is not UTF-8, or holds invisible characters, is shown escaped (``zo\\xffe.ipynb``).
  No name becomes a path: a report is named by a readable slug and a hash of the notebook's
  path inside SUBMISSIONS, so two notebooks never share a report.
- A gradebook cell a spreadsheet would take for a formula is written as text.

Re-running skips a notebook whose report was made from the same bytes, with the same tests
(public and hidden) and the same grader version, unless ``force``. Every file is written
atomically, so a batch stopped half-way leaves whole reports only (and the next run removes a
temporary file that a kill left behind).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import course
from course.content import exercises as exlib
from course.files import shown, write_atomic
from course.grading import grade as g


@dataclass(frozen=True)
class Job:
    student: str  # as shown
    path: Path  # the entry on disk: opened only through grade.read_submission
    rel: str  # its path inside SUBMISSIONS, as the file system spells it
    refused: str = ""  # why it is not read at all (a link, a pipe, a folder with no notebook)
    inode: tuple[int, int] | None = None  # a regular file with more than one name on disk

    @property
    def name(self) -> str:
        return shown(self.rel)

    @property
    def report_stem(self) -> str:
        """``ana_01_soviets-<12 hex>``: the slug is for people, the hash of the notebook's path
        keeps the name unique (kim/a/x.ipynb and kim/b/x.ipynb, names that slug alike)."""
        slug = re.sub(r"[^A-Za-z0-9_-]+", "_", self.name.removesuffix(".ipynb")).strip("_-")
        return f"{slug[:60] or 'notebook'}-{hashlib.sha256(os.fsencode(self.rel)).hexdigest()[:12]}"


def _listing(folder: Path) -> list[os.DirEntry]:
    """A folder's entries, sorted; hidden ones (``.git``, Jupyter's checkpoints) left out."""
    with os.scandir(folder) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def _is_folder(entry: os.DirEntry) -> bool:
    """A real folder, not a link to one (an entry that cannot be looked at is not: it gets
    its own row from ``_entry_job``)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


_KINDS = [
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
]


def _entry_job(entry: os.DirEntry, rel: str, student: str) -> Job | None:
    """The job for an entry named ``*.ipynb`` (refused unless it is a regular file) or for a
    link to a folder (refused: never followed); None for anything else, such as a data file."""
    try:
        st = entry.stat(follow_symlinks=False)  # lstat: nothing is followed or opened
    except OSError as exc:
        return Job(student, Path(entry.path), rel, f"{shown(rel)} could not be read ({exc.strerror}).")
    mode = st.st_mode
    if entry.name.endswith(".ipynb"):
        if stat.S_ISREG(mode):
            return Job(student, Path(entry.path), rel, inode=(st.st_dev, st.st_ino) if st.st_nlink > 1 else None)
        what = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
        why = " A link is never followed: it may lead to another student's work." if stat.S_ISLNK(mode) else ""
        return Job(
            student,
            Path(entry.path),
            rel,
            (
                f"{shown(rel)} is {what}, not a notebook file, so it was not opened: only notebook "
                f"files themselves are graded.{why} Submit the notebook file."
            ),
        )
    try:
        linked_folder = stat.S_ISLNK(mode) and entry.is_dir()  # stat only; the folder is not read
    except OSError:
        linked_folder = False
    if linked_folder:
        return Job(
            student,
            Path(entry.path),
            rel + "/",
            (
                f"{shown(rel)} is a symbolic link to a folder. Links are not followed (one may lead "
                "to another student's work), so nothing in it was graded: submit the folder itself."
            ),
        )
    return None


def _notebooks(folder: Path, rel: str, student: str) -> list[Job]:
    """The jobs inside a student's folder, walked without following links (and without
    recursion, so no depth of folders stops the walk)."""
    jobs, todo = [], [(folder, rel)]
    while todo:
        here, where = todo.pop()
        try:
            entries = _listing(here)
        except OSError as exc:
            jobs.append(
                Job(
                    student,
                    here,
                    where + "/",
                    f"The folder {shown(where)}/ could not be read ({exc.strerror}), so nothing in it was graded.",
                )
            )
            continue
        for entry in entries:
            inner = f"{where}/{entry.name}"
            if _is_folder(entry) and not entry.name.endswith(".ipynb"):
                todo.append((Path(entry.path), inner))
            elif job := _entry_job(entry, inner, student):
                jobs.append(job)
    return sorted(jobs, key=lambda j: j.rel)


def find_jobs(submissions: Path) -> list[Job]:
    """One job per notebook; a student is a top-level file or folder. Hidden files and
    Jupyter's checkpoints are skipped; a folder with no notebook still gets a row."""
    try:
        entries = _listing(submissions)
    except OSError as exc:
        raise g.CouldNotGrade(f"{submissions} cannot be read ({exc.strerror}).") from None
    jobs = []
    for entry in entries:
        if _is_folder(entry):
            student = shown(entry.name)
            jobs += _notebooks(Path(entry.path), entry.name, student) or [
                Job(student, Path(entry.path), entry.name + "/", f"The folder {student}/ holds no .ipynb notebook.")
            ]
        elif job := _entry_job(entry, entry.name, shown(entry.name.removesuffix(".ipynb"))):
            jobs.append(job)
    return _refuse_shared_files(jobs)


def _refuse_shared_files(jobs: list[Job]) -> list[Job]:
    """One file on disk under two students' names (a hard link: an archive can carry one, and
    unpacking it into the class folder links to a classmate's notebook) is no one's own work.
    Each of its names gets a row saying so, for the teacher to sort out."""
    names: dict[tuple[int, int], list[Job]] = {}
    for job in jobs:
        if job.inode:
            names.setdefault(job.inode, []).append(job)
    refused = []
    for job in jobs:
        same = names.get(job.inode, []) if job.inode else []
        if len({j.rel.split("/")[0] for j in same}) > 1:  # more than one student
            others = ", ".join(j.name for j in same if j is not job)
            job = replace(
                job,
                refused=(
                    f"{job.name} is the same file on disk as {others} (a hard link), so it cannot "
                    "be told to be this student's own work and was not graded. A teacher should "
                    "check the class folder and grade again."
                ),
            )
        refused.append(job)
    return refused


def tests_keys(hidden_tests: Path | None) -> dict[str | None, str]:
    """For each exercise, a hash of what its notebooks are graded with: the grader's version,
    the public tests and the hidden tests in use (or their absence). ``None``: a notebook of no
    known exercise, which only the grader's version can change."""
    version = f"course {course.__version__}".encode()
    keys: dict[str | None, str] = {None: hashlib.sha256(version).hexdigest()}
    for ex in exlib.all_exercises():
        key = hashlib.sha256(version + b"\0public\0" + ex.tests.read_bytes())
        hidden = hidden_tests / ex.id / "tests.py" if hidden_tests else None
        if hidden and hidden.is_file():
            key.update(b"\0hidden\0" + hidden.read_bytes())
        keys[ex.id] = key.hexdigest()
    return keys


def _report_paths(out: Path, job: Job) -> tuple[Path, Path]:
    folder = out / "reports"
    return folder / f"{job.report_stem}.json", folder / f"{job.report_stem}.md"


def _done(out: Path, job: Job, digest: str, keys: dict) -> dict | None:
    """The earlier report of this notebook, if it was made from these bytes with these tests."""
    try:
        report = json.loads(_report_paths(out, job)[0].read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(report, dict) or [report.get(k) for k in ("student", "notebook", "sha256")] != [
        job.student,
        job.name,
        digest,
    ]:
        return None
    return report if report.get("tests_key") == keys.get(report.get("exercise"), "") else None


def grade_one(
    job: Job,
    out: Path,
    limits: g.Limits,
    hidden_tests: Path | None,
    keys: dict,
    force: bool = False,
    unsafe: bool = False,
    exercise: str | None = None,
) -> tuple[dict, bool]:
    """The report for one job, and whether it was already graded."""
    digest = ""
    if job.refused:
        result = g.Result(notebook=job.name, status="could not grade", message=job.refused)
    else:
        try:
            source = g.read_submission(job.path)
        except g.CouldNotGrade as exc:
            result = g.Result(notebook=job.name, status="could not grade", message=str(exc))
        else:
            digest = hashlib.sha256(source).hexdigest()
            previous = None if force else _done(out, job, digest, keys)
            if previous:
                return previous, True
            # The shown name, not the file's: the grader's messages and report use it.
            result = g.grade(
                Path(job.name),
                source=source,
                limits=limits,
                hidden_tests=hidden_tests,
                unsafe=unsafe,
                fallback_exercise=exercise,
            )
    report = {
        "student": job.student,
        "sha256": digest,
        **result.as_dict(),
        "notebook": job.name,
        "tests_key": keys.get(result.exercise, ""),
    }
    json_path, md_path = _report_paths(out, job)
    write_atomic(json_path, json.dumps(report, ensure_ascii=False, indent=1))
    write_atomic(md_path, f"Student: **{job.student}**\n\n" + result.markdown())
    return report, False


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
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} graded, {self.bad} could not grade"
            )
            if self.done == self.total:
                self.stream.write("\n")
        else:
            what = (
                "already graded"
                if skipped
                else (
                    f"{report.get('score', 0)}/{report.get('max_score', 0)}"
                    if report.get("status") == "graded"
                    else "could not grade"
                )
            )
            self.stream.write(f"[{self.done}/{self.total}] {report['notebook']}: {what}\n")
        self.stream.flush()


def _cell(value):
    """A spreadsheet runs a cell that begins with = + - @ (or a tab or a carriage return) as a
    formula; a leading apostrophe makes it show that cell as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _order(reports: list[dict]) -> list[dict]:
    return sorted(reports, key=lambda r: (r["student"], r["notebook"]))


def gradebook(reports: list[dict]) -> str:
    """CSV text: student, exercise, one column per test (points scored), total, max, status,
    message. Columns are the union over all reports, in order of first appearance in the rows'
    order (student, notebook), so the same reports give the same bytes however they arrive."""
    reports = _order(reports)
    columns: list[str] = []
    for r in reports:
        for t in r.get("tests", []):
            name = ("hidden: " if t.get("hidden") else "") + t["question"]
            if name not in columns:
                columns.append(name)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_cell(c) for c in ["student", "notebook", "exercise", *columns, "total", "max", "status", "message"]])
    for r in reports:
        scored = {("hidden: " if t.get("hidden") else "") + t["question"]: t["score"] for t in r.get("tests", [])}
        w.writerow(
            [
                _cell(c)
                for c in [
                    r["student"],
                    r["notebook"],
                    r.get("exercise") or "",
                    *(scored.get(c, "") for c in columns),
                    r.get("score", 0),
                    r.get("max_score", 0),
                    r.get("status", ""),
                    " ".join(str(r.get("message", "")).split()),
                ]
            ]
        )
    return buf.getvalue()


# ---------------------------------------------------------------- shards

SHARD_FILE = "shard.json"


class ShardError(Exception):
    """Shards that cannot be merged (or a shard that cannot be named); the message says why."""


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (the K-th of N shares, counted from 1)."""
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise ShardError(f"--shard {text!r}: write K/N, the K-th share of N, with 1 <= K <= N (e.g. 2/4).")
    return int(k), int(n)


def _entry(job: Job) -> str:
    """The student entry a job belongs to: the top-level file or folder of the class folder."""
    return job.rel.split("/")[0]


def class_entries(jobs: list[Job]) -> list[str]:
    return sorted({_entry(j) for j in jobs})


def share(entries: list[str], k: int, n: int) -> list[str]:
    """The K-th share of N: the students at positions K-1, K-1+N, ... of the class sorted by
    name. Shares differ by one student at most (a hash of the name would be stable when the
    class grows, but uneven by the square root of a share: the slowest shard sets the wall
    time). All of a student's notebooks go to one shard."""
    return entries[k - 1 :: n]


def _class_digest(entries: list[str]) -> str:
    return hashlib.sha256("\0".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


def _write_shard(out: Path, shard: tuple[int, int], entries: list[str], jobs: list[Job], reports: list[dict]) -> None:
    """What the merge needs to check a shard and join it: which share of which class it
    graded, the reports (those of a grader failure too, which have no file) and their files."""
    k, n = shard
    record = {
        "shard": f"{k}/{n}",
        "grader": f"course {course.__version__}",
        "class": {"students": [shown(e) for e in entries], "sha256": _class_digest(entries)},
        "students": [shown(e) for e in share(entries, k, n)],
        "report_files": sorted(job.report_stem for job in jobs),
        "reports": _order(reports),
    }
    write_atomic(out / SHARD_FILE, json.dumps(record, ensure_ascii=False, indent=1))


def _read_shard(folder: Path) -> dict:
    path = folder / SHARD_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardError(
            f"{folder} has no {SHARD_FILE}: its grade-all --shard run did not finish (it failed or was "
            "stopped), or it is not a shard's results. Run that shard again."
        ) from None
    except (OSError, ValueError) as exc:
        raise ShardError(f"{path} cannot be read ({exc}).") from None
    kinds = {"shard": str, "grader": str, "class": dict, "students": list, "report_files": list, "reports": list}
    if (
        not isinstance(record, dict)
        or any(not isinstance(record.get(k), t) for k, t in kinds.items())
        or not all(isinstance(r, dict) and isinstance(r.get("student"), str) for r in record["reports"])
        or not all(
            isinstance(r.get("notebook"), str) and isinstance(r.get("tests", []), list) for r in record["reports"]
        )
        or not all(isinstance(f, str) for f in record["report_files"])
    ):
        raise ShardError(f"{path} is not a shard record written by grade-all --shard.")
    record["k"], record["n"] = parse_shard(record["shard"])
    return record


def merge(shards: list[Path], out: Path) -> list[dict]:
    """Join the results of ``grade-all --shard K/N`` runs into one gradebook and reports folder,
    the same as one run over the whole class. Every shard must be there, each once, all of the
    same class and N; otherwise ShardError lists what is wrong and nothing is written."""
    records, problems = [], []
    for folder in shards:
        try:
            records.append((folder, _read_shard(folder)))
        except ShardError as exc:
            problems.append(str(exc))
    if records:
        _, first = records[0]
        n, digest = first["n"], first["class"].get("sha256")
        seen: dict[int, Path] = {}
        for folder, r in records:
            if r["n"] != n:
                problems.append(f"{folder} is shard {r['shard']}, but {records[0][0]} is one of {n} shards.")
            elif r["class"].get("sha256") != digest:
                problems.append(
                    f"{folder} graded another class than {records[0][0]} (the class folder changed between "
                    "shards): grade every shard from the same class folder."
                )
            elif r["k"] in seen:
                problems.append(f"{folder} and {seen[r['k']]} are both shard {r['shard']}.")
            elif r["grader"] != first["grader"]:
                problems.append(f"{folder} was graded by {r['grader']}, {records[0][0]} by {first['grader']}.")
            else:
                seen[r["k"]] = folder
                expected = share(first["class"].get("students", []), r["k"], n)
                if r["students"] != expected:
                    problems.append(f"{folder}: shard {r['shard']} graded other students than its share.")
        missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
        if missing:
            problems.append(
                f"Shard(s) {', '.join(missing)} missing: their results were not given, or their run failed. "
                "Run them again and merge all of them."
            )
    elif not problems:
        problems.append("No shard results given.")
    if problems:
        raise ShardError("The shards cannot be merged:\n  " + "\n  ".join(problems))
    reports = [rep for _, r in records for rep in r["reports"]]
    for folder, r in records:
        for stem in r["report_files"]:
            for suffix in (".json", ".md"):
                source = folder / "reports" / f"{stem}{suffix}"
                if re.fullmatch(r"[A-Za-z0-9_-]+", stem) and source.is_file() and not source.is_symlink():
                    write_atomic(out / "reports" / source.name, source.read_bytes())
    write_atomic(out / "gradebook.csv", gradebook(reports))
    return reports


def grade_all(
    submissions: Path,
    out: Path,
    *,
    workers: int | None = None,
    force: bool = False,
    limits: g.Limits | None = None,
    hidden_tests: Path | None = None,
    unsafe: bool = False,
    shard: tuple[int, int] | None = None,
    exercise: str | None = None,
    stream=sys.stderr,
) -> list[dict]:
    """Grade the class (or, with ``shard=(K, N)``, its K-th share of N; see ``share``).
    ``exercise``: for notebooks whose metadata names none (see ``grade.grade``)."""
    limits = limits or g.Limits()
    if not submissions.is_dir():
        raise g.CouldNotGrade(f"{submissions} is not a folder of submissions.")
    g.check_sandbox(unsafe)  # once for the class, not a row per notebook
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob(".*.tmp"), *out.glob("reports/.*.tmp")]:  # from a run killed mid-write
        stale.unlink(missing_ok=True)
    (out / SHARD_FILE).unlink(missing_ok=True)  # written again only when this run ends
    jobs = find_jobs(submissions)
    entries = class_entries(jobs)
    if shard:
        mine = set(share(entries, *shard))
        jobs = [j for j in jobs if _entry(j) in mine]
    keys = tests_keys(hidden_tests)
    if exercise:  # a notebook no exercise was found for is graded again when one is given
        keys[None] = hashlib.sha256(f"{keys[None]}\0exercise\0{exercise}".encode()).hexdigest()
    progress = Progress(len(jobs), stream)
    reports = []
    pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1)
    try:
        futures = {
            pool.submit(grade_one, job, out, limits, hidden_tests, keys, force, unsafe, exercise): job for job in jobs
        }
        for future in as_completed(futures):
            job, skipped = futures[future], False
            try:
                report, skipped = future.result()
            except Exception as exc:  # a grader bug on one notebook must not stop the class
                report = {
                    "student": job.student,
                    "notebook": job.name,
                    "status": "could not grade",
                    "score": 0,
                    "max_score": 0,
                    "message": f"The grader failed on this notebook ({type(exc).__name__}: "
                    f"{exc}); grade it alone with course grade to see more.",
                }
            reports.append(report)
            progress.step(report, skipped)
    finally:  # stopped (Ctrl-C): the notebooks not yet started are not started
        pool.shutdown(wait=True, cancel_futures=True)
    write_atomic(out / "gradebook.csv", gradebook(reports))
    if shard:
        _write_shard(out, shard, entries, jobs, reports)
    return reports
