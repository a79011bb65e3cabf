"""Checks for the data exercises of notebook 2 (seed 001). Messages are hints, not answers.

Exercise 2 asks for values one step from these (its gap and missing members): what would give
them away is confirmed by a salted digest (course/grading/formative.py), or only to the
precision the chapter itself prints.
"""

from course.grading.formative import matches

ANSWERS = {
    "shop_share": "float",
    "implied_total_31": "float",
    "origin_share_min": "float",
    "implied_base": "float",
    "shortfall_regional": "float",
}


def test_shop_share(answers):
    s = answers["shop_share"]
    assert 1 < s <= 100, "Give the share in per cent (e.g. 42.0), not as a fraction (0.42)."
    assert abs(s - 36.81) > 0.05, (
        "That counts agricultural workers too: the question asks about the workers in industry and transport only."
    )
    assert abs(s - 35.5) < 0.05, "Not yet: divide the workers' row by the four rows' total, times 100."


def test_implied_total_31(answers):
    t = answers["implied_total_31"]
    assert t > 1_210_700, "For a smaller share, the same 430,000 workers need a larger total."
    assert matches(t, "ch02_party/implied_total_31$80b4e7485d272bdc", places=0), (
        "Not yet: the total T satisfies 430,000 / T = 0.31."
    )


def test_origin_share_min(answers):
    s = answers["origin_share_min"]
    assert 1 < s <= 100, "Give the share in per cent, not as a fraction."
    assert abs(s - 54.60) < 0.05, "Not yet: workers_by_origin_at_least divided by total, times 100."


def test_implied_base(answers):
    b = answers["implied_base"]
    assert abs(b - 5_200) > 100, "That is 6.5 % of 80,000: here 80,000 is 6.5 % of the base."
    assert abs(b - 1_230_769) < 2, "Not yet: if 6.5 % of B is 80,000, then B = 80,000 / 0.065."


def test_shortfall_regional(answers):
    d = answers["shortfall_regional"]
    assert d > 0, "The committees had fewer workers than the minimum: subtract the share from the target."
    assert abs(d - 36.8) < 0.05, "Not yet: the target (¶52) minus the regional committees' share (¶10)."
