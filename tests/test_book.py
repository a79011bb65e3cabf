"""The student site, built by jupyter-book itself: the reading, quizzes, links, no CDN, no answers.

The extension's own checks (a reading that skips paragraphs fails the build, and others) run
in-process on tiny books in test_extension.py."""

import json
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from course.authoring.scaffold import TEMPLATE_SECTIONS
from course.content import banks, chapters, seeds, threads

from helpers import instructor_only_texts, leaks, norm, soup, thread_answer_texts

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # every test here reads the built site


def sentences(text: str) -> list[str]:
    """Split on sentence ends; short fragments are kept as they are."""
    parts = re.split(r"(?<=[.?!:;])\s+", norm(text))
    return [p for p in parts if p]


CHAPTERS = seeds.chapters()
ids = [slug for slug, _ in CHAPTERS]


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_every_sentence_of_the_seed_is_on_the_chapter_page_in_order(student_site, slug, seed):
    page = soup(student_site / "chapters" / f"{slug}.html")
    for el in page.select(".seed-reading .emendation, .seed-reading .para-num"):
        el.decompose()
    for br in page.select(".seed-reading br"):
        br.replace_with(" ")
    reading = norm(" ".join(p.get_text("") for p in page.select(".seed-reading p.seed-para")))
    pos = 0
    for sentence in sentences(seeds.text(seed)):
        found = reading.find(sentence, pos)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        pos = found + len(sentence)


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_every_paragraph_has_one_stable_anchor(student_site, slug, seed):
    html = (student_site / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
    count = seeds.paragraph_count(seed)
    for n in range(1, count + 1):
        assert html.count(f'id="s{seed}-p{n}"') == 1, f"¶{n}"
    assert f'id="s{seed}-p{count + 1}"' not in html


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_emendations_are_shown_beside_the_original(student_site, slug, seed):
    page = soup(student_site / "chapters" / f"{slug}.html")
    for em in seeds.emendations(seed):
        para = page.find(id=f"s{seed}-p{em.paragraph}")
        assert para.select_one(".sic").get_text() == em.original
        assert f"[read: {em.reading}]" in para.select_one(".emendation").get_text()


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_chapter_page_has_the_template_sections(student_site, slug, seed):
    page = soup(student_site / "chapters" / f"{slug}.html")
    headings = [norm(h.get_text()).rstrip("#") for h in page.select("h2")]
    for section in TEMPLATE_SECTIONS:
        assert any(h.startswith(section) for h in headings), f"no section {section!r}: {headings}"
    if not chapters.draft(slug):  # a draft's sections are still TODO boxes
        assert page.select_one(".course-timeline table"), "the context needs its mini-timeline"
        assert len(page.select("a.reference.internal[href*='glossary.html#term-']")) >= 10


def test_glossary_renders_every_term_and_links_back_to_paragraphs(student_site):
    entries = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
    page = soup(student_site / "glossary.html")
    terms = {norm(dt.get_text()).rstrip("#¶").strip() for dt in page.select("dl.glossary dt")}
    for e in entries:
        assert e["term"] in terms
    for slug, seed in CHAPTERS:
        assert page.select(f"a[href*='{slug}.html#s{seed}-p']") or chapters.draft(slug), slug


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_notebook_page_is_executed_without_errors(student_site, slug, seed):
    html = (student_site / "chapters" / f"{slug}_notebook.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert not page.select(".output.error, .output.traceback"), "an executed cell raised"
    assert len(page.select(".cell_output img")) >= 2 or chapters.draft(slug), "the data exercise plots are missing"
    assert page.select(".cell_output table"), "the data exercise tables are missing"
    assert "course-check" in html, "the answer-check cells did not run"
    # Quizzes are static HTML in the book: the widget state they carry in a kernel stays out.
    assert "application/vnd.jupyter.widget-state+json" not in html


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_quizzes_are_static_accessible_html(student_site, slug, seed):
    page = soup(student_site / "chapters" / f"{slug}_notebook.html")
    quizzes = page.select("div.course-quiz")
    bank = banks.all_banks()[slug]
    assert len(quizzes) == len(bank["items"]), "every item of the bank is on the page"
    if seed != "000" and not chapters.draft(slug):  # a draft's bank is empty
        warmups = [q for q in quizzes if "-w" in q["id"]]
        assert len(warmups) >= 3 and all(not q["id"].startswith(f"quiz-s{seed}") for q in warmups)
    for q in quizzes:
        assert q.select_one("fieldset > legend")
        assert len(q.select("input[type=radio]")) == 4
        live = q.select_one(".course-quiz-feedback")
        assert live["role"] == "status" and live["aria-live"] == "polite"
        payload = json.loads(__import__("base64").b64decode(q["data-quiz"]))
        assert sum(o["correct"] for o in payload) == 1
    assert not page.select("script[type='application/vnd.jupyter.widget-view+json']")
    assert bool(page.select("script[src*='quiz.js']")) == bool(quizzes)  # a draft has no quiz yet
    # Pages without a quiz do not load its script.
    assert not soup(student_site / "chapters" / f"{slug}.html").select("script[src*='quiz.js']")


def _html_files(site: Path):
    return [p for p in site.rglob("*.html")]


def test_no_page_loads_anything_from_another_host(student_site):
    for path in _html_files(student_site):
        page = soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in page.find_all(tag):
                url = el.get(attr) or ""
                assert not re.match(r"^(https?:)?//", url), f"{path.name} loads {url}"
        assert "THEBE_JS_URL" not in str(page)


def test_student_site_contains_no_model_answer_and_no_solution(student_site):
    assert leaks(student_site) == []
    assert not list(student_site.rglob("*lesson*")) and not (student_site / "instructor").exists()


def test_leak_detector_finds_answers_where_they_are(instructor_site):
    """The same search, on the instructor edition, must find every solution line."""
    found = leaks(instructor_site)
    _, solution = instructor_only_texts()
    assert all(any(repr(line) in f for f in found) for line in solution), found
    assert any("model answer" in f for f in found)
    # The threads' model answers are found on their pages in this edition (and so would be in
    # the student site, where test_student_site_contains_no_model_answer_and_no_solution looks).
    for t in threads.all_threads():
        assert any(f.startswith(f"{t.id}.html: model answer") for f in found), t.id
    assert thread_answer_texts()


def _anchors(site: Path) -> dict[str, set[str]]:
    """Every page of a site and the ids on it."""
    return {p.relative_to(site).as_posix(): {el["id"] for el in soup(p).select("[id]")} for p in site.rglob("*.html")}


def test_thread_pages_and_overview(student_site, instructor_site):
    """One check over the thread pages of both editions: the overview's matrix links every
    passage and every thread, and each link resolves; each thread page sets its texts side by
    side in date order with the quotations, then what changes, what stays, where the texts
    disagree, the synthesis question and its quiz items; the model answer and its scale are in
    the instructor edition only. Each chapter's corroboration section links its threads."""
    pages = _anchors(student_site)
    overview = soup(student_site / "threads" / "index.html")
    matrix = overview.select_one("table.course-threads-matrix")
    rows = matrix.select("tbody tr")
    assert len(rows) == len(threads.all_threads())
    for row, t in zip(rows, threads.all_threads()):
        hrefs = [a["href"] for a in row.select("a[href]")]
        assert hrefs[0].split("#")[0] == f"{t.id}.html", hrefs[0]
        passages = [h for h in hrefs[1:] if "#s" in h]
        assert len(passages) == sum(len(x.paras) for x in t.texts), t.id
        for href in hrefs:
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join("threads", path)) if path else "threads/index.html"
            assert target in pages, f"threads/index.html links to a missing page {href}"
            assert not anchor or anchor in pages[target], f"threads/index.html: no #{anchor} on {target}"
    for t in threads.all_threads():
        page = soup(student_site / "threads" / f"{t.id}.html")
        text = norm(page.get_text(" "))
        table = page.select_one("table.course-thread-texts")
        assert len(table.select("tbody tr")) == len(t.texts), t.id
        for x in t.texts:
            assert norm(x.quote) in text, (t.id, x.seed)
            assert page.select_one(f"a[href$='#s{x.seed}-p{x.paras[0]}']"), (t.id, x.seed)
        headings = [" ".join(h.get_text().split()).rstrip("#") for h in page.select("article h2")]
        assert headings == ["What changes", "What stays", "Where the texts disagree", "Synthesis question"]
        assert norm(t.synthesis) in text
        for item in (i for b in banks.all_banks().values() for i in b["items"] if i.get("thread") == t.id):
            assert item["id"] in text, (t.id, item["id"])
        assert "For instructors" not in text
        teacher = norm(soup(instructor_site / "threads" / f"{t.id}.html").get_text(" ")).lower()
        assert "model answer" in teacher and "thread synthesis answer: the points scale" in teacher, t.id
    for slug, seed in CHAPTERS:
        chapter = soup(student_site / "chapters" / f"{slug}.html")
        linked = {a["href"].split("#")[0] for a in chapter.select("article.bd-article a[href*='threads/']")}
        assert linked == {f"../threads/{t.id}.html" for t in threads.of_seed(seed)}, slug


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_exercise_page_offers_the_student_notebook(student_site, slug, seed):
    page = soup(student_site / "chapters" / f"{slug}_exercise.html")
    link = page.select_one("a.download")
    assert link and link["href"].endswith(f"{slug}.ipynb")
    nb = json.loads((student_site / "chapters" / link["href"]).resolve().read_text(encoding="utf-8"))
    assert nb["metadata"]["course"]["exercise"] == slug
    source = "".join("".join(c["source"]) for c in nb["cells"])
    assert "...  # YOUR CODE HERE" in source and "BEGIN SOLUTION" not in source


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=ids)
def test_notebook_page_has_download_and_launch_buttons(student_site, slug, seed):
    html = (student_site / "chapters" / f"{slug}_notebook.html").read_text(encoding="utf-8")
    assert "mybinder.org" in html and "colab.research.google.com" in html
    assert f"{slug}_notebook.ipynb" in html
