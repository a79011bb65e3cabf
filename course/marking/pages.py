"""The marking tools' pages: one Jinja2 environment (templates/, HTML autoescaped, so a
student's text is always shown as text) and the course's own Markdown rendered for them."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")


def env() -> jinja2.Environment:
    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.jinja"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    e.filters["course_markdown"] = course_markdown
    return e


def course_markdown(text: str) -> Markup:
    """The course's own MyST text (a question, a model answer) as HTML, its links to the book
    kept as their words (the pages stand alone). Never used on a student's text."""
    return Markup(markdown.markdown(LINK.sub(r"\1", text)))
