"""Checks for the data exercises of notebook 5 (seed 004). Messages are hints, not answers.

Exercise 5 asks for the same words per phase, so they are confirmed by a salted digest
(course/grading/formative.py), never stated.
"""

from course.grading.formative import matches

ANSWERS = {"pooled_min": "float", "pooled_max": "float", "shared_events": "int", "words_by_phase": "dict"}


def test_pooled_min(answers):
    v = answers["pooled_min"]
    assert abs(v - 77) > 0.01, "77 is the plain average; the question asks for the lowest possible share."
    assert v == 74, "Not yet: with unknown sizes, the pooled share can be as low as the smallest group's."


def test_pooled_max(answers):
    v = answers["pooled_max"]
    assert v == 82, "Not yet: with unknown sizes, the pooled share can be as high as the largest group's."


def test_shared_events(answers):
    n = answers["shared_events"]
    assert n == 3, "Not yet: count the rows of `joined` where both in_chapter_3 and in_chapter_5 are True."


def test_words_by_phase(answers):
    d = answers["words_by_phase"]
    assert set(d) == {"twiss-phase1-1919", "twiss-phase2-1923", "twiss-phase3-1933"}, "Use the three phase ids as keys."
    assert matches(d["twiss-phase1-1919"], "ch05_twiss/words_phase1$4691cda1447a52f8"), (
        "Phase 1 is not right yet: sum the words of the paragraphs in its seed_refs (¶6–9)."
    )
    assert matches(d, "ch05_twiss/words_by_phase$d690f2cbfedc34b6"), (
        "Phases 2 and 3 are not right yet: split each seed_refs on spaces, keep the number after ':'."
    )
