"""`grade-all --shard K/N` and `course merge`: a class graded in shares and joined gives the
gradebook of one run, byte for byte, and a shard that failed or is missing stops the merge with
its name. The class of 100 is graded twice (once whole, once as 4 shards) in one module fixture.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from course.content import exercises
from course.grading import batch

from helpers import VALIDATOR

COURSE = str(Path(sys.executable).parent / "course")
TEMPLATE = Path(batch.__file__).parent.parent / "publishing" / "templates" / "grade-shards.yml"
EX = exercises.get("01_soviets")
NB = f"{EX.id}.ipynb"
CLASS_SIZE = 100


# ---------------------------------------------------------------- the split, without grading


@pytest.mark.parametrize("size, n", [(100, 4), (101, 4), (7, 3), (3, 5), (5000, 20)])
def test_shares_are_even_and_cover_the_class_once(size, n):
    entries = sorted(f"student{i:05d}" for i in range(size))
    shares = [batch.share(entries, k, n) for k in range(1, n + 1)]
    assert sorted(e for s in shares for e in s) == entries
    assert max(map(len, shares)) - min(map(len, shares)) <= 1


@pytest.mark.parametrize("text", ["0/4", "5/4", "1", "a/b", "2/0", "-1/4"])
def test_a_shard_must_be_k_of_n(text):
    with pytest.raises(batch.ShardError, match="K/N"):
        batch.parse_shard(text)


def fake_shard(folder: Path, k: int, n: int, entries: list[str], **change) -> Path:
    """A shard record as grade-all --shard writes it, for a class named ``entries``."""
    mine = batch.share(entries, k, n)
    record = {
        "shard": f"{k}/{n}",
        "grader": "course test",
        "class": {"students": entries, "sha256": batch._class_digest(entries)},
        "students": mine,
        "report_files": [],
        "reports": [
            {"student": s, "notebook": f"{s}.ipynb", "status": "graded", "score": 1, "max_score": 1, "tests": []}
            for s in mine
        ],
        **change,
    }
    folder.mkdir(parents=True)
    (folder / batch.SHARD_FILE).write_text(json.dumps(record), encoding="utf-8")
    return folder


CLASS = [f"s{i:02d}" for i in range(10)]


def test_merge_of_complete_shards_lists_everyone_once(tmp_path):
    shards = [fake_shard(tmp_path / str(k), k, 3, CLASS) for k in (1, 2, 3)]
    reports = batch.merge(shards, tmp_path / "out")
    assert sorted(r["student"] for r in reports) == CLASS
    assert (tmp_path / "out" / "gradebook.csv").read_text().count("\n") == 11


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing", "Shard(s) 2/3 missing"),
        ("failed", "has no shard.json: its grade-all --shard run did not finish"),
        ("twice", "are both shard 1/3"),
        ("other class", "graded another class"),
        ("other n", "is shard 2/4, but"),
    ],
)
def test_merge_names_a_failed_or_missing_shard_and_writes_nothing(tmp_path, damage, message):
    one = fake_shard(tmp_path / "1", 1, 3, CLASS)
    three = fake_shard(tmp_path / "3", 3, 3, CLASS)
    two = {
        "missing": lambda: None,
        "failed": lambda: tmp_path / "2",
        "twice": lambda: fake_shard(tmp_path / "2", 1, 3, CLASS),
        "other class": lambda: fake_shard(tmp_path / "2", 2, 3, [*CLASS, "new"]),
        "other n": lambda: fake_shard(tmp_path / "2", 2, 4, CLASS),
    }[damage]()
    if damage == "failed":
        two.mkdir()  # the artifact of a shard that stopped half-way: reports, no record
    proc = subprocess.run(
        [COURSE, "merge", one, *([two] if two else []), three, "--out", tmp_path / "out"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the workflow template


@pytest.mark.slow
def test_the_shard_workflow_validates_against_the_actions_schema():
    proc = subprocess.run([str(VALIDATOR), str(TEMPLATE)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_shard_workflow_grades_a_matrix_and_merges_even_when_a_shard_fails():
    spec = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert spec["permissions"] == {"contents": "read"}
    grade, merge = spec["jobs"]["grade"], spec["jobs"]["merge"]
    assert grade["strategy"]["fail-fast"] is False
    assert grade["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    runs = [step.get("run", "") for step in grade["steps"]]
    assert any("course grade-all" in r and '--shard "$SHARD"' in r and "--hidden-tests" in r for r in runs)
    assert runs.index("rm -rf .git instructor exercises/*/exercise.md") < next(
        i for i, r in enumerate(runs) if "grade-all" in r
    )  # the solutions are gone before any notebook runs
    assert "grade" in merge["needs"] and merge["if"].startswith("always()")
    assert any("course merge" in step.get("run", "") for step in merge["steps"])


# ---------------------------------------------------------------- a real class, graded both ways


def make_class(tmp: Path) -> Path:
    """100 notebooks: mostly solved, some blank, one not a notebook, and a student with a
    folder of two (so a shard takes a student's notebooks together)."""
    solved = EX.notebook()
    solved.metadata["course"] = {"exercise": EX.id}
    subs = tmp / "submissions"
    subs.mkdir()
    nbformat.write(solved, tmp / "solved.ipynb")
    nbformat.write(EX.student_notebook(), tmp / "blank.ipynb")
    for i in range(CLASS_SIZE - 3):
        shutil.copy(tmp / ("blank.ipynb" if i % 10 == 3 else "solved.ipynb"), subs / f"student{i:03d}.ipynb")
    (subs / "zz-not-a-notebook.ipynb").write_text("my answers are 14 and 61", encoding="utf-8")
    (subs / "kim").mkdir()
    shutil.copy(tmp / "solved.ipynb", subs / "kim" / NB)
    shutil.copy(tmp / "blank.ipynb", subs / "kim" / "second-try.ipynb")
    return subs


def grade_all(subs: Path, out: Path, *args) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [COURSE, "grade-all", subs, "--out", out, "--workers", "2", *args], capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shards")
    subs = make_class(tmp)
    grade_all(subs, tmp / "whole")
    for k in range(1, 5):
        grade_all(subs, tmp / f"shard{k}", "--shard", f"{k}/4")
    return tmp


def without_times(report: Path) -> dict:
    data = json.loads(report.read_text(encoding="utf-8"))
    data.pop("seconds")
    return data


@pytest.mark.slow
def test_four_shards_merged_equal_one_run(graded, tmp_path):
    shards = [graded / f"shard{k}" for k in range(1, 5)]
    counts = [len(json.loads((s / "shard.json").read_text())["reports"]) for s in shards]
    assert sum(counts) == CLASS_SIZE and max(counts) - min(counts) <= 2  # even (kim has two)
    proc = subprocess.run([COURSE, "merge", *shards, "--out", tmp_path / "merged"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    whole, merged = graded / "whole", tmp_path / "merged"
    assert (merged / "gradebook.csv").read_bytes() == (whole / "gradebook.csv").read_bytes()
    names = sorted(p.name for p in (whole / "reports").iterdir())
    assert names == sorted(p.name for p in (merged / "reports").iterdir()) and len(names) == 2 * CLASS_SIZE
    for name in names:
        if name.endswith(".json"):  # the run's duration is the one thing that differs
            assert without_times(merged / "reports" / name) == without_times(whole / "reports" / name), name
        else:
            assert (merged / "reports" / name).read_bytes() == (whole / "reports" / name).read_bytes(), name
    book = (merged / "gradebook.csv").read_text(encoding="utf-8")
    assert "could not grade" in book and ",0,4,graded" in book and ",4,4,graded" in book  # all kinds are there


@pytest.mark.slow
def test_a_shard_graded_again_without_finishing_is_named_by_the_merge(graded, tmp_path):
    shards = [graded / f"shard{k}" for k in range(1, 5)]
    broken = tmp_path / "shard3"
    shutil.copytree(shards[2], broken)
    (broken / "shard.json").unlink()  # what a run that crashed leaves: reports, no record
    proc = subprocess.run(
        [COURSE, "merge", shards[0], shards[1], broken, shards[3], "--out", tmp_path / "merged"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "shard3 has no shard.json" in proc.stderr and "3/4 missing" in proc.stderr


def test_a_shard_record_that_is_not_one_is_refused(tmp_path):
    folder = fake_shard(tmp_path / "1", 1, 1, CLASS)
    record = json.loads((folder / batch.SHARD_FILE).read_text())
    record["reports"][0] = {"notebook": "x.ipynb"}  # no student
    (folder / batch.SHARD_FILE).write_text(json.dumps(record))
    with pytest.raises(batch.ShardError, match="is not a shard record"):
        batch.merge([folder], tmp_path / "out")
    assert not (tmp_path / "out").exists()
