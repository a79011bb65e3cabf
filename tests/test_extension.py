"""The book's Sphinx extension (course.book), built in-process on tiny books in seconds:
tests/roots/test-<name>/ (a conf.py and a page or two), with sphinx.testing's fixtures.

The real book is built once per run (tests/conftest.py, ``student_site``) and checked page by
page in test_book.py and beside it; here each check is about the extension alone: readings
whole and in order, a bad quiz bank stopping the build, the redirects carried out, and
instructor-only directives refused in the student edition. Builds run as `make book` runs
them, warnings as errors (-W) and every reference resolved (-n).
"""

from __future__ import annotations

import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.errors import SphinxError

from course.content import banks, rubrics, seeds
from course.publishing import edition

from helpers import squeeze

STRICT = {"warningiserror": True, "confoverrides": {"nitpicky": True}}


def html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- readings


@pytest.mark.sphinx("html", testroot="reading", **STRICT)
def test_a_whole_reading_renders_every_paragraph_once_with_its_emendations(app):
    app.build()
    page = html(app, "index")
    count = seeds.paragraph_count("000")
    for n in range(1, count + 1):
        assert page.count(f'id="{seeds.anchor("000", n)}"') == 1, f"¶{n}"
    assert f'id="{seeds.anchor("000", count + 1)}"' not in page
    soup = BeautifulSoup(page, "html.parser")
    ems = seeds.emendations("000")
    assert ems, "seed 000 has an emendation to show"
    for em in ems:
        para = soup.find(id=seeds.anchor("000", em.paragraph))
        assert para.select_one(".sic").get_text() == em.original
        assert f"[read: {em.reading}]" in para.select_one(".emendation").get_text()


def test_a_chapter_that_skips_paragraphs_fails_the_build(tiny_book):
    app = tiny_book("reading", lambda src: edit(src / "index.md", ":paragraphs: 1-19", ":paragraphs: 1-18"), **STRICT)
    with pytest.raises(SphinxError, match="reading of seed 000 jumps to ¶20; ¶19 should come next"):
        app.build()


def test_a_chapter_that_stops_early_fails_the_build(tiny_book):
    count = seeds.paragraph_count("000")
    app = tiny_book(
        "reading", lambda src: edit(src / "index.md", f":paragraphs: 20-{count}", ":paragraphs: 20-27"), **STRICT
    )
    with pytest.raises(SphinxError, match=f"reading of seed 000 stops at ¶27 of {count}"):
        app.build()


# ---------------------------------------------------------------- quiz banks


def test_invalid_bank_fails_the_book_build(tiny_book, repo_copy, monkeypatch):
    """The extension validates every bank before reading a page: a bank with two keys stops the
    build with the file and the item."""
    path = repo_copy / "quizzes" / "01_soviets.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["items"][4]
    next(o for o in item["options"] if not o["correct"])["correct"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("COURSE_ROOT", str(repo_copy))
    with pytest.raises(
        SphinxError, match=f"quizzes/01_soviets.yml, item {item['id']}: exactly one option must be correct"
    ):
        tiny_book("reading", **STRICT).build()


# ---------------------------------------------------------------- redirects and the edition


def redirects(text: str):
    def write(src):
        (src / "links").mkdir()
        (src / "links" / "redirects.yml").write_text(text, encoding="utf-8")

    return write


def test_the_build_writes_forwarding_pages_aliases_and_the_edition(tiny_book, make_app):
    app = tiny_book("redirects", redirects("old.html: a.html\na.html#old-name: a.html#new-name\n"), **STRICT)
    app.build()
    assert 'content="0; url=a.html"' in html(app, "old")
    a = html(app, "a")
    assert '<span id="old-name" class="course-moved-anchor"></span><section id="new-name">' in a
    assert f"Edition {edition.project_version()}" in a
    app.cleanup()  # one app at a time: each registers the theme's nodes
    make_app("html", srcdir=app.srcdir, **STRICT).build()  # a second, incremental build leaves one alias
    assert html(app, "a").count('id="old-name"') == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("old.html: nowhere.html\n", "nowhere.html is not in the built site"),
        ("old.html: [a.html]\n", "is not of the form"),
    ],
)
def test_a_redirect_that_cannot_work_fails_the_build(tiny_book, text, message):
    with pytest.raises(SphinxError, match=message):
        tiny_book("redirects", redirects(text), **STRICT).build()


