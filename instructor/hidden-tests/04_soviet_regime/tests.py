"""Hidden tests for exercise 4 (seed 003): the teacher's, for a grade. Never give them to students.

They check the values (the public checks only confirm digests), the table row by row, and that
the answers agree with each other. Their messages reach the student's report, so they point to
a step and never state a value.
Run them with ``course grade NOTEBOOK --hidden-tests instructor/hidden-tests``.
"""

ANSWERS = {
    "doubling_20": "float",
    "years_to_tenfold_15": "float",
    "printed_spans": "DataFrame",
    "bismarck_overstatement": "int",
    "quotation_words_by_speaker": "dict",
}
POINTS = {
    "test_doubling_20_value": 1,
    "test_years_to_tenfold_15_value": 1,
    "test_printed_spans_rows": 1,
    "test_bismarck_overstatement_value": 1,
    "test_bismarck_overstatement_agrees_with_printed_spans": 1,
    "test_quotation_words_by_speaker_value": 1,
}

PRINTED_SPANS = [("napoleon_i", 16), ("louis_napoleon", 19), ("bismarck", 30)]
BISMARCK_DOCUMENTED_SPAN = 28  # 1862-1890 in the documented columns
QUOTATION_WORDS = {"Engels": 87, "Lenin": 503, "Marx": 113, "Marx and Engels": 80, "Trotsky": 1674}


def test_doubling_20_value(answers):
    assert abs(answers["doubling_20"] - 3.801784) < 0.005, "doubling_20: not the doubling time at the higher rate."


def test_years_to_tenfold_15_value(answers):
    assert abs(answers["years_to_tenfold_15"] - 16.475051) < 0.005, (
        "years_to_tenfold_15: not the years to grow tenfold at the lower rate."
    )


def test_printed_spans_rows(answers):
    df = answers["printed_spans"]
    assert len(df) == len(PRINTED_SPANS), "printed_spans: not the three rulers of ¶114."
    for row, (mine, want) in enumerate(zip(zip(df["id"], df["years_printed"]), PRINTED_SPANS), start=1):
        assert mine[0] == want[0], f"printed_spans: row {row}, id is not right yet."
        assert int(mine[1]) == want[1], f"printed_spans: row {row}, years_printed is not right yet."


def test_bismarck_overstatement_value(answers):
    assert answers["bismarck_overstatement"] == 2, "bismarck_overstatement: not the difference of the two spans."


def test_bismarck_overstatement_agrees_with_printed_spans(answers):
    df = answers["printed_spans"]
    printed = [int(y) for i, y in zip(df["id"], df["years_printed"]) if i == "bismarck"]
    assert len(printed) == 1, "printed_spans has no single row for bismarck."
    assert printed[0] - answers["bismarck_overstatement"] == BISMARCK_DOCUMENTED_SPAN, (
        "bismarck_overstatement should be the printed span in your printed_spans minus the documented span."
    )


def test_quotation_words_by_speaker_value(answers):
    d = answers["quotation_words_by_speaker"]
    assert sorted(d) == sorted(QUOTATION_WORDS), "quotation_words_by_speaker: not the speakers of the quotations."
    for speaker, words in QUOTATION_WORDS.items():
        assert d[speaker] == words, "quotation_words_by_speaker: a speaker's words are not right yet."
