"""What pages load: the course's CSS, the quiz script and styles only where a page has a quiz,
no Thebe, and no dead widget state."""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

from course.notebook.widget import INLINE
from course.notebook.widget import STATIC as QUIZ_STATIC

STATIC = Path(__file__).resolve().parent / "static"


def add_static_paths(app, config):
    config.html_static_path += [str(STATIC), str(QUIZ_STATIC)]


def drop_widget_state(app, pagename, templatename, context, doctree):
    """The book shows outputs' HTML views, never ipywidgets views (``_config.yml``), so any
    ipywidgets state myst-nb embeds in a notebook page (130-230 kB a page when the quizzes
    were widgets) is dead weight: drop it."""
    js_files = getattr(app.env, "nb_metadata", {}).get(pagename, {}).get("js_files", {})
    js_files.pop("ipywidgets_state", None)


def on_page_context(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        # Thebe is off in this course (students launch Binder or Colab instead); its config
        # snippet is added twice by sphinx-thebe and redeclares a const, a page error.
        scripts[:] = [
            s
            for s in scripts
            if "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", "")) and "sphinx-thebe" not in str(s)
        ]
    if "course-quiz" in context.get("body", ""):
        app.add_js_file("quiz.js")
        app.add_css_file("quiz.css")


_INLINE_ASSET = re.compile(rf"\s*<(style|script) {INLINE}>.*?</\1>", re.DOTALL)


def strip_inline_quiz_assets(app, doctree):
    for node in doctree.findall(nodes.raw):
        if INLINE in node.astext():
            node.replace(node[0], nodes.Text(_INLINE_ASSET.sub("", node.astext())))
