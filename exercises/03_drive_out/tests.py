"""Public tests for exercise 3 (seed 002). One test per answer; each message is the hint."""

ANSWERS = {
    "days_reply_to_conference": "int",
    "trotsky_words": "int",
    "editor_share": "float",
    "bureaucracy_per_1000": "float",
    "ratio_bureaucracy": "float",
}


def test_days_reply_to_conference(answers):
    d = answers["days_reply_to_conference"]
    assert d > 0, "Subtract the reply's date from the conference's date, not the other way round."
    assert d == 61, "Not yet: (conference start − reply start).days."


def test_trotsky_words(answers):
    n = answers["trotsky_words"]
    assert n != 1024, "That is the whole seed; keep ¶7–14 only (p002['para'].between(7, 14))."
    assert n == 875, "Not yet: the sum of the words column over ¶7–14."


def test_editor_share(answers):
    s = answers["editor_share"]
    assert 1 < s <= 100, "Give the share in per cent (e.g. 12.5), not as a fraction."
    assert abs(s - 9.86) < 0.01, "Not yet: the words of ¶5 divided by the words of all 16 ¶, times 100."


def test_bureaucracy_per_1000(answers):
    r = answers["bureaucracy_per_1000"]
    assert abs(r - 22.46) > 0.05, "That counts the whole seed; count Trotsky's reply only (¶7–14)."
    assert abs(r - 22.86) < 0.01, "Not yet: count the bureaucra… words in ¶7–14, divide by their words, times 1,000."


def test_ratio_bureaucracy(answers):
    r = answers["ratio_bureaucracy"]
    assert r > 1, "Divide the 1938 rate by the 1927 rate."
    assert abs(r - 2.85) < 0.01, "Not yet: seed 002's rate (¶7–14) divided by seed 000's rate (¶4–28)."
