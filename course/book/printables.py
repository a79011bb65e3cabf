"""``{printables}`slug```: a lesson plan's links to its printables (A4 and US Letter PDFs).

The instructor build prints them first (``course.publishing.teachers``) and names their folder
in ``course_printables``; Sphinx copies them to ``printables/`` in the site. A link to a PDF
that was not printed, or the role in a build that printed none (the student edition, where no
plan is a page), is an error of the build, so a plan never links to nothing.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from docutils import nodes

from course.publishing import teachers

SIZES = {"a4": "A4", "letter": "US Letter"}


def role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from course.publishing import printables  # not at Sphinx's start: it reads the datasets with pandas

    env = inliner.document.settings.env
    slug = text.strip()
    folder = env.config.course_printables
    problem = None
    if not folder:
        problem = "{printables} links to PDFs that only the instructor edition prints (course build-instructor)"
    else:
        missing = [n for n in (printables.pdf_name(slug, s) for s in SIZES) if not (Path(folder) / n).is_file()]
        if missing:
            problem = (
                f"{{printables}}`{slug}`: no {', '.join(missing)} in {folder}: the lesson plan "
                f"instructor/{slug}_lesson.md names no printables, or {slug!r} is not a chapter"
            )
    if problem:
        msg = inliner.reporter.error(problem, line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    here = posixpath.dirname(env.docname)
    out: list[nodes.Node] = []
    for size, label in SIZES.items():
        uri = posixpath.relpath(f"{teachers.PRINTABLES}/{printables.pdf_name(slug, size)}", here or ".")
        if out:
            out.append(nodes.Text(" · "))
        out.append(nodes.reference(rawtext, label, refuri=uri, classes=["course-printables"]))
    return out, []
