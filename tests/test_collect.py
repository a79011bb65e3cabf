"""`course collect`: each student's repository fetched, the last commit at or before the deadline
taken, its notebooks written where grade-all reads them, and a manifest. End to end on local bare
repositories (file:// addresses): on-time work, a late push, a force-push that rewrites history,
a missing and an empty repository, refused addresses, and a rerun that changes nothing.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from course.content import exercises, roster
from course.grading.collect import collect, parse_deadline

COURSE = str(Path(sys.executable).parent / "course")
IDS = [ex.id for ex in exercises.all_exercises()]
EX1, EX2 = IDS[0], IDS[1]
DEADLINE = datetime(2026, 12, 18, 23, 59, tzinfo=UTC)


def _git(*args, cwd, date: datetime | None = None):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Student",
        "GIT_AUTHOR_EMAIL": "student@example.edu",
        "GIT_COMMITTER_NAME": "Student",
        "GIT_COMMITTER_EMAIL": "student@example.edu",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date.isoformat()
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


class Student:
    """A student's working copy and the bare repository it pushes to (the 'host')."""

    def __init__(self, tmp: Path, name: str):
        self.bare = tmp / "host" / f"{name}.git"
        self.work = tmp / "work" / name
        self.bare.mkdir(parents=True)
        self.work.mkdir(parents=True)
        _git("init", "-q", "--bare", "-b", "main", str(self.bare), cwd=tmp)
        _git("init", "-q", "-b", "main", cwd=self.work)
        _git("remote", "add", "origin", str(self.bare), cwd=self.work)
        self.url = self.bare.as_uri()

    def commit(self, files: dict[str, str], date: datetime, push: bool = True, amend: bool = False):
        for rel, text in files.items():
            (self.work / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.work / rel).write_text(text, encoding="utf-8")
        _git("add", "-A", cwd=self.work)
        _git("commit", "-q", *(["--amend"] if amend else []), "-m", f"work {date}", cwd=self.work, date=date)
        if push:
            _git("push", "-q", "--force", "origin", "main", cwd=self.work)
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=self.work, capture_output=True, text=True, check=True
        ).stdout.strip()


def nb(exercise: str, text: str = "answer") -> dict[str, str]:
    """A notebook as collect sees it: bytes at the course's path (collect never parses them)."""
    return {f"exercises/{exercise}/{exercise}.ipynb": f'{{"cells": [], "note": "{text}"}}\n'}