# ---------------------------------------------------------------- instructor-only directives


def with_readings(src):
    """reading.md: every chapter's seed, as the chapters render them (the key links to them)."""
    (src / "reading.md").write_text(
        "# The readings\n\n" + "".join(f"```{{reading}} {seed}\n```\n\n" for _, seed in seeds.chapters()),
        encoding="utf-8",
    )


def test_an_answer_key_is_an_error_in_the_student_edition(tiny_book):
    app = tiny_book("instructor", with_readings, **STRICT)
    with pytest.raises(SphinxError, match="quiz-key is instructor-only"):
        app.build()
    assert not (app.outdir / "index.html").exists()


def test_the_instructor_edition_shows_every_items_key_linked_to_the_reading(tiny_book):
    """Positive control for the one above: the same page in the instructor edition."""
    app = tiny_book(
        "instructor",
        with_readings,
        warningiserror=True,
        confoverrides={"nitpicky": True, "course_edition": "instructor"},
    )
    app.build()
    page = BeautifulSoup(html(app, "index"), "html.parser")
    keys = [squeeze(li.get_text()) for li in page.select("li") if li.find("strong", string="key")]
    items = banks.all_banks()["01_soviets"]["items"]
    assert len(keys) == len(items)  # one key per item, in the bank's order
    for item, key in zip(items, keys):
        (right,) = [o for o in item["options"] if o["correct"]]
        assert squeeze(right["text"]) in key, item["id"]
    assert page.select("a[href^='reading.html#s000-p']")


def with_scales(src):
    """The key page with a chapter's model answers and the essay rubric, which both show the
    points scales of instructor/rubrics.yml."""
    with_readings(src)
    (src / "index.md").write_text(
        "# Scales\n\n```{model-answers} 01_soviets\n```\n\n```{essay-rubric}\n```\n\n```{toctree}\nreading\n```\n",
        encoding="utf-8",
    )


def flat(text: str) -> str:
    """Text without whitespace and with plain quotes (MyST prints typographic ones)."""
    return squeeze(text).translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def test_answer_keys_and_the_essay_page_show_the_scales_from_the_data(tiny_book):
    app = tiny_book(
        "instructor", with_scales, warningiserror=True, confoverrides={"nitpicky": True, "course_edition": "instructor"}
    )
    app.build()
    page = BeautifulSoup(html(app, "index"), "html.parser")
    text = flat(page.get_text(" "))
    items = rubrics.items("01_soviets")
    captions = [flat(c.get_text(" ")).rstrip("¶") for c in page.select("table caption")]
    for scale in {it.scale.id: it.scale for it in items}.values():
        assert flat(f"{scale.title}: the points scale") in captions
        for level in scale.levels:
            assert flat(level.description)[:60] in text
    for it in items:
        assert flat(f"{it.title} · 0–{it.scale.max} points") in text
        assert all(flat(p)[:40] in text for p in it.look_for)
    criteria = rubrics.criteria()
    for n, c in enumerate(criteria, 1):
        assert flat(f"{n}. {c.title} ({c.max} points)") in captions
    assert flat(f"Total {sum(c.max for c in criteria)}") in text


def test_the_essay_rubric_is_an_error_in_the_student_edition(tiny_book):
    app = tiny_book("instructor", with_scales, **STRICT)
    with pytest.raises(SphinxError, match="is instructor-only"):
        app.build()
