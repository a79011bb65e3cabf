"""Run an exercise's tests on answers given as data.

Tests are plain functions ``test_<answer>(answers)``, one per answer variable, in a tests
file; an assertion's message is the hint the student reads. ``POINTS`` (optional) maps a
test name to its points (default 1); ``ANSWERS`` maps each answer variable to its type.
An answer that cannot be read back (``answers.load`` decodes each on its own) fails its own
test, with a hint that says why; the other tests run as usual.

As a program (what the grader starts, with ``python -I``, in an empty folder)::

    python -I -m course.grading.runner TESTS.py ANSWERS.json RESULTS.json [HIDDEN.py]

ANSWERS.json may be ``-``: the answers then come on standard input. The grader uses this to
start the test process while the notebook is still running, so that importing pandas and the
tests costs no time of its own.

Hidden tests (a teacher's, never in the student's repository) are run the same way and
marked ``hidden`` in the results.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path

from course.grading import answers as ans


class Answers(dict):
    """The student's answers; reading one that is missing fails with a readable hint."""

    def __getitem__(self, name):
        value = super().get(name, ans.Missing(name, "not defined"))
        if isinstance(value, ans.Missing):
            raise AssertionError(f"`{name}` is {value.why}.")
        return value


def load_tests(path: Path):
    spec = importlib.util.spec_from_file_location(f"course_tests_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_functions(module) -> list:
    funcs = [f for name, f in vars(module).items() if name.startswith("test_") and callable(f)]
    return sorted(funcs, key=lambda f: inspect.getsourcelines(f)[1])


def run(module, encoded: dict, only: list[str] | None = None) -> list[dict]:
    """Run the tests (or only those for the answer names in ``only``); one result each."""
    expected = getattr(module, "ANSWERS", {})
    answers = Answers(ans.load(encoded, {k: v for k, v in expected.items() if k in encoded}))
    points = getattr(module, "POINTS", {})
    results = []
    for func in test_functions(module):
        question = func.__name__.removeprefix("test_")
        if only is not None and question not in only:
            continue
        result = {
            "test": func.__name__,
            "question": question,
            "points": points.get(func.__name__, 1),
            "passed": False,
            "message": "",
        }
        try:
            func(answers)
            result["passed"] = True
        except AssertionError as exc:
            result["message"] = str(exc) or "This answer is not right yet."
        except Exception as exc:  # a test that crashes on odd input is still a failed check
            result["message"] = (
                f"This answer could not be checked ({type(exc).__name__}: {exc}). "
                "Check that it has the form the question asks for."
            )
        # A hint may quote the student's value or error: made safe to write anywhere.
        result["message"] = ans.printable(result["message"])
        result["score"] = result["points"] if result["passed"] else 0
        results.append(result)
    return results


def main(argv=None) -> int:
    tests, answers_json, out, *hidden = (Path(a) for a in (argv or sys.argv[1:]))
    import pandas  # noqa: F401  (loaded before the answers arrive; decoding needs it)

    modules = [load_tests(tests), *(load_tests(p) for p in hidden)]
    raw = sys.stdin.read() if str(answers_json) == "-" else answers_json.read_text(encoding="utf-8")
    encoded = json.loads(raw)
    results = run(modules[0], encoded)
    for module in modules[1:]:
        for r in run(module, encoded):
            results.append({**r, "test": f"hidden:{r['test']}", "hidden": True})
    out.write_text(json.dumps(results, indent=1), encoding="ascii")  # \u escapes: never fails
    return 0


if __name__ == "__main__":
    sys.exit(main())