def write_roster(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("id,name,repository\n" + "".join(f"{i},Name {i},{url}\n" for i, url in rows), encoding="utf-8")
    return path


def manifest_rows(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def run_collect(tmp: Path, rows, **kw):
    items, manifest = collect(write_roster(tmp / "roster.csv", rows), DEADLINE, tmp / "subs", **kw)
    return {i.id: i for i in items}, manifest


def test_on_time_work_is_written_where_grade_all_reads_it(tmp_path):
    ana = Student(tmp_path, "ana")
    sha = ana.commit({**nb(EX1), "README.md": "mine"}, DEADLINE - timedelta(hours=2))
    items, manifest = run_collect(tmp_path, [("ana", ana.url)])
    item = items["ana"]
    assert (item.status, item.commit, item.collected, item.changed) == ("on time", sha, [EX1], "new")
    assert item.missing == IDS[1:]
    assert (tmp_path / "subs" / "ana" / f"{EX1}.ipynb").read_text() == nb(EX1)[f"exercises/{EX1}/{EX1}.ipynb"]
    assert sorted(os.listdir(tmp_path / "subs" / "ana")) == [f"{EX1}.ipynb"]  # nothing else of the repository
    row = manifest_rows(manifest)["ana"]
    assert row["commit_time"] == "2026-12-18T21:59:00Z" and row["status"] == "on time"
    assert manifest.parent == (tmp_path / "subs").parent.resolve()  # beside the class folder, not in it


def test_a_late_push_leaves_the_earlier_commit_taken(tmp_path):
    ben = Student(tmp_path, "ben")
    early = ben.commit(nb(EX1, "first try"), DEADLINE - timedelta(minutes=5))
    ben.commit(nb(EX1, "after the deadline"), DEADLINE + timedelta(hours=1))
    items, _ = run_collect(tmp_path, [("ben", ben.url)])
    assert (items["ben"].status, items["ben"].commit) == ("on time", early)
    assert "1 later commit(s)" in items["ben"].note
    assert "first try" in (tmp_path / "subs" / "ben" / f"{EX1}.ipynb").read_text()


def test_work_with_no_commit_before_the_deadline_is_collected_as_late(tmp_path):
    cy = Student(tmp_path, "cy")
    tip = cy.commit(nb(EX2), DEADLINE + timedelta(days=1))
    items, _ = run_collect(tmp_path, [("cy", cy.url)])
    assert (items["cy"].status, items["cy"].commit, items["cy"].collected) == ("late", tip, [EX2])


def test_a_force_push_after_the_deadline_does_not_take_away_work_collected_on_time(tmp_path):
    dee = Student(tmp_path, "dee")
    on_time = dee.commit(nb(EX1, "on time"), DEADLINE - timedelta(hours=1))
    first, _ = run_collect(tmp_path, [("dee", dee.url)])
    assert first["dee"].commit == on_time
    # History rewritten: the only commit amended after the deadline and force-pushed.
    rewritten = dee.commit(nb(EX1, "rewritten"), DEADLINE + timedelta(hours=3), amend=True)
    again, _ = run_collect(tmp_path, [("dee", dee.url)])
    assert (again["dee"].status, again["dee"].commit, again["dee"].changed) == ("on time", on_time, "unchanged")
    assert "rewritten" in again["dee"].note and on_time[:12] in again["dee"].note
    assert "on time" in (tmp_path / "subs" / "dee" / f"{EX1}.ipynb").read_text()
    assert rewritten != on_time


def test_a_force_push_with_a_new_dated_history_is_taken_and_said(tmp_path):
    """Commit dates are the student's: a rewritten history dated before the deadline is taken,
    and the manifest says the branch was rewritten, for the teacher to judge."""
    eve = Student(tmp_path, "eve")
    eve.commit({**nb(EX1, "v1"), **nb(EX2, "v1")}, DEADLINE - timedelta(hours=5))
    run_collect(tmp_path, [("eve", eve.url)])
    _git("rm", "-q", f"exercises/{EX2}/{EX2}.ipynb", cwd=eve.work)
    new = eve.commit(nb(EX1, "v2"), DEADLINE - timedelta(hours=4), amend=True)
    items, _ = run_collect(tmp_path, [("eve", eve.url)])
    assert (items["eve"].commit, items["eve"].changed, items["eve"].collected) == (new, "updated", [EX1])
    assert "rewritten" in items["eve"].note
    assert sorted(os.listdir(tmp_path / "subs" / "eve")) == [f"{EX1}.ipynb"]  # the dropped notebook is gone


def test_missing_and_empty_repositories_are_reported_and_the_rest_collected(tmp_path):
    ana = Student(tmp_path, "ana")
    ana.commit(nb(EX1), DEADLINE - timedelta(hours=1))
    empty = Student(tmp_path, "fay")
    rows = [("ana", ana.url), ("gone", (tmp_path / "host" / "nobody.git").as_uri()), ("fay", empty.url)]
    items, manifest = run_collect(tmp_path, rows)
    assert items["ana"].status == "on time"
    assert items["gone"].status == "unreachable" and "does not appear to be a git repository" in items["gone"].note
    assert (items["fay"].status, items["fay"].collected) == ("empty", [])
    assert set(manifest_rows(manifest)) == {"ana", "gone", "fay"}
    assert not (tmp_path / "subs" / "gone").exists()


def test_a_rerun_with_nothing_new_changes_nothing(tmp_path):
    ana, ben = Student(tmp_path, "ana"), Student(tmp_path, "ben")
    ana.commit(nb(EX1), DEADLINE - timedelta(hours=1))
    ben.commit(nb(EX2), DEADLINE - timedelta(hours=1))
    rows = [("ana", ana.url), ("ben", ben.url)]
    _, manifest = run_collect(tmp_path, rows)
    files = sorted((tmp_path / "subs").rglob("*.ipynb"))
    stamps = [p.stat().st_mtime_ns for p in files]
    before = manifest.read_text()
    items, _ = run_collect(tmp_path, rows)
    assert {i.changed for i in items.values()} == {"unchanged"}
    assert [p.stat().st_mtime_ns for p in files] == stamps  # not even rewritten
    assert manifest.read_text() == before.replace(",new,", ",unchanged,")


def test_refused_addresses_never_reach_git(tmp_path):
    marker = tmp_path / "ran"
    rows = [("a", f"ext::sh -c touch% {marker}"), ("b", "--upload-pack=touch " + str(marker)), ("c", "fd::3")]
    items, _ = run_collect(tmp_path, rows)
    assert {i.status for i in items.values()} == {"refused"}
    assert not marker.exists()


def test_a_link_at_a_notebooks_path_is_not_followed(tmp_path):
    """A repository may hold a symbolic link where a notebook belongs (to /etc/passwd, say):
    collect takes plain files only, so nothing outside the repository is ever read."""
    mal = Student(tmp_path, "mal")
    link = mal.work / "exercises" / EX1 / f"{EX1}.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to("/etc/passwd")
    mal.commit(nb(EX2), DEADLINE - timedelta(hours=1))
    items, _ = run_collect(tmp_path, [("mal", mal.url)])
    assert items["mal"].collected == [EX2] and EX1 in items["mal"].missing
    assert "not a plain file" in items["mal"].note
    assert not (tmp_path / "subs" / "mal" / f"{EX1}.ipynb").exists()


def test_folders_are_pseudonyms_by_default_and_stable(tmp_path):
    ana = Student(tmp_path, "ana")
    ana.commit(nb(EX1), DEADLINE - timedelta(hours=1))
    key_file = tmp_path / "key"
    args = [
        COURSE,
        "collect",
        "--roster",
        str(write_roster(tmp_path / "roster.csv", [("ana", ana.url)])),
        "--deadline",
        "2026-12-19T00:59:00+01:00",
        "--to",
        str(tmp_path / "subs"),
        "--key-file",
        str(key_file),
    ]
    first = subprocess.run(args, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    [folder] = os.listdir(tmp_path / "subs")
    assert folder == roster.pseudonym("ana", roster.load_key(key_file)) and folder.startswith("s-")
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert subprocess.run(args, capture_output=True, text=True).returncode == 0
    assert os.listdir(tmp_path / "subs") == [folder]  # the same pseudonym on the next run
    row = manifest_rows(tmp_path / "subs-manifest.csv")["ana"]
    assert row["folder"] == folder  # the manifest, kept locally, links the two
    real = subprocess.run([*args[:-2], "--real-ids", "--to", str(tmp_path / "named")], capture_output=True, text=True)
    assert real.returncode == 0 and os.listdir(tmp_path / "named") == ["ana"]


def test_an_unreachable_repository_gives_exit_status_1(tmp_path):
    rows = [("gone", (tmp_path / "nobody.git").as_uri())]
    roster_file = write_roster(tmp_path / "roster.csv", rows)
    proc = subprocess.run(
        [COURSE, "collect", "--roster", roster_file, "--deadline", "2026-12-18T23:59Z", "--to", tmp_path / "subs"]
        + ["--key-file", tmp_path / "key"],  # never the tester's own key
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "unreachable" in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("id,repository\nana,x\nana,y\n", "line 3: the id 'ana' is already on line 2"),
        ("id,repository\n../etc,x\n", "line 2: the id '../etc' is not a safe folder name"),
        ("id,repository\n/abs,x\n", "line 2: the id '/abs' is not a safe folder name"),
        ("id,name\nana,Ana\n", "line 1: no column 'repository'"),
        ("id,repository\nana,\n", "line 2: ana has no repository"),
        ("", "the roster is empty"),
    ],
)
def test_a_bad_roster_is_refused_naming_its_line_and_nothing_is_written(tmp_path, text, message):
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [COURSE, "collect", "--roster", tmp_path / "roster.csv", "--deadline", "2026-12-18T23:59Z"]
        + ["--to", tmp_path / "subs", "--real-ids"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and message in proc.stderr and "roster.csv" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "subs").exists()


def test_a_deadline_must_name_its_time_zone():
    assert parse_deadline("2026-12-18T23:59:00Z") == DEADLINE
    with pytest.raises(Exception, match="no time zone"):
        parse_deadline("2026-12-18T23:59:00")


# ---------------------------------------------------------------- the roster, shared with other commands


def test_the_roster_keeps_known_and_own_columns_and_reads_a_spreadsheets_export(tmp_path):
    path = tmp_path / "roster.csv"
    text = "id,name,email,lms_id,section,repository,tutor\nana,Ana Lima,ana@x.edu,1001,A,u,Kim\n\nben,,,,,v,\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # "CSV UTF-8" from a spreadsheet starts with a BOM
    ana, ben = roster.read(path)
    assert (ana.id, ana.name, ana.email, ana.lms_id, ana.section, ana.repository) == (
        "ana",
        "Ana Lima",
        "ana@x.edu",
        "1001",
        "A",
        "u",
    )
    assert ana.extra == {"tutor": "Kim"} and (ana.line, ben.line) == (2, 4)  # the blank line counts
    assert roster.read(path)[1].repository == "v"


@pytest.mark.parametrize(
    "text, message",
    [
        ("id,name\nana,A,extra\n", "line 2: 3 cells, but the first line names 2 columns"),
        ("id,id\nana,ana\n", "line 1: the column 'id' is named twice"),
        ("name\nAna\n", "line 1: no column 'id'"),
        ("id\n\n", "names no student"),
        ("id\nana.ipynb\n", "not a safe folder name"),
        ("id\n..\n", "not a safe folder name"),
        ("id\nan a\n", "not a safe folder name"),
    ],
)
def test_a_bad_roster_line_is_named(tmp_path, text, message):
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    with pytest.raises(roster.RosterError, match=message) as caught:
        roster.read(tmp_path / "r.csv")
    assert str(tmp_path / "r.csv") in str(caught.value)


def test_a_roster_that_is_not_utf8_is_named_with_its_line(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"id,name\nana,Ana\nzoe,Zo\xe9\n")
    with pytest.raises(roster.RosterError, match="line 3: not UTF-8"):
        roster.read(tmp_path / "r.csv")


def test_pseudonyms_depend_on_the_key_and_a_weak_key_is_refused(tmp_path):
    one, two = roster.load_key(tmp_path / "one.key"), roster.load_key(tmp_path / "two.key")
    assert roster.load_key(tmp_path / "one.key") == one != two  # made once, then read
    assert roster.pseudonym("ana", one) == roster.pseudonym("ana", one) != roster.pseudonym("ana", two)
    assert roster.pseudonym("ana", one) != roster.pseudonym("ben", one)
    assert roster.check_id(roster.pseudonym("ana", one)) is None  # a pseudonym is a safe folder name
    (tmp_path / "weak.key").write_text("1234\n")
    with pytest.raises(roster.RosterError, match="too short"):
        roster.load_key(tmp_path / "weak.key")
