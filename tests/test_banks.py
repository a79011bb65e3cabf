"""Quiz banks are validated: a bad bank fails with a message naming the file and the item (and
stops the book build: test_extension.py)."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course.content import banks

ROOT = Path(__file__).resolve().parent.parent
BANK = yaml.safe_load((ROOT / "quizzes" / "01_soviets.yml").read_text(encoding="utf-8"))


def test_every_bank_is_valid():
    found = banks.all_banks()
    assert "01_soviets" in found


def test_chapter_1_bank_meets_the_item_rules():
    items = BANK["items"]
    quiz = [i for i in items if i["id"].startswith("s000-q")]
    assert len(quiz) >= 8
    for it in items:
        assert it["question"].rstrip().endswith("?"), f"{it['id']}: the stem should be a question"
        assert len(it["options"]) == 4
        assert sum(o["correct"] for o in it["options"]) == 1
        for o in it["options"]:
            assert banks.refs_in_text(o["feedback"], "000"), f"{it['id']}: feedback without ¶"
    # The key's position varies.
    positions = {next(n for n, o in enumerate(i["options"]) if o["correct"]) for i in quiz}
    assert len(positions) >= 3
    skills = {i["skill"] for i in quiz}
    assert {"sourcing", "corroboration"} <= skills


def _prefix(options, correct: bool, verdict: str):
    """Open the feedback of the first option that is (or is not) the key with ``verdict``."""
    opt = next(o for o in options if o["correct"] is correct)
    opt["feedback"] = verdict + opt["feedback"]


def test_feedback_may_open_with_a_word_that_is_no_verdict():
    bank = copy.deepcopy(BANK)
    bank["items"][0]["options"][0]["feedback"] = "No date is given in ¶12; right-wing critics and others differ."
    bank["items"][0]["options"][1]["feedback"] = "Right-wing critics read ¶12 otherwise."
    assert banks.validate(bank, "quizzes/test.yml") == []


def _broken(mutate):
    bank = copy.deepcopy(BANK)
    mutate(bank)
    return banks.validate(bank, "quizzes/test.yml")


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda b: b["items"][1]["options"][0].update(correct=True), "exactly one option must be correct"),
        (lambda b: b["items"][2]["options"][3].update(feedback="No reason given at all."), "must cite a paragraph"),
        (lambda b: b["items"][0].update(refs=["000:99"]), "seed 000 has no ¶99"),
        (lambda b: b["items"][0]["options"][1].update(feedback="See ¶40 for this point."), "no ¶40"),
        (lambda b: b["items"][3].update(id=b["items"][0]["id"]), "duplicate id"),
        (lambda b: b["items"][0]["options"].pop(), "is too short"),
        (lambda b: b["items"][0]["options"][2].update(text="All of the above"), "all/none of the above"),
        # The quiz says the verdict; feedback that said it too would say it twice.
        (lambda b: _prefix(b["items"][0]["options"], True, "Correct. "), "feedback opens with a verdict ('Correct.')"),
        (lambda b: _prefix(b["items"][1]["options"], False, "No. "), "feedback opens with a verdict ('No.')"),
        (lambda b: _prefix(b["items"][2]["options"], False, "Not quite, "), "opens with a verdict ('Not quite,')"),
        (
            lambda b: b["items"][0].pop("feedback", None) or b["items"][0]["options"][0].pop("feedback"),
            "'feedback' is a required property",
        ),
    ],
)
def test_invalid_bank_is_reported_with_file_and_item(mutate, expected):
    problems = _broken(mutate)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("quizzes/test.yml") for p in problems)
    assert any(", item s000-" in p for p in problems), problems


def test_course_validate_command():
    proc = subprocess.run([str(Path(sys.executable).parent / "course"), "validate"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "01_soviets" in proc.stdout and "thread(s) valid" in proc.stdout


# An item across texts, as the banks hold them (quizzes/05_twiss.yml), to break.
ACROSS = next(i for i in banks.all_banks()["05_twiss"]["items"] if i["id"] == "s004-t01")


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda i: i.pop("thread"), "an item across texts names its thread"),
        (lambda i: i.update(thread="no-such-thread"), "no thread 'no-such-thread'"),
        (lambda i: i.update(refs=["004:21"]), "rests on two texts or more"),
        (
            lambda i: [o.update(feedback=o["feedback"].replace("seed 003", "seed 004")) for o in i["options"]],
            "the feedback never cites seed 003",
        ),
        (lambda i: i.update(id="s004-q99"), "only an item across texts (s…-tNN) names a thread"),
    ],
    ids=["no thread", "unknown thread", "one text", "a text never cited", "a thread on a chapter item"],
)
def test_items_across_texts_name_their_thread_and_cite_every_text(mutate, expected):
    assert banks.validate({"chapter": "05_twiss", "items": [ACROSS]}, "quizzes/test.yml") == []
    item = copy.deepcopy(ACROSS)
    mutate(item)
    problems = banks.validate({"chapter": "05_twiss", "items": [item]}, "quizzes/test.yml")
    assert any(expected in p for p in problems), problems
