"""The quiz a notebook cell displays: one HTML/JS view, in JupyterLab, Colab and the book alike
(``course/notebook/widget.py`` says why there is no ipywidgets view; ``test_jupyterlab.py``
drives it in JupyterLab). Which option cites what comes from the quiz bank."""

import base64
import json
import re
import sys

from course import project
from course.content import banks
from course.notebook.widget import feedback_html, quiz


def test_display_bundle_is_the_self_contained_html_view_alone(monkeypatch):
    for colab in (False, True):
        if colab:
            monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
        bundle = quiz("s000-q01")._repr_mimebundle_()
        # No widget view: JupyterLab would render it instead of the HTML, and a notebook opened
        # again without its kernel would show "model not found" in its place.
        assert set(bundle) == {"text/html", "text/plain"}, sorted(bundle)
        assert 'class="course-quiz"' in bundle["text/html"] and "data-course-inline" in bundle["text/html"]
        assert bundle["text/plain"].startswith("Quiz s000-q01")


def _payload(html: str) -> list[dict]:
    return json.loads(base64.b64decode(re.search(r'data-quiz="([^"]+)"', html)[1]))


def test_feedback_links_open_the_published_reading_in_a_new_tab():
    site = project.site_url()
    item = banks.item("s000-q01")
    html = quiz("s000-q01").html(standalone=True)
    assert f'data-site="{site}"' in html
    links = [a for opt in _payload(html) for a in re.findall(r"<a [^>]*>", opt["feedback"])]
    cited = sum(len(banks.PARA_REF.findall(o["feedback"])) for o in item["options"])
    assert len(links) == cited > 0
    for a in links:
        assert re.search(rf'href="{re.escape(site)}chapters/01_soviets\.html#s000-p\d+"', a), a
        assert 'target="_blank"' in a and 'rel="noopener"' in a, a


def test_a_link_says_it_opens_a_new_tab_and_is_left_out_where_no_chapter_reads_the_seed(monkeypatch):
    out = feedback_html("See ¶7 & seed 004 ¶2.", "000", site="https://example.org/book/")
    assert out.startswith('See <a href="https://example.org/book/chapters/01_soviets.html#s000-p7"')
    assert "(opens in a new tab)</span></a> &amp; " in out
    from course.content import seeds

    monkeypatch.setattr(seeds, "chapter_page", lambda seed: None)
    assert feedback_html("See ¶7.", "000", site="https://example.org/book/") == "See ¶7."


def test_the_verdict_is_said_by_the_quiz_script_alone():
    """quiz.js says "Correct." / "Not quite."; the banks' feedback may not (test_banks.py)."""
    from course.notebook.widget import STATIC

    js = (STATIC / "quiz.js").read_text(encoding="utf-8")
    assert js.count('"Correct."') == 1 and js.count('"Not quite. Try again."') == 1
    html = quiz("s000-q01").html()
    assert "Correct." not in "".join(o["feedback"] for o in _payload(html))
