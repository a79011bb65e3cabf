"""Public checks for exercise 4 (seed 003), for practice: one test per answer, each message a hint.

They check an answer's form and the steps that lead to it. Where they must confirm a value they
compare a salted digest (course/grading/formative.py), so this file states no answer. Passing
them is not a grade: a teacher grades with hidden tests.
"""

from course.grading.formative import matches

ANSWERS = {
    "doubling_20": "float",
    "years_to_tenfold_15": "float",
    "printed_spans": "DataFrame",
    "bismarck_overstatement": "int",
    "quotation_words_by_speaker": "dict",
}


def test_doubling_20(answers):
    t = answers["doubling_20"]
    assert t > 0, "A number of years is positive."
    assert abs(t - 5.0) > 0.01, (
        "That is 100 divided by the rate, simple growth. Growth compounds: "
        "divide math.log of the factor by math.log(1 + rate / 100)."
    )
    assert matches(t, "04_soviet_regime/doubling_20$95007c3bb407f046", places=2), (
        "Not yet: output doubles when (1 + rate / 100) ** t equals the factor; solve for t with "
        "math.log, using the higher rate of ¶74."
    )


def test_years_to_tenfold_15(answers):
    t = answers["years_to_tenfold_15"]
    assert t > 0, "A number of years is positive."
    assert abs(t - 60) > 0.5, (
        "That is simple growth. Growth compounds: divide math.log(10) by math.log(1 + rate / 100)."
    )
    assert matches(t, "04_soviet_regime/years_to_tenfold_15$c201b220b9ca4a61", places=2), (
        "Not yet: math.log(10) divided by math.log(1 + rate / 100), with the lower rate of ¶74."
    )


def test_printed_spans(answers):
    df = answers["printed_spans"]
    missing = sorted({"id", "years_printed"} - set(df.columns))
    assert not missing, f"printed_spans needs the columns id and years_printed; it lacks {', '.join(missing)}."
    assert len(df) == 3, "Keep the three rulers of ¶114, one row each."
    assert matches(list(df["id"]), "04_soviet_regime/printed_spans_ids$4c72f56f41559476"), (
        "Keep the three rows in the dataset's order (no sorting)."
    )
    assert all(int(y) > 0 for y in df["years_printed"]), "Subtract the start year from the end year."
    assert matches([int(y) for y in df["years_printed"]], "04_soviet_regime/printed_spans_years$32af146970b54b4d"), (
        "Not yet: end_printed minus start_printed, row by row (the years as ¶114 prints them)."
    )


def test_bismarck_overstatement(answers):
    n = answers["bismarck_overstatement"]
    assert n >= 0, "Subtract the documented span from the printed span, not the other way round."
    assert matches(n, "04_soviet_regime/bismarck_overstatement$36b7fdf8ea40d416"), (
        "Not yet: (end_printed − start_printed) − (end_documented − start_documented), in the row of bismarck."
    )


def test_quotation_words_by_speaker(answers):
    d = answers["quotation_words_by_speaker"]
    assert all(isinstance(v, int) and v > 0 for v in d.values()), (
        "Each value should be a whole number of words (int(...) of the sum)."
    )
    assert matches(sorted(d), "04_soviet_regime/quotation_speakers$1efbda06a0395ca6"), (
        'Keep only the rows whose kind is "quotation" and group them by speaker: one key per '
        "speaker, spelt as in the speaker column."
    )
    assert matches(d, "04_soviet_regime/quotation_words$a0e83a27f1dfcef6"), (
        'Not yet: sum the words column per speaker (groupby("speaker")["words"].sum()).'
    )
