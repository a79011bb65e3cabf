"""Hidden tests for exercise 5 (seed 004): the teacher's, for a grade. Never give them to students.

They check the values (the public checks only confirm digests), the table row by row, and that
the answers agree with each other. Their messages reach the student's report, so they point to
a step and never state a value.
Run them with ``course grade NOTEBOOK --hidden-tests instructor/hidden-tests``.
"""

ANSWERS = {
    "elite_range": "int",
    "years_rb_to_study": "int",
    "talk_to_publication_days": "int",
    "phase3_share": "float",
    "phase_table": "DataFrame",
}
POINTS = {
    "test_elite_range_value": 1,
    "test_years_rb_to_study_value": 1,
    "test_talk_to_publication_days_value": 1,
    "test_phase3_share_value": 1,
    "test_phase_table_rows": 1,
    "test_phase3_share_agrees_with_phase_table": 1,
}

PHASES = [  # id, start_year, end_year, words
    ("twiss-phase1-1919", 1919, 1923, 591),
    ("twiss-phase2-1923", 1923, 1933, 1022),
    ("twiss-phase3-1933", 1933, 1940, 748),
]
SEED_004_WORDS = 3456  # data.paragraphs("004")["words"].sum()


def test_elite_range_value(answers):
    assert answers["elite_range"] == 8, "elite_range: not the gap between the largest and smallest share."


def test_years_rb_to_study_value(answers):
    assert answers["years_rb_to_study"] == 60, "years_rb_to_study: not the years between book and study."


def test_talk_to_publication_days_value(answers):
    assert answers["talk_to_publication_days"] == 46, "talk_to_publication_days: not the days between the two starts."


def test_phase3_share_value(answers):
    assert abs(answers["phase3_share"] - 21.643519) < 0.005, "phase3_share: not the share of phase 3's paragraphs."


def test_phase_table_rows(answers):
    df = answers["phase_table"]
    assert len(df) == len(PHASES), "phase_table: not one row per phase."
    rows = zip(df["id"], df["start_year"], df["end_year"], df["words"])
    for row, (mine, want) in enumerate(zip(rows, PHASES), start=1):
        for column, a, b in zip(("id", "start_year", "end_year", "words"), mine, want):
            assert (a if column == "id" else int(a)) == b, f"phase_table: row {row}, column {column} is not right yet."


def test_phase3_share_agrees_with_phase_table(answers):
    df = answers["phase_table"]
    words = [int(w) for i, w in zip(df["id"], df["words"]) if i == PHASES[2][0]]
    assert len(words) == 1, "phase_table has no single row for twiss-phase3-1933."
    assert abs(answers["phase3_share"] - words[0] / SEED_004_WORDS * 100) < 0.01, (
        "phase3_share should be the words of phase 3 in your phase_table over all the words of seed 004, times 100."
    )
