"""Hidden tests for exercise 3 (seed 002): the teacher's, for a grade. Never give them to students.

They check the values (the public checks only confirm digests) and that the answers agree with
each other. Their messages reach the student's report, so they point to a step and never state
a value. Run them with ``course grade NOTEBOOK --hidden-tests instructor/hidden-tests``.
"""

ANSWERS = {
    "days_reply_to_conference": "int",
    "trotsky_words": "int",
    "editor_share": "float",
    "bureaucracy_per_1000": "float",
    "ratio_bureaucracy": "float",
}
POINTS = {
    "test_days_reply_to_conference_value": 1,
    "test_trotsky_words_value": 1,
    "test_editor_share_value": 1,
    "test_bureaucracy_per_1000_value": 1,
    "test_bureaucracy_per_1000_counts_whole_words": 1,
    "test_ratio_bureaucracy_value": 1,
    "test_ratio_bureaucracy_agrees_with_the_rate": 1,
}

RATE_000 = 8.009153  # "bureaucra…" words per 1,000 words in seed 000, ¶4–28


def test_days_reply_to_conference_value(answers):
    assert answers["days_reply_to_conference"] == 61, "days_reply_to_conference: not the days between the two starts."


def test_trotsky_words_value(answers):
    assert answers["trotsky_words"] == 875, "trotsky_words: not the words of ¶7–14."


def test_editor_share_value(answers):
    assert abs(answers["editor_share"] - 9.863281) < 0.005, "editor_share: not the share of ¶5."


def test_bureaucracy_per_1000_value(answers):
    assert abs(answers["bureaucracy_per_1000"] - 22.857143) < 0.005, "bureaucracy_per_1000: not the rate in ¶7–14."


def test_bureaucracy_per_1000_counts_whole_words(answers):
    count = answers["bureaucracy_per_1000"] * answers["trotsky_words"] / 1000
    assert abs(count - round(count)) < 0.01, (
        "bureaucracy_per_1000 × trotsky_words / 1,000 should be a whole number of words: use "
        "the same paragraphs (¶7–14) for the count and for the words."
    )


def test_ratio_bureaucracy_value(answers):
    assert abs(answers["ratio_bureaucracy"] - 2.853878) < 0.005, "ratio_bureaucracy: not the ratio of the two rates."


def test_ratio_bureaucracy_agrees_with_the_rate(answers):
    rate_000 = answers["bureaucracy_per_1000"] / answers["ratio_bureaucracy"]
    assert abs(rate_000 - RATE_000) < 0.01, (
        "ratio_bureaucracy should be your bureaucracy_per_1000 divided by seed 000's rate (¶4–28)."
    )
