"""Answer cells are known by their metadata, not their wording: each names what it answers, every
guided question has one, and the mark travels into the notebooks students open without showing."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from course.content import paths, questions, seeds
from course.publishing import notebooks

CHAPTERS = seeds.chapters()
ANSWER_TEXT = "**Your answer:** *(double-click this cell and write here)*"


@pytest.mark.parametrize("slug", [slug for slug, _ in CHAPTERS])
def test_every_question_and_the_exit_ticket_has_one_answer_cell(slug):
    nb = questions.notebook(slug)
    answers = questions.answer_cells(nb, slug)
    asked = {q.id for q in questions.guided_questions(slug)}
    assert asked <= set(answers) and "exit-ticket" in answers
    assert set(answers) - asked <= set(questions.SECTION_ANSWERS)
    for ident, n in answers.items():
        assert nb.cells[n].source == ANSWER_TEXT, f"{slug} {ident}: what students see is kept"
        assert nb.cells[n].metadata["tags"] == [questions.ANSWER_TAG]


def test_the_mark_goes_with_the_cell_into_the_published_notebooks():
    published = notebooks.student_notebooks()
    for slug, _ in CHAPTERS:
        nb = published[f"{slug}_notebook.ipynb"]
        ids = [questions.answer_id(c) for c in nb.cells if questions.answer_id(c)]
        assert ids == list(questions.answer_cells(questions.notebook(slug), slug)), slug


NOTEBOOK = """---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# Notebook 9

### Q1 · Remember · sourcing

Who wrote [¶1](#s000-p1)?

+++ {MARK1}

**Your answer:** *(double-click this cell and write here)*

+++

### Q2 · Apply · close reading

Which demand comes first?

+++ {MARK2}

**Your answer:** *(double-click this cell and write here)*
"""
Q1 = '{"tags": ["answer"], "answer": "Q1"}'
Q2 = '{"tags": ["answer"], "answer": "Q2"}'


def questions_of(tmp_path, mark1: str, mark2: str):
    (tmp_path / "chapters").mkdir(exist_ok=True)
    text = NOTEBOOK.replace("{MARK1}", mark1).replace("{MARK2}", mark2)
    (tmp_path / "chapters" / "09_test_notebook.md").write_text(text, encoding="utf-8")
    with paths.using(tmp_path):
        return questions.guided_questions("09_test")


def test_a_question_runs_from_its_heading_to_its_answer_cell(tmp_path):
    qs = questions_of(tmp_path, Q1, Q2)
    assert [(q.id, q.bloom, q.skill, q.text) for q in qs] == [
        ("Q1", "Remember", "sourcing", "Who wrote [¶1](#s000-p1)?"),
        ("Q2", "Apply", "close reading", "Which demand comes first?"),
    ]


@pytest.mark.parametrize(
    "mark1, mark2, message",
    [
        ("", Q2, "Q1 has no answer cell between its heading and the next question"),
        ('{"tags": ["answer"]}', Q2, "cell 2 is marked as an answer cell only in part"),
        ('{"answer": "Q1"}', Q2, "cell 2 is marked as an answer cell only in part"),
        (Q1, Q1, "cells 2 and 4 both answer 'Q1'"),
        (Q2, Q1, "Q1 has no answer cell between its heading and the next question"),
        (Q1, '{"tags": ["answer"], "answer": "Q3"}', "Q2 has no answer cell"),
        (
            Q1,
            Q2 + "\n\n**Your answer:** x\n\n+++ " + Q2.replace("Q2", "warmup"),
            "answer cell(s) for warmup, which is neither a question here nor one of warm-up, exit-ticket",
        ),
    ],
    ids=["no-mark", "tag-only", "id-only", "twice", "before-its-question", "wrong-id", "stray-id"],
)
def test_an_answer_cell_out_of_place_or_half_marked_is_an_error(tmp_path, mark1, mark2, message):
    with pytest.raises(ValueError, match="09_test_notebook.md: ") as err:
        questions_of(tmp_path, mark1, mark2)
    assert message in str(err.value)


@pytest.mark.slow
def test_the_mark_shows_nowhere_in_the_book(student_site):
    """The book renders an answer cell as its text alone: what students saw before the mark.
    (A draft's TODO boxes may quote the mark to its author.)"""
    for slug, _ in CHAPTERS:
        html = (student_site / "chapters" / f"{slug}_notebook.html").read_text(encoding="utf-8")
        shown = "<p><strong>Your answer:</strong> <em>(double-click this cell and write here)</em></p>"
        assert html.count(shown) == len(questions.answer_cells(questions.notebook(slug), slug)), slug
        page = BeautifulSoup(html, "html.parser")
        for box in page.select(".admonition.todo"):
            box.decompose()
        text = page.get_text(" ")
        assert "+++" not in text and '"tags"' not in text and '"answer"' not in text, slug
