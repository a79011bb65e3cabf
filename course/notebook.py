"""What a chapter or exercise notebook imports in its (hidden) setup cell.

    from course.notebook import quiz, data, Checks
    check = Checks("01_soviets")          # then: check("n_bureau")
"""

from __future__ import annotations

from . import data  # noqa: F401  (re-exported for notebooks)
from .grading.check import Checks  # noqa: F401
from .quiz import quiz  # noqa: F401
