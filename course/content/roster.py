"""A class roster: one CSV a teacher keeps, read by ``course collect`` (and by any command that
joins grades to students).

    id,name,email,lms_id,section,repository
    ana,Ana Lima,ana@example.edu,1001,A,https://github.com/school/ex-ana.git

``id`` is required: the student's folder name in the class folder, so it must be a safe folder
name (letters, digits, ``.``, ``_``, ``-``; not ``.`` or ``..``; never a path). The other
columns are optional; a command that needs one (``collect`` needs ``repository``) says so.
Columns the reader does not know are kept in ``extra``. A bad file stops with an error naming
the file and the line, and nothing is read from it.

A pseudonym (``pseudonym(id, key)``) stands for a student in every file that may leave the
teacher's machine: a keyed hash, the same for the same id and key, which no one without the key
can link back to the student. The key is a local file (``load_key``), made on first use.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("id", "name", "email", "lms_id", "section", "repository")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class RosterError(Exception):
    """The roster cannot be used; the message names the file and line and says what to fix."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    email: str = ""
    lms_id: str = ""
    section: str = ""
    repository: str = ""
    line: int = 0  # where it is in the roster, for messages
    extra: dict = field(default_factory=dict, compare=False)


def check_id(value: str) -> str | None:
    """Why ``value`` cannot be a student id (a folder name in the class folder), or None."""
    if not value:
        return "the id is empty"
    if not _SAFE_ID.fullmatch(value) or value.endswith(".ipynb"):
        return (
            f"the id {value!r} is not a safe folder name: use 1 to 64 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit (no '/', spaces or '..'), not ending in .ipynb"
        )
    return None


def read(path: Path, require: tuple[str, ...] = ()) -> list[Student]:
    """The students of the roster at ``path``, in its order. ``require``: columns that must be
    there and filled in on every line (``("repository",)`` for ``collect``)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")  # a spreadsheet's BOM is fine
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError as exc:
        line = text_line(exc.object, exc.start)
        raise RosterError(f"{path}, line {line}: not UTF-8 text. Save the roster as CSV UTF-8.") from None
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RosterError(
            f"{path}: the roster is empty; its first line must name the columns ({', '.join(COLUMNS)})."
        ) from None
    except csv.Error as exc:
        raise RosterError(f"{path}, line 1: {exc}.") from None
    missing = [c for c in ("id", *require) if c not in header]
    if missing:
        raise RosterError(
            f"{path}, line 1: no column {', '.join(repr(c) for c in missing)}. The first line names the "
            f"columns: id, then any of {', '.join(COLUMNS[1:])}."
        )
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise RosterError(f"{path}, line 1: the column {doubled[0]!r} is named twice.")
    students, seen = [], {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) > len(header):
                raise RosterError(
                    f"{path}, line {line}: {len(row)} cells, but the first line names {len(header)} columns."
                )
            cells = dict(zip(header, (c.strip() for c in row)))
            sid = cells.get("id", "")
            why = check_id(sid)
            if why:
                raise RosterError(f"{path}, line {line}: {why}.")
            if sid in seen:
                raise RosterError(
                    f"{path}, line {line}: the id {sid!r} is already on line {seen[sid]}; each student once."
                )
            for column in require:
                if not cells.get(column):
                    raise RosterError(f"{path}, line {line}: {sid} has no {column}.")
            seen[sid] = line
            known = {c: cells.get(c, "") for c in COLUMNS}
            students.append(
                Student(**known, line=line, extra={k: v for k, v in cells.items() if k not in COLUMNS and k})
            )
    except csv.Error as exc:
        raise RosterError(f"{path}, line {reader.line_num}: {exc}.") from None
    if not students:
        raise RosterError(f"{path}: the roster names no student.")
    return students


def text_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


# ---------------------------------------------------------------- pseudonyms


def default_key_file() -> Path:
    """``$XDG_CONFIG_HOME/course/pseudonym.key`` (``~/.config/...``): the teacher's own machine,
    outside any repository, so it is never committed with a class folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "course" / "pseudonym.key"


def load_key(path: Path | None = None) -> bytes:
    """The pseudonym key in ``path`` (default ``default_key_file()``); a new random key is made
    there, readable by its owner only, if there is none yet."""
    path = Path(path or default_key_file())
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key + b"\n")
        return key
    except OSError as exc:
        raise RosterError(f"{path}: the pseudonym key cannot be read ({exc.strerror}).") from None
    if len(key) < 32:
        raise RosterError(
            f"{path}: this pseudonym key is too short (fewer than 32 characters); delete it to make a new one."
        )
    return key


def pseudonym(student_id: str, key: bytes) -> str:
    """``s-`` and 12 letters and digits: a keyed hash (HMAC-SHA-256) of the id. The same id and
    key give the same pseudonym every run; without the key it cannot be linked to the id."""
    digest = hmac.new(key, student_id.encode("utf-8"), hashlib.sha256).digest()
    return "s-" + base64.b32encode(digest).decode("ascii")[:12].lower()
