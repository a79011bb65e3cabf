"""``course release``: write the student version of every exercise, with its public tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from . import exercises as exlib


def release(to: Path) -> list[Path]:
    written = []
    for ex in exlib.all_exercises():
        folder = to / ex.id
        folder.mkdir(parents=True, exist_ok=True)
        nb = ex.student_notebook()
        text = nbformat.writes(nb)
        leaked = [line for line in ex.solution_lines() if line in text]
        if leaked:  # a stub rule that misses a solution line must never ship it
            raise RuntimeError(f"{ex.id}: solution text left in the student notebook: {leaked[0]!r}")
        target = folder / f"{ex.id}.ipynb"
        target.write_text(text, encoding="utf-8")
        shutil.copy(ex.tests, folder / "tests.py")
        written += [target, folder / "tests.py"]
    return written
