"""``check(...)`` inside a notebook: run the public checks on the student's current answers.

The answers go through the same data round trip as in grading, so a check that passes here
passes in ``course grade`` too.
"""

from __future__ import annotations

import html
from pathlib import Path

from course.content import paths
from course.grading import answers as ans
from course.grading import runner


class Checks:
    """Callable: ``check("n_bureau")`` checks one answer, ``check()`` checks them all."""

    def __init__(self, tests_file: Path):
        self.tests_file = Path(tests_file)

    @classmethod
    def chapter(cls, chapter: str) -> Checks:
        """The answer checks of a chapter notebook's data exercises, kept with the chapter's
        exercise (``exercises/<chapter>/checks.py``)."""
        return cls(paths.EXERCISES / chapter / "checks.py")

    @classmethod
    def exercise(cls, exercise: str) -> Checks:
        """The public tests of an autograded exercise."""
        return cls(paths.EXERCISES / exercise / "tests.py")

    def __call__(self, *names: str, namespace: dict | None = None):
        if namespace is None:
            from IPython import get_ipython

            namespace = get_ipython().user_ns
        module = runner.load_tests(self.tests_file)
        known = list(getattr(module, "ANSWERS", {}))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"no check for {', '.join(unknown)}; this notebook checks: {', '.join(known)}")
        wanted = list(names) or known
        results = runner.run(module, ans.dump(wanted, namespace), only=wanted)
        return Report(results)


class Report:
    def __init__(self, results):
        self.results = results
        self.passed = all(r["passed"] for r in results)

    def _lines(self):
        for r in self.results:
            yield (r["passed"], r["question"], r["message"])

    def __repr__(self):
        return "\n".join(f"{'✔' if ok else '✘'} {q}: {'passed' if ok else msg}" for ok, q, msg in self._lines())

    def _repr_html_(self):
        rows = "".join(
            f"<li>{'✔' if ok else '✘'} <code>{html.escape(q)}</code>: {'passed' if ok else html.escape(msg)}</li>"
            for ok, q, msg in self._lines()
        )
        # The live region wraps the list: role="status" on the <ul> itself would take away its
        # list role, and screen readers would no longer announce the items as a list.
        return f'<div class="course-check" role="status"><ul>{rows}</ul></div>'
