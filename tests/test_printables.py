"""The printables the lesson plans name (`course printables`, and the instructor edition): their
data equal their sources (data/timeline.csv, the seeds, the guided questions); a plan that names
what does not exist fails, naming the file and the entry; the PDFs the instructor build printed
hold that data on A4 and US Letter pages with nothing outside the margins, the plans link to
them, and the student site has none of them."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from bs4 import BeautifulSoup
from sphinx.errors import SphinxError
from test_handouts import PAGE_SIZES, fold, outside_margins

from course.content import chapters, paths, questions, seeds
from course.publishing import handouts, printables, teachers


def front(slug: str) -> list[dict]:
    """The plan's printables: as the plan writes them, read here without the module's reader."""
    return chapters.front_matter(printables.plan_path(slug).read_text(encoding="utf-8"))["printables"]


def timeline_rows() -> dict[str, dict]:
    with open(paths.DATA / "timeline.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def span(value: str) -> list[int]:
    first, _, last = str(value).replace("–", "-").partition("-")
    return list(range(int(first), int(last or first) + 1))


def lesson_printables():
    return [(slug, n, item) for slug in printables.lessons() for n, item in enumerate(printables.load(slug))]


def test_every_plan_that_asks_for_printables_has_them():
    """Every plan that has a printables: list is a lesson with printables (a new chapter's plan
    has none until its author adds them), and its entries are read in its order and kind."""
    plans = [slug for slug, _ in seeds.chapters() if printables.plan_path(slug).exists()]
    assert printables.lessons() == [
        slug
        for slug in plans
        if chapters.front_matter(printables.plan_path(slug).read_text(encoding="utf-8")).get("printables")
    ]
    assert printables.lessons()
    for slug in printables.lessons():
        assert [p.kind for p in printables.load(slug)] == [e["kind"] for e in front(slug)]
    kinds = {p.kind for _, _, p in lesson_printables()}
    assert kinds == set(printables.KINDS)


def test_timeline_strips_are_the_rows_of_the_timeline_dataset():
    rows = timeline_rows()
    strips = [(slug, n, p) for slug, n, p in lesson_printables() if p.kind == "timeline"]
    assert strips
    for slug, n, strip in strips:
        entry = front(slug)[n]
        assert sorted(e.id for e in strip.events) == sorted(entry["events"])
        for e in strip.events:
            row = rows[e.id]
            assert (e.text, e.source, e.certainty) == (row["event"], row["source"], row["certainty"])
            assert e.blank == (entry.get("blank") == "all" or e.id in entry.get("blank", []))
            assert row["start"][:4] in e.when and row["end"][:4] in e.when  # the years, as a reader writes them
            for ref in row["seed_refs"].split():
                seed, _, para = ref.partition(":")
                assert f"seed {seed} " in e.refs and f"¶{para}" in e.refs
        starts = [rows[e.id]["start"] for e in strip.events]
        assert starts == sorted(starts)  # in the order they happened


def test_a_date_is_written_to_its_precision():
    import pandas as pd

    day = pd.Timestamp
    assert printables.when(day("1925-12-18"), day("1925-12-31"), "day") == "18–31 December 1925"
    assert printables.when(day("1925-12-13"), day("1925-12-13"), "day") == "13 December 1925"
    assert printables.when(day("1919-03-01"), day("1919-03-31"), "month") == "March 1919"
    assert printables.when(day("1925-01-01"), day("1925-12-31"), "year") == "1925"
    assert printables.when(day("1919-01-01"), day("1923-12-31"), "year") == "1919–1923"
    assert printables.when(day("1871-03-18"), day("1871-05-28"), "day") == "18 March 1871 – 28 May 1871"


def test_jigsaw_cards_and_passages_hold_the_seeds_paragraphs():
    found = 0
    for slug, n, item in lesson_printables():
        entry = front(slug)[n]
        if item.kind == "jigsaw":
            seed = dict(seeds.chapters())[slug]
            wanted = [(seed, span(s)) for s in entry["segments"]]
            segments = item.segments
        elif item.kind == "passages":
            wanted = [(str(t["seed"]), span(t["paras"])) for t in entry["texts"]]
            segments = item.texts
        else:
            continue
        assert len(segments) == len(wanted)
        for segment, (seed, numbers) in zip(segments, wanted, strict=True):
            assert [p.n for p in segment.paragraphs] == numbers
            for p in segment.paragraphs:
                found += 1
                assert p.seed == seed and p.text == seeds.paragraphs(seed)[p.n - 1]
                assert list(p.emendations) == [e for e in seeds.emendations(seed) if e.paragraph == p.n]
    assert found > 100


def test_table_templates_are_the_questions_tables():
    tables = [(slug, n, p) for slug, n, p in lesson_printables() if p.kind == "table"]
    assert tables
    for slug, n, table in tables:
        q = {q.id: q for q in questions.guided_questions(slug)}[front(slug)[n]["question"]]
        assert (table.question, table.text) == (q.id, q.text)
        assert list(table.columns) == q.table["columns"] and list(table.rows) == q.table["rows"]


def test_the_printed_page_shows_the_data():
    """What the PDFs are printed from holds every event, paragraph and column of the data, and
    a blank date is blank."""
    for slug in printables.lessons():
        soup = BeautifulSoup(printables.lesson_html(slug, "a4"), "html.parser")
        text = " ".join(soup.get_text(" ").split())
        strips = iter(soup.select("ol.strip"))
        for item in printables.load(slug):
            if item.kind == "timeline":
                shown = [
                    (li.select_one(".what").get_text(" "), li.select_one(".when").get_text())
                    for li in next(strips).select("li")
                ]
                assert [
                    (" ".join(w.split()).startswith(e.text), d) for (w, d), e in zip(shown, item.events, strict=True)
                ] == [(True, "" if e.blank else e.when) for e in item.events]
                expected = [e.text for e in item.events]
            elif item.kind in {"jigsaw", "passages"}:
                segments = item.segments if item.kind == "jigsaw" else item.texts
                expected = [" ".join(p.text.split()) for s in segments for p in s.paragraphs if not p.emendations]
                expected += [f"[read: {e.reading}]" for s in segments for p in s.paragraphs for e in p.emendations]
            else:
                expected = [*item.columns, *item.rows, f"Guided question {item.question}"]
            missing = [x for x in expected if " ".join(x.split()) not in text]
            assert not missing, f"{slug}: {missing[:3]}"


PLAN = """---
deck: {{}}
printables:
{entry}
---

