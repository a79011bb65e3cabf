"""The instructor edition has what teachers need; the student edition has none of it."""

import re

from bs4 import BeautifulSoup

from course import exercises, questions


def text(path):
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


def test_instructor_edition_has_lesson_plan_key_answers_and_solutions(instructor_site):
    key = text(instructor_site / "instructor" / "01_soviets_key.html")
    for q in questions.guided_questions("01_soviets"):
        assert f"{q.id} · {q.bloom} · {q.skill}" in key
    first_answer = " ".join(questions.model_answers("01_soviets")["Q1"]["answer"].split())[:80]
    assert first_answer.replace("’", "'") in key.replace("’", "'")
    assert len(re.findall(r"\(\s*key\s*\)", key)) >= 9 and "s000-q01" in key
    flat = "".join(key.split())
    for line in exercises.get("01_soviets").solution_lines():
        assert "".join(line.split()) in flat, line
    lesson = text(instructor_site / "instructor" / "01_soviets_lesson.html")
    assert "50-minute" in lesson and "90-minute" in lesson


def test_instructor_edition_still_contains_the_student_chapter(instructor_site):
    assert (instructor_site / "chapters" / "01_soviets.html").exists()
    assert "Instructor edition" in (instructor_site / "index.html").read_text(encoding="utf-8")
