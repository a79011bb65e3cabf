"""A quiz item with two lives: static HTML/JS on a book page, an ipywidgets quiz in a kernel.

``Quiz`` is displayed by a notebook cell. Its display bundle carries both views: Jupyter
front ends that run widgets (JupyterLab, Binder, VS Code) show the widget; the book asks myst-nb
to drop the widget view (``nb_mime_priority_overrides`` in ``_config.yml``) and renders the
``text/html`` view, which ``static/quiz.js`` makes interactive with no kernel.

In a kernel the HTML view is self-contained (its script and styles inline), because Colab shows
each output in its own frame, with none of the book's assets: in Colab the bundle carries that
view alone, since Colab's widget support depends on its own ipywidgets version. The book strips
the inline copies (``course.book.assets.strip_inline_quiz_assets``): its pages load them once.
"""

from __future__ import annotations

import base64
import html
import json
import sys
from functools import lru_cache
from pathlib import Path

from course.content import banks, seeds

STATIC = Path(__file__).resolve().parent / "static"  # quiz.js and quiz.css, also served by the book
INLINE = "data-course-inline"  # marks the inline script and styles, which the book strips


@lru_cache(maxsize=1)
def inline_assets() -> str:
    css = (STATIC / "quiz.css").read_text(encoding="utf-8")
    js = (STATIC / "quiz.js").read_text(encoding="utf-8")
    return f"<style {INLINE}>\n{css}</style>\n<script {INLINE}>\n{js}</script>"


def _href(seed_id: str, para: int) -> str | None:
    page = seeds.chapter_page(seed_id)
    if not page:
        return None
    # Quiz outputs live on notebook pages in chapters/, beside the chapter pages.
    return f"{page.rsplit('/', 1)[-1]}.html#{seeds.anchor(seed_id, para)}"


def feedback_html(text: str, default_seed: str) -> str:
    """Escape feedback text and turn its ¶ citations into links to the reading."""
    out, pos = [], 0
    for m in banks.PARA_REF.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        href = _href(m["seed"] or default_seed, int(m["first"]))
        label = html.escape(m.group(0))
        out.append(f'<a href="{href}">{label}</a>' if href else label)
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
        self._widget = None

    # -- static view -------------------------------------------------------------------
    def html(self, standalone: bool = False) -> str:
        """The static view; ``standalone`` adds quiz.js and quiz.css inline."""
        it = self.item
        # Feedback and the key travel encoded so that the answer is not printed in the page
        # text; quiz.js decodes them when the student checks an answer.
        payload = [
            {"correct": o["correct"], "feedback": feedback_html(o["feedback"], it["seed"])} for o in it["options"]
        ]
        encoded = base64.b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
        name = f"quiz-{self.id}"
        options = "\n".join(
            f'<label class="course-quiz-option"><input type="radio" name="{name}" value="{i}"> '
            f"<span>{html.escape(o['text'])}</span></label>"
            for i, o in enumerate(it["options"])
        )
        return (
            f'<div class="course-quiz" id="{name}" data-quiz="{encoded}">\n'
            f'<fieldset>\n<legend><span class="course-quiz-label">Quiz {html.escape(self.id)}'
            f" · {html.escape(it['bloom'])} · {html.escape(it['skill'])}</span> "
            f"{html.escape(it['question'])}</legend>\n"
            f'<div class="course-quiz-options">\n{options}\n</div>\n'
            f'<button type="button" class="course-quiz-check">Check answer</button>\n'
            f'<div class="course-quiz-feedback" role="status" aria-live="polite"></div>\n'
            f"</fieldset>\n</div>" + (f"\n{inline_assets()}" if standalone else "")
        )

    # -- live view ---------------------------------------------------------------------
    def widget(self):
        import ipywidgets as w

        if self._widget is not None:
            return self._widget
        it = self.item
        question = w.HTML(
            f"<strong>Quiz {html.escape(self.id)}</strong> "
            f"<em>({html.escape(it['bloom'])} · {html.escape(it['skill'])})</em><br>"
            f"{html.escape(it['question'])}"
        )
        choices = w.RadioButtons(
            options=[(o["text"], i) for i, o in enumerate(it["options"])],
            value=None,
            layout=w.Layout(width="auto"),
        )
        check = w.Button(description="Check answer", button_style="primary")
        feedback = w.HTML()

        def on_check(_):
            if choices.value is None:
                feedback.value = "<p>Choose an option first.</p>"
                return
            opt = it["options"][choices.value]
            verdict = "Correct." if opt["correct"] else "Not quite. Try again."
            feedback.value = f"<p><strong>{verdict}</strong> {feedback_html(opt['feedback'], it['seed'])}</p>"

        check.on_click(on_check)
        box = w.VBox([question, choices, check, feedback])
        box.add_class("course-quiz-widget")
        # Handles for tests and curious students.
        box.choices, box.check, box.feedback = choices, check, feedback
        self._widget = box
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {} if "google.colab" in sys.modules else dict(self.widget()._repr_mimebundle_())
        bundle["text/html"] = self.html(standalone=True)
        bundle["text/plain"] = f"Quiz {self.id}: {self.item['question']}"
        return bundle


def quiz(item_id: str) -> Quiz:
    return Quiz(banks.item(item_id))
