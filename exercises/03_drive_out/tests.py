"""Public checks for exercise 3 (seed 002), for practice: one test per answer, each message a hint.

They check an answer's form and the steps that lead to it. Where they must confirm a value they
compare a salted digest (course/grading/formative.py), so this file states no answer. Passing
them is not a grade: a teacher grades with hidden tests.
"""

from course.grading.formative import matches

ANSWERS = {
    "days_reply_to_conference": "int",
    "trotsky_words": "int",
    "editor_share": "float",
    "bureaucracy_per_1000": "float",
    "ratio_bureaucracy": "float",
}


def test_days_reply_to_conference(answers):
    d = answers["days_reply_to_conference"]
    assert d > 0, "Subtract the reply's date from the conference's date, not the other way round."
    assert d < 365, "Both events fall in 1938: subtract the two start dates, then take .days."
    assert matches(d, "03_drive_out/days_reply_to_conference$964d8358d237f4df"), (
        "Not yet: (conference start − reply start).days, with the two start dates from events."
    )


def test_trotsky_words(answers):
    n = answers["trotsky_words"]
    assert n > 0, "Add up the words column of the reply's paragraphs."
    assert n != 1024, "That is the whole seed; keep ¶7–14 only (p002['para'].between(7, 14))."
    assert matches(n, "03_drive_out/trotsky_words$49aceb55fc059119"), (
        "Not yet: the sum of the words column over ¶7–14, both ends included."
    )


def test_editor_share(answers):
    s = answers["editor_share"]
    assert 1 < s <= 100, "Give the share in per cent (e.g. 12.5), not as a fraction."
    assert matches(s, "03_drive_out/editor_share$7cda67178e2f4172", places=2), (
        "Not yet: the words of ¶5 divided by the words of every paragraph of seed 002, times 100."
    )


def test_bureaucracy_per_1000(answers):
    r = answers["bureaucracy_per_1000"]
    assert r > 0, "Count the words that begin with “bureaucra” in the text of ¶7–14."
    assert abs(r - 22.46) > 0.05, "That counts the whole seed; count Trotsky's reply only (¶7–14)."
    assert matches(r, "03_drive_out/bureaucracy_per_1000$578a763f484682bf", places=2), (
        "Not yet: count the bureaucra… words in ¶7–14 (any letter case), divide by the words of ¶7–14, times 1,000."
    )


def test_ratio_bureaucracy(answers):
    r = answers["ratio_bureaucracy"]
    assert r > 1, "Divide the 1938 rate by the 1927 rate (the question speaks of the reply's higher rate)."
    assert matches(r, "03_drive_out/ratio_bureaucracy$ad2f1b1ec3b7ef0c", places=2), (
        "Not yet: seed 002's rate (¶7–14, as in bureaucracy_per_1000) divided by seed 000's rate "
        "(¶4–28), each counted the same way."
    )
