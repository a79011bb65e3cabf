"""Public tests for exercise 4 (seed 003). One test per answer; each message is the hint."""

ANSWERS = {
    "doubling_20": "float",
    "years_to_tenfold_15": "float",
    "printed_spans": "DataFrame",
    "bismarck_overstatement": "int",
    "quotation_words_by_speaker": "dict",
}


def test_doubling_20(answers):
    t = answers["doubling_20"]
    assert abs(t - 5.0) > 0.01, "That is 100 / 20, simple growth; compound it: log(2) / log(1.2)."
    assert abs(t - 3.80) < 0.01, "Not yet: math.log(2) / math.log(1 + 0.20)."


def test_years_to_tenfold_15(answers):
    t = answers["years_to_tenfold_15"]
    assert abs(t - 60) > 0.5, "That is simple growth; compound it: log(10) / log(1.15)."
    assert abs(t - 16.48) < 0.01, "Not yet: math.log(10) / math.log(1 + 0.15)."


def test_printed_spans(answers):
    df = answers["printed_spans"]
    assert {"id", "years_printed"} <= set(df.columns), (
        f"printed_spans needs the columns id and years_printed; it has {list(df.columns)}.")
    assert list(df["id"]) == ["napoleon_i", "louis_napoleon", "bismarck"], (
        "Keep the three rows in the dataset's order.")
    assert list(df["years_printed"]) == [16, 19, 30], "Not yet: end_printed minus start_printed."


def test_bismarck_overstatement(answers):
    n = answers["bismarck_overstatement"]
    assert n >= 0, "Subtract the fact-base span from the printed span."
    assert n == 2, "Not yet: (1890 − 1860) − (end_fact_base − start_fact_base)."


def test_quotation_words_by_speaker(answers):
    d = answers["quotation_words_by_speaker"]
    assert set(d) == {"Engels", "Lenin", "Marx", "Marx and Engels", "Trotsky"}, (
        "Keep only the rows whose kind is \"quotation\" and group them by speaker.")
    assert d["Trotsky"] == 1674 and d["Lenin"] == 503, (
        "Not yet: sum the words column per speaker (groupby(\"speaker\")[\"words\"].sum()).")
