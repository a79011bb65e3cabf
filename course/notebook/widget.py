"""A quiz item as one HTML/JS view: on a book page, in JupyterLab, Colab and VS Code alike.

``Quiz`` is displayed by a notebook cell. Its display bundle carries a ``text/html`` view made
interactive by ``static/quiz.js`` with no kernel behind it, and a ``text/plain`` line. In a
kernel the HTML view is self-contained (its script and styles inline): Colab shows each output
in its own frame with none of the book's assets, and a notebook saved and opened again shows
the output as saved. The book strips the inline copies
(``course.book.assets.strip_inline_quiz_assets``): its pages load them once.

No ipywidgets view: JupyterLab 4 renders a trusted output that has one with the widget renderer
whatever else the bundle holds, and a notebook saved and opened again without its kernel then
shows "Error displaying widget: model not found" in every quiz, never the HTML beside it
(``tests/test_jupyterlab.py``). A saved quiz output is trusted (JupyterLab signs the notebook it
ran), so quiz.js runs there again and the reopened quiz still grades.

¶ links in the feedback point at the published site (``course.project.site_url``) and open in
a new tab, so following one from a notebook loses no answer; on the book's own pages quiz.js
makes them links within the site being read, in the same tab.
"""

from __future__ import annotations

import base64
import html
import json
from functools import lru_cache
from pathlib import Path

from course import project
from course.content import banks, seeds

STATIC = Path(__file__).resolve().parent / "static"  # quiz.js and quiz.css, also served by the book
INLINE = "data-course-inline"  # marks the inline script and styles, which the book strips


@lru_cache(maxsize=1)
def inline_assets() -> str:
    css = (STATIC / "quiz.css").read_text(encoding="utf-8")
    js = (STATIC / "quiz.js").read_text(encoding="utf-8")
    return f"<style {INLINE}>\n{css}</style>\n<script {INLINE}>\n{js}</script>"


def _href(seed_id: str, para: int, site: str) -> str | None:
    page = seeds.chapter_page(seed_id)
    return f"{site}{page}.html#{seeds.anchor(seed_id, para)}" if page else None


# Marks a link that leaves for the published site (quiz.js turns it into a same-tab link within
# the book), and says so to a screen reader.
_NEW_TAB = '<span class="course-quiz-newtab"> (opens in a new tab)</span>'


def feedback_html(text: str, default_seed: str, site: str | None = None) -> str:
    """Escape feedback text and turn its ¶ citations into links to the reading on the
    published site (``site``, default ``project.site_url()``), each opening in a new tab."""
    site = site or project.site_url()
    out, pos = [], 0
    for m in banks.PARA_REF.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        href = _href(m["seed"] or default_seed, int(m["first"]), site)
        label = html.escape(m.group(0))
        out.append(
            f'<a href="{html.escape(href)}" target="_blank" rel="noopener">{label}{_NEW_TAB}</a>' if href else label
        )
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def feedback_markdown(text: str, default_seed: str) -> str:
    """Feedback as MyST markdown with ¶ citations as cross-references (used by the book)."""

    def link(m):
        seed = m["seed"] or default_seed
        if not seeds.chapter_page(seed):
            return m.group(0)
        return f"[{m.group(0)}](#{seeds.anchor(seed, m['first'])})"

    return banks.PARA_REF.sub(link, text)


class Quiz:
    """One multiple-choice item from a bank, displayable in a notebook."""

    def __init__(self, item: dict):
        self.item = item
        self.id = item["id"]

    def html(self, standalone: bool = False) -> str:
        """The static view; ``standalone`` adds quiz.js and quiz.css inline."""
        it, site = self.item, project.site_url()
        # Feedback and the key travel encoded so that the answer is not printed in the page
        # text; quiz.js decodes them when the student checks an answer.
        payload = [
            {"correct": o["correct"], "feedback": feedback_html(o["feedback"], it["seed"], site)} for o in it["options"]
        ]
        encoded = base64.b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
        name = f"quiz-{self.id}"
        options = "\n".join(
            f'<label class="course-quiz-option"><input type="radio" name="{name}" value="{i}"> '
            f"<span>{html.escape(o['text'])}</span></label>"
            for i, o in enumerate(it["options"])
        )
        return (
            f'<div class="course-quiz" id="{name}" data-quiz="{encoded}" data-site="{html.escape(site)}">\n'
            f'<fieldset>\n<legend><span class="course-quiz-label">Quiz {html.escape(self.id)}'
            f" · {html.escape(it['bloom'])} · {html.escape(it['skill'])}</span> "
            f"{html.escape(it['question'])}</legend>\n"
            f'<div class="course-quiz-options">\n{options}\n</div>\n'
            f'<button type="button" class="course-quiz-check">Check answer</button>\n'
            f'<div class="course-quiz-feedback" role="status" aria-live="polite"></div>\n'
            f"</fieldset>\n</div>" + (f"\n{inline_assets()}" if standalone else "")
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self.html(standalone=True),
            "text/plain": f"Quiz {self.id}: {self.item['question']}",
        }


def quiz(item_id: str) -> Quiz:
    return Quiz(banks.item(item_id))
