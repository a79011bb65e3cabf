"""`course release --to` applied again to a student repository in use (review 2026-12, teacher
issue 8): the same content gives the same bytes and cell ids, a notebook a student has worked on
is never overwritten, and a release that changes an exercise says what changed."""

from __future__ import annotations

import nbformat

from course.content import exercises
from course.publishing.student_repo import RECORD, release

NOTE = "A closing note added mid-term."


def notebook(repo, ex_id):
    return repo / "exercises" / ex_id / f"{ex_id}.ipynb"


def test_the_same_release_gives_the_same_bytes_and_cell_ids(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    release(one)
    notes: list[str] = []
    release(two, notes)
    for ex in exercises.all_exercises():
        assert notebook(one, ex.id).read_bytes() == notebook(two, ex.id).read_bytes()
        ids = [c.id for c in nbformat.read(notebook(one, ex.id), as_version=4).cells]
        assert len(set(ids)) == len(ids)
    assert notes == [f"exercises/{ex.id}/{ex.id}.ipynb: added" for ex in exercises.all_exercises()]
    again: list[str] = []
    release(one, again)
    assert again == [] and (one / RECORD).read_bytes() == (two / RECORD).read_bytes()


def test_a_changed_exercise_updates_untouched_notebooks_and_never_a_students_work(repo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_ROOT", str(repo_copy))
    repo = tmp_path / "student"
    release(repo)
    worked = notebook(repo, "01_soviets")
    text = worked.read_text(encoding="utf-8").replace("n_bureau = ...  # YOUR CODE HERE", "n_bureau = 9")
    assert "n_bureau = 9" in text
    worked.write_text(text, encoding="utf-8")  # the student's answer
    untouched = notebook(repo, "02_party").read_bytes()
    for ex_id in ("01_soviets", "02_party"):  # the teacher adds a cell to two exercises
        source = repo_copy / "exercises" / ex_id / "exercise.md"
        source.write_text(source.read_text(encoding="utf-8") + f"\n+++\n\n{NOTE}\n", encoding="utf-8")
    notes: list[str] = []
    release(repo, notes)
    assert worked.read_text(encoding="utf-8") == text  # kept, byte for byte
    [kept] = [n for n in notes if n.startswith("exercises/01_soviets/")]
    assert "KEPT AS IT IS" in kept and f"new or changed: `{NOTE}`" in kept
    [updated] = [n for n in notes if n.startswith("exercises/02_party/")]
    assert updated.startswith("exercises/02_party/02_party.ipynb: updated") and NOTE in updated
    assert notebook(repo, "02_party").read_bytes() != untouched and NOTE in notebook(repo, "02_party").read_text()
    assert len(notes) == 2  # the other exercises did not change
    later: list[str] = []
    release(repo, later)  # once more, nothing new: the student's work is no news
    assert later == [] and worked.read_text(encoding="utf-8") == text
