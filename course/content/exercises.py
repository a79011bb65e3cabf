"""Autograded exercises: ``exercises/<id>/exercise.md`` (instructor source, solutions fenced by
``# BEGIN SOLUTION`` / ``# END SOLUTION``) and ``exercises/<id>/tests.py`` (public tests)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from course.content import paths, validate

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")
STUB = "...  # YOUR CODE HERE"


@dataclass(frozen=True)
class Exercise:
    id: str

    @property
    def folder(self) -> Path:
        return paths.EXERCISES / self.id

    @property
    def source(self) -> Path:
        return self.folder / "exercise.md"

    @property
    def tests(self) -> Path:
        return self.folder / "tests.py"

    def answers(self) -> dict[str, str]:
        return declared(self.tests, "ANSWERS")

    def notebook(self):
        """The instructor notebook (with solutions), read from its MyST text."""
        validate.jsonschema()  # jupytext imports it: without its slow plug-in (course/content/validate.py)
        import jupytext

        return jupytext.read(self.source)

    def student_notebook(self):
        """The student version: solution lines replaced by stubs, no outputs."""
        nb = self.notebook()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = strip_solutions(cell.source)
                cell.outputs, cell.execution_count = [], None
        nb.metadata.pop("jupytext", None)
        nb.metadata["course"] = {"exercise": self.id}
        return nb

    def solution_lines(self) -> list[str]:
        """Every non-blank line inside a solution fence (tests use it to hunt for leaks). Read
        from the MyST text itself: the fences are whole lines there too, and the grader calls
        this for every submission, so it skips jupytext (a third of a second)."""
        lines, inside = [], False
        for line in self.source.read_text(encoding="utf-8").splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
        return lines


def strip_solutions(source: str) -> str:
    """Replace each fenced solution block by stubs: ``name = ...`` for every variable the
    block assigns at its own indentation, or a bare ``...`` if it assigns none."""
    out, block, inside = [], [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside, block = True, []
            indent = line[: len(line) - len(line.lstrip())]
        elif line.strip() == END:
            if not inside:
                raise ValueError("'# END SOLUTION' without '# BEGIN SOLUTION'")
            names = []
            for b in block:
                m = _ASSIGN.match(b)
                if m and m.group(1) == indent and m.group(2) not in names:
                    names.append(m.group(2))
            out += [f"{indent}{n} = {STUB}" for n in names] or [f"{indent}{STUB}"]
            inside = False
        elif inside:
            block.append(line)
        else:
            out.append(line)
    if inside:
        raise ValueError("'# BEGIN SOLUTION' without '# END SOLUTION'")
    return "\n".join(out)


def declared(tests_file: Path, name: str) -> dict:
    """A tests file's ``ANSWERS`` or ``POINTS``, read as a literal and never run: the grader
    learns which answers to take out without executing any test code in its own process."""
    tree = ast.parse(tests_file.read_text(encoding="utf-8"), filename=str(tests_file))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            value = ast.literal_eval(node.value)
            if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                raise ValueError(f"{tests_file}: {name} must be a dict literal with str keys")
            return value
    return {}


# An exercise id is a course folder name such as 01_soviets: never a path.
_ID = re.compile(r"[0-9]{2}_[a-z0-9_]+")


def all_exercises() -> list[Exercise]:
    # Keyed on the public tests, so a released student repository (no exercise.md) has them too.
    return [Exercise(p.parent.name) for p in sorted(paths.EXERCISES.glob("*/tests.py")) if _ID.fullmatch(p.parent.name)]


def get(exercise_id: str) -> Exercise:
    """The course's exercise of that id. The id is looked up in the course's own list, never
    joined to a path, so a notebook naming ``../x`` or ``/tmp/x`` finds nothing."""
    known = {e.id: e for e in all_exercises()}
    if exercise_id not in known:
        shown = exercise_id if isinstance(exercise_id, str) else type(exercise_id).__name__
        raise KeyError(f"no exercise {shown[:60]!r} in this course (known: {', '.join(known) or 'none'})")
    return known[exercise_id]


def refuse_solutions(name: str, text: str) -> None:
    """The one guard before a student file is written (a published notebook, the student
    repository): if any line of any exercise's solutions is in ``text``, nothing ships. A stub
    rule that misses a solution line is caught here, not by a student."""
    for ex in all_exercises():
        leaked = [line for line in ex.solution_lines() if line in text]
        if leaked:
            raise RuntimeError(f"{name}: solution text left in a student notebook: {leaked[0]!r}")
