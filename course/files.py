"""Writing files so that a reader never sees half of one, and showing a file's name safely: the
helpers every part uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write the whole file or nothing, and leave no temporary file behind either way. Text that
    is not valid UTF-8 (a lone surrogate from a student's answer) is written escaped, never lost."""
    if isinstance(data, str):
        data = data.encode("utf-8", "backslashreplace")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def shown(name: str) -> str:
    """A file name as text anyone can read and any file can hold: bytes that are not UTF-8 as
    ``\\xff``, control and invisible characters (a newline, a right-to-left override) escaped.
    A student's id is the name of their folder, shown this way by every teacher's tool."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
