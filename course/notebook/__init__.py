"""What a chapter or exercise notebook imports in its (hidden) setup cell.

    from course.notebook import quiz, data, Checks
    check = Checks("01_soviets")          # then: check("n_bureau")
"""

from __future__ import annotations

from course.content import data  # noqa: F401  (re-exported for notebooks)
from course.grading.check import Checks  # noqa: F401
from course.notebook.widget import quiz  # noqa: F401
