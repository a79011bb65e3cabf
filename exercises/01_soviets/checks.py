"""Checks for the data exercise of notebook 1 (seed 000). Messages are hints, not answers."""

ANSWERS = {"pravda_to_refusal_days": "int", "demands_naming_soviets": "int"}


def test_pravda_to_refusal_days(answers):
    d = answers["pravda_to_refusal_days"]
    assert d > 0, "Subtract the earlier date from the later one: the refusal came after the article."
    assert d != 635, "Almost: count the days between the dates, not both end dates (use .days of the difference)."
    assert d == 634, (
        "Not yet. Take the start of platform-refused-1927 minus the start of molotov-pravda-1925, then .days."
    )


def test_demands_naming_soviets(answers):
    n = answers["demands_naming_soviets"]
    assert 0 <= n <= 6, "There are six demands (¶21–26): the answer is between 0 and 6."
    assert n == 4, (
        "Not yet. Keep the rows with para between 21 and 26, then count those whose "
        "text contains 'Soviet' in any case (str.contains with (?i))."
    )
