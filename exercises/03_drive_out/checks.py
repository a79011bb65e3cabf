"""Checks for the data exercises of notebook 3 (seed 002). Messages are hints, not answers."""

ANSWERS = {"years_platform_to_reply": "float", "revolution_per_1000": "float", "reform_count_000": "int"}


def test_years_platform_to_reply(answers):
    y = answers["years_platform_to_reply"]
    assert y > 0, "Subtract the earlier date from the later one."
    assert abs(y - 11) > 0.05, "That is 1938 − 1927; use the two exact dates (days / 365.25)."
    assert abs(y - 10.82) < 0.01, "Not yet: (reply date − Platform date) in days, divided by 365.25."


def test_revolution_per_1000(answers):
    r = answers["revolution_per_1000"]
    assert abs(r - 10.74) > 0.05, (
        "That counts the whole seed, the 1954 editor's note included; count Trotsky's words only (¶7–14)."
    )
    assert abs(r - 0.0103) > 0.001, "Multiply by 1,000: the rate is per 1,000 words."
    assert abs(r - 10.29) < 0.01, "Not yet: the count of revolution… words in ¶7–14, per 1,000 of their words."


def test_reform_count_000(answers):
    n = answers["reform_count_000"]
    assert n == 0, 'Not yet: count_stem(platform, "reform") — and look at the table above.'
