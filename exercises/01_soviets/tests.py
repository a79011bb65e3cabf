"""Public tests for exercise 1 (seed 000). One test per answer; each message is the hint."""

ANSWERS = {
    "n_bureau": "int",
    "peak_para": "int",
    "days_to_congress": "int",
    "chronology": "DataFrame",
}
POINTS = {"test_n_bureau": 1, "test_peak_para": 1, "test_days_to_congress": 1, "test_chronology": 1}


def test_n_bureau(answers):
    n = answers["n_bureau"]
    assert n != 8, ("Close: 8 is the number of paragraphs that contain such a word. Count "
                    "every occurrence: paras['text'].str.count(...) per paragraph, then sum.")
    assert n == 14, ("Not yet. Match every word that begins with “bureaucra” (a pattern such "
                     "as r\"\\bbureaucra\"), in any letter case, in every paragraph.")


def test_peak_para(answers):
    p = answers["peak_para"]
    assert 1 <= p <= 28, "A ¶ number of seed 000 is between 1 and 28."
    assert p == 15, ("Not yet. Count the words per paragraph, then take the `para` of the row "
                     "with the largest count (idxmax gives the row, not the ¶ number).")


def test_days_to_congress(answers):
    d = answers["days_to_congress"]
    assert d != 6, "Count the days between the two dates, not the dates themselves (13 → 18 is 5 days)."
    assert d == 5, "Not yet. Subtract the two start dates and take .days."


def test_chronology(answers):
    df = answers["chronology"]
    cols = {"id", "start", "certainty", "years_before_1927"}
    assert cols <= set(df.columns), f"chronology needs the columns {sorted(cols)}; it has {list(df.columns)}."
    assert len(df) == 10, f"data.timeline('000') has 10 events; chronology has {len(df)} rows."
    assert list(df["id"])[0] == "commune-1871" and list(df["id"])[-1] == "fifteenth-congress-1927", (
        "Put the events in date order (sort by start), from the Paris Commune to the Fifteenth Congress.")
    years = dict(zip(df["id"], df["years_before_1927"]))
    assert int(years["commune-1871"]) == 56 and int(years["nep-1921"]) == 6, (
        "years_before_1927 should be 1927 minus the year of start (the Paris Commune: 56).")
