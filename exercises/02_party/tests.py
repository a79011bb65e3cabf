"""Public checks for exercise 2 (seed 001), for practice: one test per answer, each message a hint.

They check an answer's form and the steps that lead to it. Where they must confirm a value they
compare a salted digest (course/grading/formative.py), so this file states no answer. Passing
them is not a grade: a teacher grades with hidden tests.
"""

from course.grading.formative import matches

ANSWERS = {
    "composition": "DataFrame",
    "gap_points": "float",
    "missing_members_for_31": "int",
    "sifted_of_table": "int",
    "organs_ratio": "float",
}


def near(n, digest):
    """A count the question asks to round: one more or one less is a rounding, not an error."""
    return any(matches(n + step, digest) for step in (-1, 0, 1))


def test_composition(answers):
    df = answers["composition"]
    missing = sorted({"category", "members", "share"} - set(df.columns))
    assert not missing, f"composition needs the columns category, members and share; it lacks {', '.join(missing)}."
    assert len(df) == 4, "Keep the four rows of the table (¶6)."
    assert abs(float(df["share"].sum()) - 100) < 0.01, (
        "The shares should add up to 100: divide by the total of the four rows and multiply by 100."
    )
    total = float(df["members"].sum())
    assert all(abs(float(s) - m / total * 100) < 1e-6 for s, m in zip(df["share"], df["members"])), (
        "share is each row's members divided by the four rows' total, times 100."
    )
    assert list(df["members"]) == sorted(df["members"], reverse=True), (
        "Sort from the largest group to the smallest (sort_values(..., ascending=False))."
    )
    assert matches([list(df["category"]), list(df["members"])], "02_party/composition_rows$2dbe278b237ba1aa"), (
        "The rows are not yet the table's four groups: start from comp and keep its category "
        "and members columns as they are (¶6)."
    )


def test_gap_points(answers):
    g = answers["gap_points"]
    assert g > 0, "The table's share is larger than the 31 per cent of ¶7: subtract 31 from it."
    assert abs(g - 5.81) > 0.05, (
        "That includes the agricultural workers; ¶7 speaks of workers in industry and transport only."
    )
    assert matches(g, "02_party/gap_points$378ae9caedc564cd", places=2), (
        "Not yet: the share of workers_industry_transport in the four rows' total, in per cent, minus the 31 of ¶7."
    )


def test_missing_members_for_31(answers):
    n = answers["missing_members_for_31"]
    assert n > 0, "Subtract the four rows' total from the whole that the 31 per cent implies."
    assert n != 1_387_097, "That is the whole total; subtract the members the table already lists."
    assert near(n, "02_party/missing_members_for_31$e6c1b1ccd567a513"), (
        "Not yet: the 430,000 workers divided by 0.31 give the whole; the difference between it "
        "and the four rows' total is what is missing (¶7)."
    )


def test_sifted_of_table(answers):
    n = answers["sifted_of_table"]
    assert n != 80_000, "That is the Platform's round figure (¶8); compute 6.5 per cent of the table's total."
    assert near(n, "02_party/sifted_of_table$b918c29f550891f1"), (
        "Not yet: 6.5 per cent of the four rows' total (multiply by 0.065), rounded to a whole number."
    )


def test_organs_ratio(answers):
    r = answers["organs_ratio"]
    assert r > 1, "Divide the party's share by the committees' share, not the other way round."
    assert abs(r - 10 / 3) > 0.01, (
        "That compares the Platform's round numbers (¶11); use the table's share and regional_shop_workers (¶10)."
    )
    assert matches(r, "02_party/organs_ratio$02a16f6eb9939a93", places=2), (
        "Not yet: the table's share of workers in industry and transport (as for gap_points, "
        "before subtracting) divided by the committees' share, regional_shop_workers (¶10)."
    )
