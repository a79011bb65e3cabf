"""The instructor edition has what teachers need; the student edition has none of it."""

import re

import pytest
from bs4 import BeautifulSoup

from course.content import banks, chapters, exercises, paths, questions, seeds

CHAPTERS = seeds.chapters()
pytestmark = pytest.mark.slow  # both editions, built


def text(path):
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=[c for c, _ in CHAPTERS])
def test_instructor_edition_has_lesson_plan_key_answers_and_solutions(instructor_site, slug, seed):
    key = text(instructor_site / "instructor" / f"{slug}_key.html")
    for q in questions.guided_questions(slug):
        assert f"{q.id} · {q.bloom} · {q.skill}" in key
    items = banks.all_banks()[slug]["items"]
    assert len(re.findall(r"\(\s*key\s*\)", key)) == len(items)  # a key per item
    if not chapters.draft(slug):  # a draft has no questions or quiz items yet
        first_answer = " ".join(questions.model_answers(slug)["Q1"]["answer"].split())[:80]
        assert first_answer.replace("’", "'") in key.replace("’", "'")
        assert f"s{seed}-q01" in key
    flat = "".join(key.split())
    for line in exercises.get(slug).solution_lines():
        assert "".join(line.split()) in flat, line
    # The lesson plan is there with every section its source has.
    lesson = BeautifulSoup(
        (instructor_site / "instructor" / f"{slug}_lesson.html").read_text(encoding="utf-8"), "html.parser"
    )
    sections = re.findall(r"^## (.+)$", (paths.INSTRUCTOR / f"{slug}_lesson.md").read_text(encoding="utf-8"), re.M)
    shown = [" ".join(h.get_text().split()).rstrip("#") for h in lesson.select("article.bd-article h2")]
    assert sections and shown == sections


def test_instructor_edition_still_contains_the_student_chapter(instructor_site):
    for slug, _ in CHAPTERS:
        assert (instructor_site / "chapters" / f"{slug}.html").exists()
    assert "Instructor edition" in (instructor_site / "index.html").read_text(encoding="utf-8")


def test_capstone_prompt_is_public_and_its_rubric_is_instructor_only(student_site, instructor_site):
    capstone = text(student_site / "chapters" / "05_twiss.html")
    assert "Capstone: a synthesis essay" in capstone and "Prompt A" in capstone
    rubric = text(instructor_site / "instructor" / "synthesis_rubric.html")
    assert "Prompt A" in rubric and "4 Excellent" in rubric
    # A rubric line that students never see: the levels' descriptors.
    descriptor = "Three texts used, or four with most claims uncited"
    assert descriptor in rubric
    assert not any(descriptor in p.read_text(encoding="utf-8") for p in student_site.rglob("*.html"))


def test_term_plan_places_every_lesson_and_shows_the_weights_file(instructor_site, student_site):
    """The twelve-week plan (instructor edition only) links each chapter's lesson plan and the
    essay's rubric, cites its readings from the bibliography, and shows the weights as the file
    the gradebook reads (tests/test_marking checks that the gradebook accepts it)."""
    import csv

    page = BeautifulSoup((instructor_site / "instructor" / "term-plan.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article.bd-article")
    links = {a["href"].split("#")[0] for a in article.select("a[href]")}
    for slug in chapters.published():
        assert f"{slug}_lesson.html" in links, slug
    assert "synthesis_rubric.html" in links
    cited = {a["href"].split("#")[1] for a in article.select("a[href*='bibliography.html#cite-']")}
    assert {"cite-trotsky1937revolution", "cite-lenin1917state", "cite-trotsky1938death"} <= cited
    weeks = [tr for tr in article.select("table")[0].select("tbody tr")]
    assert 10 <= len(weeks) <= 12
    with open(paths.INSTRUCTOR / "term-weights.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    shown = [
        [" ".join(c.get_text().split()) for c in tr.select("th, td")] for tr in article.select("table")[1].select("tr")
    ]
    assert shown == rows
    assert not (student_site / "instructor").exists()
