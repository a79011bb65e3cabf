"""Public tests for exercise 5 (seed 004). One test per answer; each message is the hint."""

ANSWERS = {
    "elite_range": "int",
    "years_rb_to_study": "int",
    "talk_to_publication_days": "int",
    "phase3_share": "float",
    "phase_table": "DataFrame",
}


def test_elite_range(answers):
    r = answers["elite_range"]
    assert r > 0, "Subtract the smallest share from the largest."
    assert r == 8, "Not yet: the largest of the three shares minus the smallest."


def test_years_rb_to_study(answers):
    y = answers["years_rb_to_study"]
    assert y != 55, "55 years is to the dissolution of the USSR (1991); the question asks about the study."
    assert y == 60, "Not yet: the study's year minus the year of The Revolution Betrayed."


def test_talk_to_publication_days(answers):
    d = answers["talk_to_publication_days"]
    assert d > 0, "Subtract the talk's date from the publication date."
    assert d == 46, "Not yet: (publication start − talk start).days."


def test_phase3_share(answers):
    s = answers["phase3_share"]
    assert 1 < s <= 100, "Give the share in per cent, not as a fraction."
    assert abs(s - 21.64) < 0.01, ("Not yet: the words of the phase's paragraphs (from its seed_refs) "
                                   "divided by all the words of seed 004, times 100.")


def test_phase_table(answers):
    df = answers["phase_table"]
    assert {"id", "start_year", "end_year", "words"} <= set(df.columns), (
        f"phase_table needs the columns id, start_year, end_year and words; it has {list(df.columns)}.")
    assert len(df) == 3, "One row per phase: three rows."
    assert list(df["id"]) == ["twiss-phase1-1919", "twiss-phase2-1923", "twiss-phase3-1933"], (
        "Keep the phases in date order (sort by start).")
    assert list(df["start_year"]) == [1919, 1923, 1933], "The start years are not right yet."
    assert list(df["end_year"]) == [1923, 1933, 1940], "The end years are not right yet."
    assert list(df["words"]) == [591, 1022, 748], ("The words are not right yet: for each phase, sum the "
                                                  "words of the paragraphs in its seed_refs.")
