"""Public checks for exercise 5 (seed 004), for practice: one test per answer, each message a hint.

They check an answer's form and the steps that lead to it. Where they must confirm a value they
compare a salted digest (course/grading/formative.py), so this file states no answer. Passing
them is not a grade: a teacher grades with hidden tests.
"""

from course.grading.formative import matches

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
    assert r < 100, "The shares are percentages (¶24): their difference is below 100 points."
    assert matches(r, "05_twiss/elite_range$f720aff4454d5e8e"), (
        "Not yet: the largest of the three shares of ¶24 minus the smallest (max() − min())."
    )


def test_years_rb_to_study(answers):
    y = answers["years_rb_to_study"]
    assert y > 0, "Subtract the book's year from the study's year."
    assert y != 55, "55 years is to the dissolution of the USSR (1991); the question asks about the study."
    assert matches(y, "05_twiss/years_rb_to_study$c9fd4c6047904b1c"), (
        "Not yet: the study's year minus the year of The Revolution Betrayed (.year of each start)."
    )


def test_talk_to_publication_days(answers):
    d = answers["talk_to_publication_days"]
    assert d > 0, "Subtract the talk's date from the publication date."
    assert d < 365, "Both fall in 2016 (¶4, ¶26): subtract the two start dates, then take .days."
    assert matches(d, "05_twiss/talk_to_publication_days$79efb9c8dcf4b9c8"), (
        "Not yet: (publication start − talk start).days."
    )


def test_phase3_share(answers):
    s = answers["phase3_share"]
    assert 1 < s <= 100, "Give the share in per cent, not as a fraction."
    assert matches(s, "05_twiss/phase3_share$e6aad84e0c07a813", places=2), (
        "Not yet: the words of the phase's paragraphs (from its seed_refs) divided by all the "
        "words of seed 004, times 100."
    )


def test_phase_table(answers):
    df = answers["phase_table"]
    missing = sorted({"id", "start_year", "end_year", "words"} - set(df.columns))
    assert not missing, (
        f"phase_table needs the columns id, start_year, end_year and words; it lacks {', '.join(missing)}."
    )
    assert len(df) == 3, "One row per phase: three rows."
    assert all(str(i).startswith("twiss-phase") for i in df["id"]), (
        'Keep the events whose id begins with "twiss-phase".'
    )
    assert list(df["start_year"]) == sorted(df["start_year"]), "Keep the phases in date order (sort by start)."
    assert all(e >= s for s, e in zip(df["start_year"], df["end_year"])), (
        "end_year is the year of each phase's end, start_year of its start."
    )
    assert matches(list(df["id"]), "05_twiss/phase_ids$65feffb5fdb1e56d"), (
        "Keep the three phases in date order (sort by start)."
    )
    assert matches(
        [[int(s), int(e)] for s, e in zip(df["start_year"], df["end_year"])], "05_twiss/phase_years$d7ad4586efe9a9af"
    ), "The years are not right yet: .year of each phase's start and end."
    assert matches([int(w) for w in df["words"]], "05_twiss/phase_words$100b51f3b33b5c22"), (
        "The words are not right yet: for each phase, sum the words of the paragraphs in its "
        'seed_refs (the numbers after "004:").'
    )
