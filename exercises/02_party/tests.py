"""Public tests for exercise 2 (seed 001). One test per answer; each message is the hint."""

ANSWERS = {
    "composition": "DataFrame",
    "gap_points": "float",
    "missing_members_for_31": "int",
    "sifted_of_table": "int",
    "organs_ratio": "float",
}


def test_composition(answers):
    df = answers["composition"]
    assert {"category", "members", "share"} <= set(df.columns), (
        f"composition needs the columns category, members and share; it has {list(df.columns)}.")
    assert len(df) == 4, "Keep the four rows of the table (¶6)."
    assert abs(float(df["share"].sum()) - 100) < 0.01, (
        "The shares should add up to 100: divide by the total of the four rows and multiply by 100.")
    assert list(df["members"]) == sorted(df["members"], reverse=True), (
        "Sort from the largest group to the smallest (sort_values(..., ascending=False)).")
    assert abs(float(df["share"].iloc[0]) - 38.16) < 0.01, "The largest group's share is not right yet."


def test_gap_points(answers):
    g = answers["gap_points"]
    assert g > 0, "The table's share is larger than 31: subtract 31 from it."
    assert abs(g - 5.81) > 0.05, "That includes the agricultural workers; use industry and transport only."
    assert abs(g - 4.52) < 0.01, "Not yet: (430,000 / total × 100) − 31."


def test_missing_members_for_31(answers):
    n = answers["missing_members_for_31"]
    assert n != 1_387_097, "That is the whole total; subtract the members the table already lists."
    assert abs(n - 176_397) <= 1, "Not yet: 430,000 / 0.31 gives the total; the difference is what is missing."


def test_sifted_of_table(answers):
    n = answers["sifted_of_table"]
    assert abs(n - 78_696) <= 1, "Not yet: 6.5 per cent of 1,210,700 (multiply by 0.065)."


def test_organs_ratio(answers):
    r = answers["organs_ratio"]
    assert r > 1, "Divide the party's share by the committees' share, not the other way round."
    assert abs(r - 2.69) < 0.01, "Not yet: the party's share (about 35.5 %) divided by 13.2."
