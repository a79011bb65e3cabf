"""An exercise on its page (as students get it, or with its solutions for instructors), and
the commands that prepare a computer for notebooks offline."""

from __future__ import annotations

from pathlib import Path

from docutils.parsers.rst import directives

from course import project
from course.book.directives.base import MystDirective, instructor_only
from course.book.launch import exercise_launch_links
from course.content import exercises as exlib


class ExerciseNotebook(MystDirective):
    """```{exercise-notebook} 01_soviets``` — the exercise as students get it (or, with
    ``:solutions:``, as the instructor wrote it), cell by cell, plus a download link."""

    required_arguments = 1
    option_spec = {"solutions": directives.flag}

    def run(self):
        try:
            ex = exlib.get(self.arguments[0])
        except KeyError as exc:
            raise self.error(str(exc.args[0])) from None
        self.env.note_dependency(str(ex.source))
        self.env.note_dependency(str(ex.tests))
        with_solutions = "solutions" in self.options
        if with_solutions:
            instructor_only(self)
            nb = ex.notebook()
        else:
            nb = ex.student_notebook()
        lines = []
        if not with_solutions:
            import nbformat

            # The download lives inside the source tree (Sphinx resolves downloads there).
            target = Path(self.env.srcdir) / "_build" / "course-release" / ex.id / f"{ex.id}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
            rel = "/" + target.relative_to(self.env.srcdir).as_posix()
            lines += [f"{{download}}`Download the exercise notebook ({ex.id}.ipynb) <{rel}>`", ""]
            lines += exercise_launch_links(ex.id)
        titled = False  # the page has its own title: the notebook's "# Exercise N: …" would repeat it
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                source = cell.source
                if not titled:
                    source, titled = _without_title(source)[0], True
                lines += [source, ""]
            elif cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", []):
                lines += ["```python", cell.source, "```", ""]
        if with_solutions:
            lines += [
                "*The public tests (`tests.py`):*",
                "",
                "```python",
                ex.tests.read_text(encoding="utf-8").rstrip(),
                "```",
            ]
        return self.parse_myst("\n".join(lines))


def _without_title(markdown: str) -> tuple[str, bool]:
    """A notebook's first markdown cell without its top-level heading (if it has one), and
    whether it had one."""
    head, _, rest = markdown.lstrip().partition("\n")
    if head.startswith("# "):
        return rest.lstrip("\n"), True
    return markdown, False


class OfflineCommands(MystDirective):
    """```{course-offline-commands}``` — how to prepare a computer for notebooks offline, with
    the release's install source (from pyproject.toml and _config.yml, like the setup cell)."""

    def run(self):
        wheel = f"course-{project.version()}-py3-none-any.whl"
        return self.parse_myst(
            "\n".join(
                [
                    "```sh",
                    f'python -m pip wheel --wheel-dir course-wheels "{project.install_source()}"',
                    "```",
                    "",
                    "It fills the folder `course-wheels` with the course package and every library it needs. "
                    "Then, offline, either install them in a terminal:",
                    "",
                    "```sh",
                    "python -m pip install --no-index --find-links course-wheels course",
                    "```",
                    "",
                    "or let the setup cell do it: run this line in a cell above it (with the path to your "
                    "folder), then run the setup cell.",
                    "",
                    "```python",
                    f"%env COURSE_WHEEL=course-wheels/{wheel}",
                    "```",
                ]
            )
        )
