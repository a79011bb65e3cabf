"""`course new-chapter`: a new text becomes a draft chapter that builds, and bad input is refused.

Everything runs on a copy of the repository (COURSE_ROOT). The copy is built once (slow), as its
author previews it (`course build-book --drafts`); that the student site leaves the draft out is
checked on a small book of the copy's chapters, built in-process in both editions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jupytext
import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from course.authoring import scaffold
from course.authoring.scaffold import TEMPLATE_SECTIONS
from course.content import banks, chapters, paths, questions, seeds
from course.content.chapters import outline as chapter_outline

from helpers import reuse_executed

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# A short text written for this test: two header lines, prose, and a block of numbered lines
# (each its own ¶), with curly quotes, a dash and an accent to show the bytes are kept.
SAMPLE = """A Note on Office Clerks

Written for the course’s tests, 2026

Every office keeps two kinds of record: the one it shows to visitors and the one it keeps for \
itself. This note asks what a student can learn from the difference.

The clerk who writes the minutes decides what the meeting said. Nobody elected the clerk, yet
the clerk’s wording is what the next meeting will read — and what the historian will quote.

1. Read the minutes.
2. Ask who wrote them, and when.
3. Ask who could change them afterwards.

A record is evidence of what someone wanted remembered. That is not the same as evidence of \
what happened, but it is not nothing either: the café owner’s ledger and the minister’s \
circular both tell us who was expected to read them.
""".encode()
TITLE = "A Note on Office Clerks"
REAL = seeds.chapters()  # the course's chapters (a draft among them, perhaps)
NUMBER = max(int(slug[:2]) for slug, _ in REAL) + 1  # what the new chapter is given: the next number
SLUG, SEED = f"{NUMBER:02d}_note_office_clerks", f"{max(int(i) for i in seeds.catalogue()) + 1:03d}"
N = len(seeds.split_paragraphs(SAMPLE.decode("utf-8")))


def copy_repo(dest: Path) -> None:
    """The repository's own files (tracked or new, not ignored): what a clone would hold."""
    listed = (
        subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"], capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)


def course(repo: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "COURSE_ROOT": str(repo)}
    return subprocess.run([str(BIN / "course"), *args], capture_output=True, text=True, env=env, timeout=timeout)


def new_chapter(repo: Path, text: Path, *extra: str, title: str = TITLE) -> subprocess.CompletedProcess:
    return course(
        repo,
        "new-chapter",
        str(text),
        "--title",
        title,
        "--author",
        "The course's test suite",
        "--date",
        "2026",
        "--kind",
        "secondary",
        *extra,
    )


def snapshot(repo: Path) -> dict[str, str]:
    return {
        str(p.relative_to(repo)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in repo.rglob("*")
        if p.is_file() and "_build" not in p.relative_to(repo).parts
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    base = tmp_path_factory.mktemp("scaffold")
    repo = base / "repo"
    copy_repo(repo)
    before = snapshot(repo)
    sample = base / "office_clerks.txt"
    sample.write_bytes(SAMPLE)
    proc = new_chapter(repo, sample)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return SimpleNamespace(repo=repo, base=base, sample=sample, before=before, out=proc.stdout)


@pytest.fixture(scope="module")
def site(made, student_site) -> Path:
    """The author's preview of the six-chapter book (`make book DRAFTS=1`): the draft's pages as
    its author sees them. The student site leaves them out (test_a_draft_is_on_no_page_of_the_student_site)."""
    out = made.repo / "_build" / "drafts"
    # Only a speed-up: executed notebooks are cached by content, so the existing chapter
    # notebooks, which the session's student build ran, need not run again; the new one runs.
    reuse_executed(student_site, out)
    proc = course(made.repo, "build-book", "--drafts", timeout=1800)
    assert proc.returncode == 0, f"book build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out / "_build" / "html"


# ---------------------------------------------------------------- what is written


def test_writes_the_chapter_files_and_changes_only_catalogue_and_toc(made):
    after = snapshot(made.repo)
    added = sorted(set(after) - set(made.before))
    changed = sorted(p for p in made.before if after[p] != made.before[p])
    assert added == sorted(
        [
            f"seeds/{SEED}_2026_a_note_on_office_clerks.txt",
            f"chapters/{SLUG}.md",
            f"chapters/{SLUG}_notebook.md",
            f"chapters/{SLUG}_exercise.md",
            f"exercises/{SLUG}/exercise.md",
            f"exercises/{SLUG}/tests.py",
            f"exercises/{SLUG}/checks.py",
            f"quizzes/{SLUG}.yml",
            f"instructor/answers/{SLUG}.yml",
            f"instructor/hidden-tests/{SLUG}/tests.py",
            f"instructor/{SLUG}_key.md",
            f"instructor/{SLUG}_lesson.md",
        ]
    )
    assert changed == ["_toc.yml", "seeds/catalogue.yml"]
    assert f"Seed {SEED} ({N} paragraphs) and draft chapter {SLUG}" in made.out


def test_seed_is_kept_byte_for_byte_and_catalogued(made):
    old = yaml.safe_load((ROOT / "seeds" / "catalogue.yml").read_text(encoding="utf-8"))
    new = yaml.safe_load((made.repo / "seeds" / "catalogue.yml").read_text(encoding="utf-8"))
    assert new[:-1] == old, "the existing entries are untouched"
    entry = new[-1]
    assert set(entry) == set(old[0]), "the new entry has every field the others have"
    assert entry["id"] == SEED and entry["chapter"] == f"chapters/{SLUG}"
    assert entry["received_as"] == "office_clerks.txt" and entry["kind"] == "secondary"
    assert entry["title"] == TITLE and entry["date"] == "2026"
    data = (made.repo / "seeds" / entry["file"]).read_bytes()
    assert data == SAMPLE
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_quiz_bank_is_an_empty_draft_that_validates(made):
    bank = yaml.safe_load((made.repo / "quizzes" / f"{SLUG}.yml").read_text(encoding="utf-8"))
    assert bank == {"chapter": SLUG, "draft": True, "items": []}
    proc = course(made.repo, "validate")
    assert proc.returncode == 0, proc.stderr
    assert f"{SLUG} (0 items)" in proc.stdout
    # Positive control: the same bank without the draft mark is refused.
    problems = banks.validate({"chapter": SLUG, "items": []}, f"quizzes/{SLUG}.yml")
    assert problems == [
        f"quizzes/{SLUG}.yml: the bank has no items (only a bank marked 'draft: true' may be empty) (at items)"
    ]


def test_chapter_time_is_front_matter_for_the_author_to_fill(made, tmp_path):
    """The syllabus reads a chapter's minutes from its front matter: the draft has the key,
    empty, and the box says where the number goes (no wording to keep)."""
    text = (made.repo / "chapters" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert chapters.front_matter(text)["myst"] == {"substitutions": {"minutes": None}}
    assert "`minutes:` in the front matter" in text and "exact words" not in text
    (tmp_path / "chapters").mkdir()
    page = tmp_path / "chapters" / f"{SLUG}.md"
    page.write_text(text, encoding="utf-8")
    with paths.using(tmp_path):
        assert (chapter_outline(SLUG)["minutes"], chapter_outline(SLUG)["draft"]) == (None, True)
        page.write_text(text.replace("minutes: null", "minutes: 45"), encoding="utf-8")
        assert chapter_outline(SLUG)["minutes"] == 45


def test_chapter_is_added_at_the_end_of_the_chapters_part(made):
    old = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    new = yaml.safe_load((made.repo / "_toc.yml").read_text(encoding="utf-8"))
    chapters = next(p for p in new["parts"] if p["caption"] == "Chapters")["chapters"]
    assert chapters[-1] == {
        "file": f"chapters/{SLUG}",
        "sections": [{"file": f"chapters/{SLUG}_notebook"}, {"file": f"chapters/{SLUG}_exercise"}],
    }
    chapters.pop()
    assert new == old, "nothing else in the toc changes"


def toc_root(tmp_path: Path, toc: dict) -> Path:
    """A folder with this toc and the real catalogue: all that finding the chapters' part reads."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / "catalogue.yml", tmp_path / "seeds")
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return tmp_path


def new_entry_in(root: Path) -> str:
    ch = scaffold.Chapter(
        seed=SEED,
        slug=SLUG,
        title=TITLE,
        author="",
        date="",
        kind="secondary",
        seed_file="",
        received_as="",
        data=b"",
        paragraphs=N,
    )
    with paths.using(root):
        return scaffold._toc_with(ch)


def test_the_chapters_part_is_found_by_its_pages_not_its_caption(tmp_path):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Chapters")
    part["caption"] = "Readings, week by week"
    new = yaml.safe_load(new_entry_in(toc_root(tmp_path, toc)))
    part["chapters"].append(
        {
            "file": f"chapters/{SLUG}",
            "sections": [{"file": f"chapters/{SLUG}_notebook"}, {"file": f"chapters/{SLUG}_exercise"}],
        }
    )
    assert new == toc


@pytest.mark.parametrize(
    "where, expected",
    [
        ("nowhere", "no part of _toc.yml lists the chapters of seeds/catalogue.yml (chapters/01_soviets, "),
        ("two parts", "more than one part of _toc.yml lists ('Chapters', 'More chapters') the chapters"),
    ],
)
def test_a_toc_whose_chapters_cannot_be_told_apart_is_refused(tmp_path, where, expected):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Chapters")
    if where == "nowhere":
        toc["parts"].remove(part)
    else:
        toc["parts"].append({"caption": "More chapters", "chapters": [part["chapters"].pop()]})
    with pytest.raises(scaffold.ScaffoldError) as err:
        new_entry_in(toc_root(tmp_path, toc))
    assert expected in str(err.value) and "by hand" in str(err.value)


def test_a_drafts_addresses_are_recorded_only_once_it_is_published(made):
    """The student site does not serve a draft, so the record (every address it serves, kept
    from edition to edition) does not name it yet; `make addresses` adds it when the banner goes."""
    from course.publishing import addresses

    new = addresses.read_recorded(made.repo / "links" / "addresses.txt")
    assert new == addresses.read_recorded(ROOT / "links" / "addresses.txt")
    assert not any(SLUG in a for a in new)
    with paths.using(made.repo):
        assert SLUG not in chapters.published() and SLUG in dict(seeds.chapters())


def draft_book(srcdir: Path, repo: Path) -> None:
    """A small book in the shape of the real one, for the copy with the draft: a home page with
    the syllabus and the list of texts, and for every chapter its reading and exercise pages
    (stubs: what they say is tested on the real build), listed in a jupyter-book toc."""
    toc = {"format": "jb-book", "root": "index", "parts": [{"caption": "Chapters", "chapters": []}]}
    (srcdir / "chapters").mkdir()
    with paths.using(repo):
        for slug, _ in seeds.chapters():
            toc["parts"][0]["chapters"].append(
                {"file": f"chapters/{slug}", "sections": [{"file": f"chapters/{slug}_exercise"}]}
            )
            title = chapter_outline(slug)["title"]
            (srcdir / "chapters" / f"{slug}.md").write_text(f"# {title}\n\nThe reading.\n", encoding="utf-8")
            (srcdir / "chapters" / f"{slug}_exercise.md").write_text(f"# Exercise: {title}\n", encoding="utf-8")
    (srcdir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def built_text(out: Path) -> str:
    """Every page, the search index and the published notebooks' names of a built site, as one text."""
    files = [*out.rglob("*.html"), *out.rglob("searchindex.js")]
    return "\n".join([*(f.read_text(encoding="utf-8") for f in files), *(p.name for p in out.rglob("*.ipynb"))])


def test_a_draft_is_on_no_page_of_the_student_site(made, rootdir, make_app, tmp_path):
    """The student edition (`make book`) leaves the draft out of the toc and the build: no page,
    no sidebar entry, no syllabus or text-list row, no search entry, no notebook. The author's
    preview (`course build-book --drafts`) shows it: the positive control, on the same book."""
    apps = {}
    with paths.using(made.repo):
        published = chapters.published()
        for edition in ("student", "drafts"):
            shutil.copytree(rootdir / "test-drafts", tmp_path / edition)
            draft_book(tmp_path / edition, made.repo)
            apps[edition] = make_app("html", srcdir=tmp_path / edition, confoverrides={"course_edition": edition})
            apps[edition].build()
    student, preview = apps["student"], apps["drafts"]
    out, shown = Path(student.outdir), Path(preview.outdir)
    assert SLUG not in published and published, "the copy has published chapters and the draft"

    text = built_text(out)
    for mark in (SLUG, TITLE):
        assert mark not in text, f"the student site names the draft ({mark})"
    assert not list(out.rglob(f"*{SLUG}*"))
    index = soup(out / "index.html")
    for slug in published:  # the other chapters are all there: in the nav, the syllabus, the notebooks
        assert index.select(f"li.toctree-l1 a[href='chapters/{slug}.html']"), slug
        assert index.select(f"table a[href*='chapters/{slug}.html']"), slug
        assert (out / "notebooks" / f"{slug}_exercise.ipynb").is_file(), slug
    assert not student._warning.getvalue().strip(), student._warning.getvalue()

    assert (shown / "chapters" / f"{SLUG}.html").is_file()
    preview_index = soup(shown / "index.html")
    assert preview_index.select(f"li.toctree-l1 a[href='chapters/{SLUG}.html']")
    rows = [" ".join(tr.get_text(" ").split()) for tr in preview_index.select("tr")]
    assert any(TITLE in r and "(draft)" in r for r in rows)
    assert (shown / "notebooks" / f"{SLUG}_notebook.ipynb").is_file()
    assert (shown / "notebooks" / f"{SLUG}_exercise.ipynb").is_file()
    assert TITLE in built_text(shown)


def test_a_draft_has_the_files_of_a_chapter_for_teachers_and_tools(made):
    from course.content import exercises

    with paths.using(made.repo):
        assert chapters.draft(SLUG)
        assert questions.model_answers(SLUG) == {}
        hidden = made.repo / "instructor" / "hidden-tests" / SLUG / "tests.py"
        assert exercises.declared(hidden, "ANSWERS") == exercises.get(SLUG).answers() == {"n_paragraphs": "int"}
    for page in ("key", "lesson"):
        text = (made.repo / "instructor" / f"{SLUG}_{page}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {'Answer key' if page == 'key' else 'Lesson plan'}: Chapter {NUMBER}, {TITLE}")
    lesson = (made.repo / "instructor" / f"{SLUG}_lesson.md").read_text(encoding="utf-8")
    assert "## 50-minute plan" in lesson and "## 90-minute plan" in lesson and scaffold.DRAFT_CLASS in lesson


def test_a_draft_gets_no_reading_handout_deck_or_place_in_the_course_pdf(made):
    from course.publishing import book_pdf, decks, handouts

    with paths.using(made.repo):
        assert handouts.published() == [slug for slug, _ in seeds.chapters() if not chapters.draft(slug)]
        assert SLUG not in handouts.published() and SLUG in dict(seeds.chapters())
        assert decks.published() == handouts.published()  # nor a lesson deck (its plan is TODO boxes)
        assert f"chapters/{SLUG}" not in book_pdf.pages()
        assert [f"chapters/{slug}" for slug in handouts.published()] == [
            p for p in book_pdf.pages() if p.startswith("chapters/")
        ]


def test_the_notebooks_sample_check_knows_the_texts_longest_paragraph(made):
    from course.content import data
    from course.grading.check import Checks

    with paths.using(made.repo):
        longest = int(data.paragraphs(SEED)["words"].max())
        check = Checks.chapter(SLUG)
        assert check("max_words", namespace={"max_words": longest}).passed
        assert not check("max_words", namespace={"max_words": longest + 1}).passed


def test_quiz_export_leaves_the_draft_out_and_refuses_it_by_name(made, tmp_path):
    proc = course(made.repo, "export-quiz", "--format", "qti", str(tmp_path / "all"))
    assert proc.returncode == 0, proc.stderr
    finished = [slug for slug, _ in REAL if not chapters.draft(slug)]
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(f"{s}.qti.zip" for s in finished)
    drafts = sorted([SLUG, *(slug for slug, _ in REAL if chapters.draft(slug))])
    assert f"Left out, as drafts: {', '.join(drafts)}." in proc.stderr
    proc = course(made.repo, "export-quiz", "--format", "gift", "--chapter", str(NUMBER), str(tmp_path / "one"))
    assert proc.returncode == 2 and f"Chapter {SLUG} is a draft" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "one").exists()


@pytest.mark.slow
def test_exercise_skeleton_releases_and_grades(made, tmp_path):
    rel = tmp_path / "release"
    proc = course(made.repo, "release", "--to", str(rel))
    assert proc.returncode == 0, proc.stderr
    blank = rel / "exercises" / SLUG / f"{SLUG}.ipynb"
    text = blank.read_text(encoding="utf-8")
    assert "n_paragraphs = ...  # YOUR CODE HERE" in text and "len(paras)" not in text
    assert (rel / "seeds" / f"{SEED}_2026_a_note_on_office_clerks.txt").read_bytes() == SAMPLE

    proc = course(made.repo, "grade", str(blank), "--out", str(tmp_path / "blank"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(next((tmp_path / "blank").glob("*.report.json")).read_text())
    assert (report["score"], report["max_score"]) == (0, 1)

    solved = jupytext.read(made.repo / "exercises" / SLUG / "exercise.md")
    solved.metadata["course"] = {"exercise": SLUG}
    nbformat.write(solved, tmp_path / "solved.ipynb")
    proc = course(made.repo, "grade", str(tmp_path / "solved.ipynb"), "--out", str(tmp_path / "solved"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(next((tmp_path / "solved").glob("*.report.json")).read_text())
    assert (report["score"], report["max_score"]) == (1, 1)


# ---------------------------------------------------------------- the built book


@pytest.mark.slow
def test_page_renders_the_whole_reading_with_one_anchor_per_paragraph(site):
    html = (site / "chapters" / f"{SLUG}.html").read_text(encoding="utf-8")
    for n in range(1, N + 1):
        assert html.count(f'id="s{SEED}-p{n}"') == 1, f"¶{n}"
    assert f'id="s{SEED}-p{N + 1}"' not in html
    page = soup(site / "chapters" / f"{SLUG}.html")
    rendered = [" ".join(p.get_text(" ").split()) for p in page.select(".seed-reading p.seed-para")]
    for n, para in enumerate(seeds.split_paragraphs(SAMPLE.decode("utf-8")), 1):
        assert rendered[n - 1] == f"¶{n} " + " ".join(para.split())


@pytest.mark.slow
def test_every_template_section_is_a_todo_box_under_a_draft_banner(site):
    page = soup(site / "chapters" / f"{SLUG}.html")
    main = page.select_one("article.bd-article")
    first_h2 = main.select_one("h2")
    banner = main.select_one(f".admonition.{scaffold.DRAFT_CLASS}")
    assert banner and "Draft chapter" in banner.get_text()
    assert banner.sourceline < first_h2.sourceline, "the banner comes before the first section"
    sections = {" ".join(h.get_text().split()).rstrip("#"): h.find_parent("section") for h in main.select("h2")}
    for name in TEMPLATE_SECTIONS:
        heading = next((h for h in sections if h.startswith(name)), None)
        assert heading, f"no section {name!r}: {list(sections)}"
        box = sections[heading].select_one(".admonition.todo")
        assert box and box.select_one(".admonition-title").get_text().startswith("TODO:"), name
        assert len(box.get_text()) > 150, f"{name}: the box must say what to write"


@pytest.mark.slow
def test_new_chapter_is_in_the_books_navigation(site):
    """In the author's preview; its pages are marked so that the deploy refuses to publish them."""
    index = soup(site / "index.html")
    assert index.select(f"nav a[href*='chapters/{SLUG}.html']")
    for page in (index, soup(site / "chapters" / f"{SLUG}.html")):
        assert page.select_one("meta[name=course-edition]")["content"] == "drafts"
    page = soup(site / "chapters" / f"{SLUG}_notebook.html")
    assert page.select(f"nav a[href*='{SLUG}_exercise.html']")


@pytest.mark.slow
def test_notebook_skeleton_runs_in_the_build(site):
    page = soup(site / "chapters" / f"{SLUG}_notebook.html")
    assert not page.select(".output.error, .output.traceback")
    table = page.select_one(".cell_output table")
    assert table and "words" in table.get_text(), "the starter data cell ran"
    assert page.select_one(f".admonition.{scaffold.DRAFT_CLASS}")
    assert len(page.select(".admonition.todo")) == 5
    assert page.select_one(".cell_output .course-check"), "the sample check ran"


def test_notebook_skeleton_marks_its_answer_cell(made):
    """The exit ticket's answer cell is marked in data, as in every chapter notebook; the
    guided questions are the author's to write."""
    with paths.using(made.repo):
        nb = questions.notebook(SLUG)
        assert list(questions.answer_cells(nb, SLUG)) == ["exit-ticket"]
        assert questions.guided_questions(SLUG) == []


@pytest.mark.slow
def test_exercise_page_shows_the_sample_question_without_its_solution(site):
    page = soup(site / "chapters" / f"{SLUG}_exercise.html")
    text = page.get_text()
    assert "Question 1 (n_paragraphs)" in " ".join(text.split())
    assert "n_paragraphs = ...  # YOUR CODE HERE" in text and "len(paras)" not in text
    assert page.select_one(f"a[href$='{SLUG}.ipynb']")
    assert page.select_one(f".admonition.{scaffold.DRAFT_CLASS}")


@pytest.mark.slow
def test_syllabus_lists_the_draft_without_counting_its_time(site):
    rows = [" ".join(tr.get_text(" ").split()) for tr in soup(site / "syllabus.html").select("tr")]
    (draft,) = [r for r in rows if TITLE in r]
    assert "(draft)" in draft and "not written yet" in draft
    assert sum("(draft)" in r for r in rows) == 1 + sum(chapters.draft(slug) for slug, _ in REAL)
    total = sum(chapter_outline(slug)["minutes"] or 0 for slug, _ in REAL)
    assert any(r.startswith("All chapters") and f"{total} min" in r for r in rows)


# ---------------------------------------------------------------- refusals


def refuse(made, name: str, data: bytes | None, *extra: str, title: str = "Another text"):
    text = made.base / name
    if data is not None:
        text.write_bytes(data)
    before = snapshot(made.repo)
    proc = new_chapter(made.repo, text, *extra, title=title)
    assert snapshot(made.repo) == before, "a refused run writes nothing"
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = proc.stderr.strip()
    assert "Traceback" not in message and "\n" not in message and "Nothing was written." in message
    return message


OTHER = b"A different text.\n\nIt has two paragraphs.\n"


@pytest.mark.parametrize(
    "name, data, expected",
    [
        (
            "latin1.txt",
            "Caf\xe9 society in 1927.\n\nA second paragraph.\n".encode("latin-1"),
            "is not UTF-8 text: byte 0xe9 at position 3",
        ),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is a binary file"),
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n\t\r\n   \n", "is empty"),
        ("missing.txt", None, "does not exist"),
    ],
    ids=["latin-1", "binary", "empty", "whitespace", "missing"],
)
def test_refuses_what_is_not_a_utf8_text(made, name, data, expected):
    assert expected in refuse(made, name, data)


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--id", "002"], "seed id 002 is already taken by 002_trotsky_1938"),
        (["--id", SEED], f"seed id {SEED} is already taken"),
        (["--slug", SLUG], f"chapter {SLUG} already exists"),
        (["--slug", "03_other"], "chapter number 03 is already used by 03_drive_out"),
        (["--slug", "Other Text"], "a chapter slug is two digits"),
    ],
    ids=["old-id", "new-id", "slug", "number", "bad-slug"],
)
def test_refuses_an_existing_id_or_chapter(made, extra, expected):
    assert expected in refuse(made, "other.txt", OTHER, *extra)


def test_refuses_to_overwrite_a_file_a_new_chapter_would_write(made):
    blocker = made.repo / "instructor" / f"{NUMBER + 1:02d}_other_text_lesson.md"
    blocker.write_text("A teacher's notes, kept.\n", encoding="utf-8")
    try:
        message = refuse(made, "other.txt", OTHER, "--slug", "other_text")
        assert f"instructor/{NUMBER + 1:02d}_other_text_lesson.md already exists" in message
    finally:
        blocker.unlink()


def test_refuses_a_text_already_catalogued(made):
    assert f"is already seed {SEED}" in refuse(made, "again.txt", SAMPLE)
    original = (ROOT / "seeds" / "000_platform_1927_ch5_the_soviets.txt").read_bytes()
    assert "is already seed 000" in refuse(made, "again000.txt", original)


# ---------------------------------------------------------------- all or nothing


def test_a_failed_write_puts_everything_back(tmp_path):
    kept = tmp_path / "catalogue.yml"
    kept.write_text("old\n", encoding="utf-8")
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    changes = {kept: b"new\n", tmp_path / "new" / "deeper" / "page.md": b"page", blocker / "x.md": b"x"}
    with pytest.raises(OSError):
        scaffold.write_all(changes)
    assert kept.read_text(encoding="utf-8") == "old\n"
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.yml", "not_a_folder"]


# ---------------------------------------------------------------- a sixth chapter, and the suite

# Another text for it, so that the copy's own test_scaffold can still make its chapter from SAMPLE.
SIXTH = b"""Minutes of a Meeting That Did Not Happen

A note written for the course's tests

The committee was to meet on the first Monday of the month. It did not: the chairman was away,
and the secretary had no key to the room.

The minutes were written all the same, and they record a vote.
"""


@pytest.mark.slow
def test_a_new_chapter_leaves_the_fast_tests_green_with_no_test_edited(tmp_path):
    """`course new-chapter` in a copy of the repository (a commit of its own, as a clone would
    have it), then the fast tests run there against the copy's package and files."""
    repo = tmp_path / "repo"
    copy_repo(repo)
    for tool in ("node_modules", ".wheelhouse"):  # installed for the tests, not tracked
        if (ROOT / tool).exists():
            (repo / tool).symlink_to(ROOT / tool)
    git = ["git", "-C", str(repo), "-c", "user.name=Course tests", "-c", "user.email=tests@course.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the course as it is"], check=True)
    text = tmp_path / "minutes.txt"
    text.write_bytes(SIXTH)
    made = new_chapter(repo, text, "--slug", "minutes_meeting", title="Minutes of a Meeting That Did Not Happen")
    assert made.returncode == 0, made.stdout + made.stderr
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a new chapter"], check=True)
    slug = f"{NUMBER:02d}_minutes_meeting"

    # As a developer runs it: not as a worker of this run (pytest-xdist's PYTEST_XDIST_WORKER).
    env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT" and not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(repo)
    # -v: each test's id is printed, so the run itself shows that the copy's tests see the chapter.
    # One process (-n 0): the run around it keeps both cores busy, and a second process would
    # only collect the tests again.
    pytest_cmd = [sys.executable, "-m", "pytest", "-m", "not slow", "-v", "-n", "0", "-p", "no:cacheprovider"]
    proc = subprocess.run(pytest_cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]
    assert f"[{slug}]" in proc.stdout, "the copy's tests see the new chapter"
