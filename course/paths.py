"""Where the course's files live: resolved here once, by one rule, used everywhere else.

The datasets (``data/``), quiz banks (``quizzes/``), seed texts (``seeds/``) and public exercise
tests (``exercises/*/tests.py``) are package data of ``course``, found with importlib.resources:

1. ``COURSE_ROOT``, if set: a copy of the repository (tests and tools use it);
2. ``course/_content/`` inside the installed package: a wheel (Colab, a downloaded notebook,
   ``pip install``) carries its own copy there (see ``hatch_build.py``);
3. otherwise the package sits at the top of the course repository (an editable install or a
   clone on ``sys.path``), and the repository's folders are the content.

Notebooks never build a path: they call ``course.data`` and friends, which start from here.
``INSTRUCTOR``, ``CHAPTERS`` and ``BUILD`` exist only in a repository (book and teacher tools).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def content_root() -> Path:
    """The folder that holds ``data/``, ``quizzes/``, ``seeds/`` and ``exercises/``."""
    if os.environ.get("COURSE_ROOT"):
        # Absolute from here on: the grader's sandbox works from another folder.
        return Path(os.environ["COURSE_ROOT"]).resolve()
    package = resources.files("course")
    if not isinstance(package, Path):  # a zip import: unpacked wheels only
        raise RuntimeError(f"the course package must be installed as files, not from {package}")
    bundled = package / "_content"
    return bundled if bundled.is_dir() else package.resolve().parent


ROOT = content_root()

SEEDS = ROOT / "seeds"
DATA = ROOT / "data"
QUIZZES = ROOT / "quizzes"
EXERCISES = ROOT / "exercises"
INSTRUCTOR = ROOT / "instructor"
CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
