"""Hidden tests for exercise 2 (seed 001): the teacher's, for a grade. Never give them to students.

They check the values (the public checks only confirm digests), the table row by row, and that
the answers agree with each other. Their messages reach the student's report, so they point to
a step and never state a value.
Run them with ``course grade NOTEBOOK --hidden-tests instructor/hidden-tests``.
"""

ANSWERS = {
    "composition": "DataFrame",
    "gap_points": "float",
    "missing_members_for_31": "int",
    "sifted_of_table": "int",
    "organs_ratio": "float",
}
POINTS = {
    "test_composition_rows": 1,
    "test_gap_points_value": 1,
    "test_gap_points_agrees_with_composition": 1,
    "test_missing_members_for_31_value": 1,
    "test_sifted_of_table_value": 1,
    "test_organs_ratio_value": 1,
    "test_organs_ratio_agrees_with_gap_points": 1,
}

COMPOSITION = [  # category, members, share (per cent of the four rows), largest first
    ("Officials", 462000, 38.159742),
    ("Workers actually occupied in industry and transport", 430000, 35.516643),
    ("Peasants", 303000, 25.026844),
    ("Agricultural workers", 15700, 1.296770),
]
STATED_SHARE = 31  # ¶7, the share the Platform states
REGIONAL_SHARE = 13.2  # ¶10, regional_shop_workers


def test_composition_rows(answers):
    df = answers["composition"]
    assert len(df) == len(COMPOSITION), "composition: not the four rows of the table."
    rows = zip(df["category"], df["members"], df["share"])
    for row, ((category, members, share), want) in enumerate(zip(rows, COMPOSITION), start=1):
        assert category == want[0], f"composition: row {row}, category is not right yet."
        assert int(members) == want[1], f"composition: row {row}, members is not right yet."
        assert abs(float(share) - want[2]) < 0.005, f"composition: row {row}, share is not right yet."


def test_gap_points_value(answers):
    assert abs(answers["gap_points"] - 4.516643) < 0.005, "gap_points: not the gap in points."


def test_gap_points_agrees_with_composition(answers):
    df = answers["composition"]
    workers = df[df["category"] == COMPOSITION[1][0]]["share"]
    assert len(workers) == 1, "composition has no single row for workers in industry and transport."
    assert abs(answers["gap_points"] - (float(workers.iloc[0]) - STATED_SHARE)) < 0.01, (
        "gap_points should be the workers' share in your composition minus 31."
    )


def test_missing_members_for_31_value(answers):
    assert abs(answers["missing_members_for_31"] - 176_397) <= 1, "missing_members_for_31: not the missing members."


def test_sifted_of_table_value(answers):
    assert abs(answers["sifted_of_table"] - 78_696) <= 1, "sifted_of_table: not 6.5 per cent of the table's total."


def test_organs_ratio_value(answers):
    assert abs(answers["organs_ratio"] - 2.690655) < 0.005, "organs_ratio: not the ratio of the two shares."


def test_organs_ratio_agrees_with_gap_points(answers):
    party_share = answers["gap_points"] + STATED_SHARE
    assert abs(answers["organs_ratio"] * REGIONAL_SHARE - party_share) < 0.05, (
        "organs_ratio times 13.2 should give the party's share that gap_points starts from."
    )
