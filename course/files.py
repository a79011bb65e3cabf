"""Writing files so that a reader never sees half of one: the one helper every part uses."""

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
