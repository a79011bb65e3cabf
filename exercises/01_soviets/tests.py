"""Public checks for exercise 1 (seed 000), for practice: one test per answer, each message a hint.

They check an answer's form and the steps that lead to it. Where they must confirm a value they
compare a salted digest (course/grading/formative.py), so this file states no answer. Passing
them is not a grade: a teacher grades with hidden tests.
"""

import pandas as pd

from course.grading.formative import matches

ANSWERS = {
    "n_bureau": "int",
    "peak_para": "int",
    "days_to_congress": "int",
    "chronology": "DataFrame",
}
POINTS = {"test_n_bureau": 1, "test_peak_para": 1, "test_days_to_congress": 1, "test_chronology": 1}


def test_n_bureau(answers):
    n = answers["n_bureau"]
    assert n > 0, 'Count the words beginning with “bureaucra” in paras["text"]: the chapter does use them.'
    assert n != 8, (
        "Close: 8 is the number of paragraphs that contain such a word. Count "
        "every occurrence: paras['text'].str.count(...) per paragraph, then sum."
    )
    assert matches(n, "01_soviets/n_bureau$f7bff0cad7921d09"), (
        "Not yet. Match every word that begins with “bureaucra” (a pattern such as "
        'r"\\bbureaucra"), in any letter case, in every paragraph, and add up the counts.'
    )


def test_peak_para(answers):
    p = answers["peak_para"]
    assert 1 <= p <= 28, "A ¶ number of seed 000 is between 1 and 28 (the footnote, ¶28, is the last)."
    assert matches(p, "01_soviets/peak_para$d0bc443d7b5b48c2"), (
        "Not yet. Count the words per paragraph (as for n_bureau, before the sum), then take the "
        "`para` of the row with the largest count: idxmax gives the row's index, not its ¶ number."
    )


def test_days_to_congress(answers):
    d = answers["days_to_congress"]
    assert d > 0, "Subtract the article's date from the congress's: the article came first (¶28)."
    assert d < 365, "Both events fall in the same year: subtract the two start dates, then take .days."
    assert matches(d, "01_soviets/days_to_congress$b1bbf2c44fda9c1c"), (
        'Not yet. Take the two start dates from events (set_index("id")["start"]), subtract '
        "the earlier from the later and keep .days of the difference."
    )


def test_chronology(answers):
    df = answers["chronology"]
    missing = sorted({"id", "start", "certainty", "years_before_1927"} - set(df.columns))
    assert not missing, (
        f"chronology needs the columns id, start, certainty and years_before_1927; it lacks {', '.join(missing)}."
    )
    assert matches(len(df), "01_soviets/chronology_rows$25207851df9ecccc"), (
        'Keep every event of data.timeline("000"), one row each: the events the text '
        "mentions or presupposes, no others."
    )
    start = pd.to_datetime(df["start"])
    assert start.is_monotonic_increasing, "Put the events in date order (sort by start)."
    years = [int(y) for y in df["years_before_1927"]]
    assert years == [1927 - d.year for d in start], (
        "years_before_1927 should be 1927 minus the year of each row's start."
    )
    assert matches(list(df["id"]), "01_soviets/chronology_ids$8ad38fe5cda8a89f"), (
        'Not yet: the rows are not the events of data.timeline("000") in date order. Check '
        "the seed you passed and that you kept every row."
    )