# Lesson plan
"""

# each entry, and what the error says after the plan's path (plain text)
BAD = [
    (
        "{kind: timeline, events: [commune-1871, no-such]}",
        "printables[0].events: no event 'no-such' in data/timeline.csv",
    ),
    ("{kind: timeline, events: [commune-1871], blank: [nep-1921]}", "printables[0].blank: 'all' or a list"),
    ("{kind: timeline, events: [commune-1871], blank: some}", "printables[0].blank: 'all' or a list"),
    (
        "{kind: jigsaw, segments: ['4-9', '10-99']}",
        "printables[0].segments[1]: ¶10-99 is outside seed 000, which has ¶1–28",
    ),
    ("{kind: jigsaw, segments: ['4-9', 'ten']}", "printables[0].segments[1]: 'ten' is not a ¶"),
    (
        "{kind: table, question: Q99}",
        "printables[0].question: no guided question 'Q99' in chapters/01_soviets_notebook.md",
    ),
    ("{kind: table, question: Q1}", "printables[0].question: Q1 in chapters/01_soviets_notebook.md asks for no table"),
    ("{kind: passages, texts: [{seed: '999', paras: '1'}]}", "printables[0].texts[0].seed: unknown seed '999'"),
    ("{kind: passages, texts: [{seed: '000', paras: '29'}]}", "printables[0].texts[0].paras: ¶29 is outside seed 000"),
    ("{kind: handout}", "printables[0]: kind must be one of timeline, jigsaw, table, passages"),
    ("{kind: table, question: Q5", "the front matter is not valid YAML"),
    ("{kind: table, question: Q5, colour: red}", "printables[0]: unknown key(s) colour for a table"),
]


def test_a_plan_naming_what_does_not_exist_fails_naming_file_and_entry(tmp_path, monkeypatch):
    plan = tmp_path / "01_soviets_lesson.md"
    monkeypatch.setattr(printables, "plan_path", lambda slug: plan)
    plan.write_text(PLAN.format(entry="  - {kind: table, question: Q5}"), encoding="utf-8")
    assert [p.kind for p in printables.load("01_soviets")] == ["table"]  # positive control: the plan itself is fine
    for entry, message in BAD:
        plan.write_text(PLAN.format(entry=f"  - {entry}"), encoding="utf-8")
        with pytest.raises(printables.PrintablesError, match=f"^{re.escape(f'{plan}: {message}')}"):
            printables.load("01_soviets")
    # the whole run stops before anything is printed: no Chromium, no file
    with pytest.raises(printables.PrintablesError):
        printables.build(tmp_path / "out", slugs=["01_soviets"])
    assert not (tmp_path / "out").exists()


def test_a_questions_table_is_checked_where_it_is_written():
    assert questions._table({"table": {"columns": ["a", "b"]}}, "x_notebook.md", "Q3") == {
        "columns": ["a", "b"],
        "rows": [],
    }
    for bad in ({"columns": []}, {"columns": ["a", ""]}, {"columns": ["a"], "rows": "r"}, {"cols": ["a"]}, ["a"]):
        with pytest.raises(ValueError, match=r"^x_notebook\.md: Q3's table must be"):
            questions._table({"table": bad}, "x_notebook.md", "Q3")


# ---------------------------------------------------------------- the PDFs of the instructor build


def pdf_pages(path: Path) -> tuple[set, str]:
    pdf = pdfium.PdfDocument(path)
    try:
        sizes = {tuple(round(x) for x in pdf[i].get_size()) for i in range(len(pdf))}
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return sizes, fold(text)


def missing_data(text: str, slug: str) -> list[str]:
    """What of the lesson's printables is not in the PDF's text, compared without spaces (the
    PDF breaks lines where the data has none)."""
    squeezed = text.replace(" ", "")
    wanted: list[str] = []
    for item in printables.load(slug):
        if item.kind == "timeline":
            wanted += [e.text for e in item.events]
        elif item.kind in {"jigsaw", "passages"}:
            segments = item.segments if item.kind == "jigsaw" else item.texts
            wanted += [f"¶{p.n}{p.text}" for s in segments for p in s.paragraphs if not p.emendations]
        else:
            wanted += [*item.columns, *item.rows]
    return [w for w in wanted if fold(w).replace(" ", "") not in squeezed]


@pytest.mark.slow
def test_instructor_site_links_each_plan_to_its_printed_printables(instructor_site, student_site):
    folder = instructor_site / teachers.PRINTABLES
    expected = {printables.pdf_name(s, size) for s in printables.lessons() for size in handouts.SIZES}
    assert {p.name for p in folder.iterdir()} == expected
    for slug in printables.lessons():
        page = instructor_site / "instructor" / f"{slug}_lesson.html"
        links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("a.course-printables")
        targets = {(a.get_text(), (page.parent / html.unescape(a["href"])).resolve()) for a in links}
        assert targets == {
            (label, (folder / printables.pdf_name(slug, size)).resolve())
            for size, label in (("a4", "A4"), ("letter", "US Letter"))
        }
        for size in handouts.SIZES:
            path = folder / printables.pdf_name(slug, size)
            sizes, text = pdf_pages(path)
            assert sizes == {tuple(round(x) for x in PAGE_SIZES[size])}
            assert not outside_margins(path)
            assert not missing_data(text, slug)
    # positive control: the text check misses a paragraph taken out
    slug = printables.lessons()[0]
    _, text = pdf_pages(folder / printables.pdf_name(slug, "a4"))
    jigsaw = next(p for p in printables.load(slug) if p.kind == "jigsaw")
    taken = jigsaw.segments[0].paragraphs[0]
    assert missing_data(text.replace(fold(taken.text), "", 1), slug) == [f"¶{taken.n}{taken.text}"]
    # never on the student site
    assert not (student_site / teachers.PRINTABLES).exists()
    names = {p.name for p in student_site.rglob("*.pdf")}
    assert not names & expected
    assert not any("course-printables" in p.read_text(encoding="utf-8") for p in student_site.rglob("*.html"))


@pytest.mark.slow
def test_a_printable_too_wide_for_the_paper_is_refused(browser, tmp_path, monkeypatch):
    """Positive control of the layout check on a printable: twelve passages side by side do not
    fit; the run names the plan, and writes nothing."""
    slug = printables.lessons()[0]
    seed = dict(seeds.chapters())[slug]
    real = printables.load
    wide = printables.Passages(tuple(printables._span("4", "x", seed) for _ in range(12)), beside=True)
    monkeypatch.setattr(printables, "load", lambda s: [*real(s), wide])
    with pytest.raises(handouts.HandoutError, match=rf"instructor/{slug}_lesson\.md: printables \(a4\): too wide"):
        printables.build(tmp_path / "out", slugs=[slug], browser=browser)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the plans' link, on a tiny book


def lesson_page(src: Path) -> None:
    """A plan one folder down, as instructor/NN_slug_lesson.md is. The folder has another name:
    a student-edition build earlier in the same test process leaves "instructor/**" in Sphinx's
    shared default of exclude_patterns (course.book's on_config_inited appends to it in place)."""
    (src / "plans").mkdir()
    (src / "plans" / "lesson.md").write_text("# Lesson\n\nPrintables ({printables}`01_soviets`).\n", encoding="utf-8")
    (src / "index.md").write_text("# Index\n\n```{toctree}\nplans/lesson\n```\n", encoding="utf-8")


def test_the_printables_role_links_a_plan_to_its_pdfs(tiny_book, tmp_path):
    folder = tmp_path / "printed"
    folder.mkdir()
    for size in handouts.SIZES:
        (folder / printables.pdf_name("01_soviets", size)).write_bytes(b"%PDF-1.4\n")
    overrides = {"nitpicky": True, "course_edition": "instructor", "course_printables": str(folder)}
    app = tiny_book("instructor", lesson_page, warningiserror=True, confoverrides=overrides)
    app.build()
    page = BeautifulSoup((Path(app.outdir) / "plans" / "lesson.html").read_text(encoding="utf-8"), "html.parser")
    links = [(a.get_text(), a["href"]) for a in page.select("a.course-printables")]
    assert links == [("A4", "../printables/01_soviets-a4.pdf"), ("US Letter", "../printables/01_soviets-letter.pdf")]


@pytest.mark.parametrize(
    "printed, message",
    [("none", "no 01_soviets-a4.pdf, 01_soviets-letter.pdf in"), ("no folder", "only the instructor edition prints")],
)
def test_the_printables_role_fails_the_build_without_its_pdfs(tiny_book, tmp_path, printed, message):
    """A plan never links to nothing: no PDF printed for it, or a build that prints none (the
    student edition), is an error naming the role."""
    overrides = {"nitpicky": True, "course_edition": "instructor"}
    if printed == "none":
        (tmp_path / "printed").mkdir()
        overrides["course_printables"] = str(tmp_path / "printed")
    app = tiny_book("instructor", lesson_page, warningiserror=True, confoverrides=overrides)
    with pytest.raises(SphinxError, match=re.escape(message)):
        app.build()
