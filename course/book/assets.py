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


# A check report on a page the book executed before anyone answered. The build runs each
# notebook with its `...` placeholders, so every `check("…")` cell reports "still `...`" with a
# ✘, which a student browsing the site reads as an error. On the page, such a report becomes a
# neutral note saying what the cell does in the student's own copy; a report with any real
# result (a sample answer the page fills in) is left as it is.
_CHECK_ITEM = re.compile(r"<li>.*?</li>", re.S)
_CHECK_NAME = re.compile(r"<code>(.*?)</code>")
_UNANSWERED = "still `...`"


def preview_unanswered_checks(app, doctree):
    for node in doctree.findall(nodes.raw):
        text = node.astext()
        if 'class="course-check"' not in text:
            continue
        items = _CHECK_ITEM.findall(text)
        if not items or not all(_UNANSWERED in item for item in items):
            continue
        names = ", ".join(f"<code>{m.group(1)}</code>" for item in items if (m := _CHECK_NAME.search(item)))
        note = (
            '<div class="course-check course-check-preview" role="note"><p>In your own copy of this '
            f"notebook, running this cell checks your answer ({names}) once you have replaced the "
            "<code>...</code> above it.</p></div>"
        )
        node.replace(node[0], nodes.Text(note))
