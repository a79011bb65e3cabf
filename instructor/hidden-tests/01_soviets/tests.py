"""Hidden tests for exercise 1 (seed 000): the teacher's, for a grade. Never give them to students.

They check the values (the public checks only confirm digests) and the table row by row. Their
messages reach the student's report, so they point to a step and never state a value.
Run them with ``course grade NOTEBOOK --hidden-tests instructor/hidden-tests``.
"""

import pandas as pd

ANSWERS = {
    "n_bureau": "int",
    "peak_para": "int",
    "days_to_congress": "int",
    "chronology": "DataFrame",
}
POINTS = {
    "test_n_bureau_value": 1,
    "test_peak_para_value": 1,
    "test_days_to_congress_value": 1,
    "test_chronology_rows": 1,
}

CHRONOLOGY = [  # id, start, certainty, years_before_1927: data.timeline("000") in date order
    ("commune-1871", "1871-03-18", "established", 56),
    ("state-and-revolution-1917", "1917-08-01", "established", 10),
    ("october-1917", "1917-11-07", "established", 10),
    ("programme-1919", "1919-03-01", "established", 8),
    ("nep-1921", "1921-03-01", "established", 6),
    ("instructions-1925", "1925-01-01", "as the seed says", 2),
    ("molotov-pravda-1925", "1925-12-13", "as the seed says", 2),
    ("joint-opposition-1926", "1926-01-01", "established", 1),
    ("platform-refused-1927", "1927-09-08", "established", 0),
    ("fifteenth-congress-1927", "1927-12-02", "established", 0),
]


def test_n_bureau_value(answers):
    assert answers["n_bureau"] == 14, "n_bureau: not the number of “bureaucra…” words in the text."


def test_peak_para_value(answers):
    assert answers["peak_para"] == 15, "peak_para: not the ¶ with the most “bureaucra…” words."


def test_days_to_congress_value(answers):
    assert answers["days_to_congress"] == 5, "days_to_congress: not the days between the two starts."


def test_chronology_rows(answers):
    df = answers["chronology"]
    assert len(df) == len(CHRONOLOGY), 'chronology: not one row per event of data.timeline("000").'
    starts = pd.to_datetime(df["start"]).dt.strftime("%Y-%m-%d")
    got = list(zip(df["id"], starts, df["certainty"], (int(y) for y in df["years_before_1927"])))
    for row, (mine, want) in enumerate(zip(got, CHRONOLOGY), start=1):
        for column, a, b in zip(("id", "start", "certainty", "years_before_1927"), mine, want):
            assert a == b, f"chronology: row {row}, column {column} is not right yet."
