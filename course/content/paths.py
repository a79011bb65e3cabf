"""Where the course's files live: found by one rule, here, and used everywhere else.

The datasets (``data/``), quiz banks (``quizzes/``), seed texts (``seeds/``) and public exercise
tests (``exercises/*/tests.py``) are package data of ``course``, found with importlib.resources:

1. ``COURSE_ROOT``, if set: a copy of the repository (tests and tools use it);
2. ``course/_content/`` inside the installed package: a wheel (Colab, a downloaded notebook,
   ``pip install``) carries its own copy there (see ``hatch_build.py``);
3. otherwise the package sits at the top of the course repository (an editable install or a
   clone on ``sys.path``), and the repository's folders are the content.

Notebooks never build a path: they call ``course.content.data`` and friends, which start from here.
``INSTRUCTOR``, ``CHAPTERS`` and ``BUILD`` exist only in a repository (book and teacher tools).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path


def content_root() -> Path:
    """The folder that holds ``data/``, ``quizzes/``, ``seeds/`` and ``exercises/``, found again
    at every call (cheaply): a tool or a test that sets ``COURSE_ROOT`` moves every path at once,
    and no path is fixed when the module is imported."""
    return _resolve(os.environ.get("COURSE_ROOT", ""))


@lru_cache(maxsize=8)
def _resolve(course_root: str) -> Path:
    if course_root:
        # Absolute from here on: the grader's sandbox works from another folder.
        return Path(course_root).resolve()
    package = resources.files("course")
    if not isinstance(package, Path):  # a zip import: unpacked wheels only
        raise RuntimeError(f"the course package must be installed as files, not from {package}")
    bundled = package / "_content"
    return bundled if bundled.is_dir() else package.resolve().parent


# ``paths.SEEDS`` and the others: each a folder under the content root, looked up when read.
FOLDERS = {
    "ROOT": "",
    "SEEDS": "seeds",
    "DATA": "data",
    "QUIZZES": "quizzes",
    "EXERCISES": "exercises",
    "INSTRUCTOR": "instructor",
    "CHAPTERS": "chapters",
    "BUILD": "_build",
}


def __getattr__(name: str) -> Path:
    if name in FOLDERS:
        root = content_root()
        return root / FOLDERS[name] if FOLDERS[name] else root
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def using(root: Path):
    """Every path under ``root`` for the duration (``COURSE_ROOT``, so subprocesses follow), and
    the content read so far forgotten on the way in and out. For tools that work on a copy of
    the repository, such as ``course release-edition`` on a clean checkout."""
    from course.content import banks, seeds

    before = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(Path(root).resolve())
    seeds.clear_caches(), banks.clear_caches()
    try:
        yield content_root()
    finally:
        if before is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = before
        seeds.clear_caches(), banks.clear_caches()
