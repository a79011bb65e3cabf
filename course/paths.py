"""Where the course's files live: resolved here once, used everywhere else."""

from __future__ import annotations

import os
from pathlib import Path

# The package sits at the top of the course repository (installed editable).
# COURSE_ROOT lets tests and tools point at a copy of the repository.
ROOT = Path(os.environ.get("COURSE_ROOT") or Path(__file__).resolve().parent.parent)

SEEDS = ROOT / "seeds"
DATA = ROOT / "data"
QUIZZES = ROOT / "quizzes"
EXERCISES = ROOT / "exercises"
INSTRUCTOR = ROOT / "instructor"
CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
