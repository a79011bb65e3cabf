"""A class folder (``SUBMISSIONS/``, as ``course grade-all`` reads it), walked safely for the
chapter notebooks' written answers.

One entry per student: a folder (``ana/``, with any notebooks inside, in any sub-folder) or a
notebook at the top (``ana.ipynb``). The student's id is the entry's name, shown escaped
(``files.shown``), as the grader's reports name it. The folder is walked without following links;
only regular files are opened, each read once with a size limit; a file with two names under two
students (a hard link) is no one's own work and is refused. A notebook is JSON, parsed as data.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from course.files import shown

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # as the grader's limit: far above any honest notebook


@dataclass
class Notebook:
    student: str  # the id, shown
    name: str  # its path inside SUBMISSIONS, shown (for the teacher's messages only)
    data: dict | None = None  # the parsed notebook
    problem: str = ""  # why it could not be read


@dataclass
class ClassFolder:
    students: list[str] = field(default_factory=list)
    notebooks: list[Notebook] = field(default_factory=list)


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)


def _read(path: Path) -> tuple[dict | None, str]:
    """The notebook's JSON, or why not. Opened without following a link (O_NOFOLLOW) and
    without blocking on a pipe swapped in after the walk (O_NONBLOCK), size-checked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return None, f"could not be opened ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None, "is not a regular file"
        if st.st_size > MAX_NOTEBOOK_BYTES:
            return None, f"is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        raw = fh.read(MAX_NOTEBOOK_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        return None, f"is not a notebook: not valid JSON{where}"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "is not a notebook: it has no list of cells"
    return data, ""


def walk(submissions: Path) -> ClassFolder:
    """Every student and every notebook of theirs, read; links, pipes and the like refused."""
    out = ClassFolder()
    seen: dict[tuple[int, int], list[Notebook]] = {}
    for entry in _entries(submissions):
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            student = shown(entry.name)
            out.students.append(student)
            todo = [(Path(entry.path), entry.name)]
            while todo:  # no recursion, no link followed
                here, rel = todo.pop()
                try:
                    inside = _entries(here)
                except OSError as exc:
                    why = f"could not be read ({exc.strerror})"
                    out.notebooks.append(Notebook(student, shown(rel) + "/", problem=why))
                    continue
                for e in inside:
                    if e.is_dir(follow_symlinks=False):
                        todo.append((Path(e.path), f"{rel}/{e.name}"))
                    elif e.name.endswith(".ipynb"):
                        out.notebooks.append(_notebook(e, student, f"{rel}/{e.name}", seen))
        elif entry.name.endswith(".ipynb"):
            student = shown(entry.name.removesuffix(".ipynb"))
            out.students.append(student)
            out.notebooks.append(_notebook(entry, student, entry.name, seen))
    for same in seen.values():
        if len({nb.student for nb in same}) > 1:
            for nb in same:
                others = ", ".join(o.name for o in same if o is not nb)
                nb.data = None
                nb.problem = f"is the same file on disk as {others} (a hard link), so it is no one's own work"
    return out


def _notebook(entry: os.DirEntry, student: str, rel: str, seen: dict) -> Notebook:
    nb = Notebook(student, shown(rel))
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        nb.problem = f"could not be read ({exc.strerror})"
        return nb
    if not stat.S_ISREG(st.st_mode):
        nb.problem = "is a link or not a regular file, so it was not opened (a link may lead to another student's work)"
        return nb
    nb.data, nb.problem = _read(Path(entry.path))
    if st.st_nlink > 1:
        seen.setdefault((st.st_dev, st.st_ino), []).append(nb)
    return nb
