"""Checks for the data exercises of notebook 4 (seed 003). Messages are hints, not answers."""

ANSWERS = {"doubling_15": "float", "factor_20_10y": "float", "quotation_share": "float", "unsure_paras": "int"}


def test_doubling_15(answers):
    t = answers["doubling_15"]
    assert abs(t - 6.67) > 0.05, (
        "That is 100 / 15, simple growth; with compounding use math.log(2) / math.log(1 + r_low)."
    )
    assert abs(t - 4.96) < 0.01, "Not yet: math.log(2) / math.log(1 + r_low)."


def test_factor_20_10y(answers):
    f = answers["factor_20_10y"]
    assert abs(f - 3.0) > 0.01, "That is simple growth (1 + 10 × 0.2); compound it: (1 + r_high) ** 10."
    assert abs(f - 6.19) < 0.01, "Not yet: (1 + r_high) ** 10."


def test_quotation_share(answers):
    s = answers["quotation_share"]
    assert 1 < s <= 100, "Give the share in per cent, not as a fraction."
    assert abs(s - 28.82) < 0.01, (
        'Not yet: the words of the rows whose kind is "quotation", divided by all the words, times 100.'
    )


def test_unsure_paras(answers):
    n = answers["unsure_paras"]
    assert n == 23, 'Not yet: count the rows whose certainty is "unsure".'
