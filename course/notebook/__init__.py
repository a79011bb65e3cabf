"""What a chapter or exercise notebook imports in its (hidden) setup cell.

from course.notebook import quiz, data, Checks
check = Checks.chapter("01_soviets")  # then: check("n_bureau")
"""

from __future__ import annotations

from course.content import data
from course.grading.check import Checks
from course.notebook.widget import quiz

__all__ = ["Checks", "data", "quiz"]
