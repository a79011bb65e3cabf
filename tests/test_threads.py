"""Threads (data/threads.yml): concepts read across the texts. Fast checks on the data itself:
its shape, at least three texts per thread, every ¶ real, every quotation in the ¶s it cites,
one page per thread, and the instructor's model answers to the synthesis questions. The pages
themselves are checked on the shared build (tests/test_book.py); the quotations in the threads'
prose by the quotation rule (tests/test_sources.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from course.content import chapters, paths, seeds, threads

ROOT = Path(__file__).resolve().parent.parent


def test_threads_load_and_each_runs_through_three_texts_or_more():
    found = threads.all_threads()
    assert len(found) >= 8
    for t in found:
        assert len(t.texts) >= threads.MIN_TEXTS, t.id
        assert [x.seed for x in t.texts] == sorted((x.seed for x in t.texts), key=threads.date_order), t.id
        for x in t.texts:
            assert threads.quote_found(x.seed, x.paras, x.quote), (t.id, x.seed)
            assert re.search(r"¶\d+", x.claim), f"{t.id}, seed {x.seed}: the claim cites no ¶"
    # Every finished chapter's text is on at least one thread (a draft's joins when it is written).
    finished = {seed for slug, seed in seeds.chapters() if not chapters.draft(slug)}
    assert finished <= {x.seed for t in found for x in t.texts}


def test_every_thread_has_its_page_and_the_toc_lists_them():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    ids = [t.id for t in threads.all_threads()]
    for t in threads.all_threads():
        page = (ROOT / f"{t.page}.md").read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", page, re.M).group(1)
        assert heading == t.title, f"{t.page}.md: its heading must be the thread's title in data/threads.yml"
        assert re.search(rf"^```{{thread}} {t.id}$", page, re.M), f"{t.page}.md renders no {{thread}} {t.id}"
        assert f"file: {t.page}\n" in toc, f"_toc.yml does not list {t.page}"
    pages = {p.stem for p in (ROOT / "threads").glob("*.md")} - {"index"}
    assert pages == set(ids), "a page under threads/ for each thread, and none for a thread that is gone"


def test_every_thread_has_a_model_answer_for_its_synthesis_question():
    answers = threads.synthesis_answers()
    for t in threads.all_threads():
        a = answers[t.id]
        assert len(a["answer"].split()) >= 80, t.id
        cited = set(re.findall(r"seed (\d{3}) ¶", a["answer"]))
        assert len(cited) >= 3, f"{t.id}: the model answer cites {sorted(cited)}; a synthesis uses three texts"


@pytest.fixture
def course_copy(tmp_path):
    """The data and seeds in a copy, to break on purpose."""
    for folder in ("seeds", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "instructor" / "answers").mkdir(parents=True)
    shutil.copy(ROOT / "instructor" / "answers" / "threads.yml", tmp_path / "instructor" / "answers")
    return tmp_path


def _rewrite(root: Path, change) -> None:
    file = root / "data" / "threads.yml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(data)
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d[0]["texts"][0].update(quote="a question of the class nature of red tape"), "is not in ¶7"),
        (lambda d: d[0]["texts"][0].update(paras=[8]), "is not in ¶8"),
        (lambda d: d[0]["texts"][0].update(paras=[99]), "no ¶99"),
        (lambda d: d[2].update(texts=d[2]["texts"][:2]), "at least 3 texts"),
        (lambda d: d[1]["texts"].append(dict(d[1]["texts"][0])), "listed twice"),
        (lambda d: d[1].update(id=d[0]["id"]), "duplicate id"),
        (lambda d: d[0]["texts"][0].pop("claim"), "'claim' is a required property"),
        (lambda d: d[0].update(stays="The texts agree on this (seed 000 ¶7, ¶99)."), "cites seed 000 ¶99"),
    ],
    ids=[
        "misquotation",
        "wrong paragraph",
        "no such paragraph",
        "two texts",
        "a text twice",
        "same id",
        "no claim",
        "a bare ¶ of the seed named before it",
    ],
)
def test_bad_threads_are_refused_with_file_line_and_thread(course_copy, change, expected):
    _rewrite(course_copy, change)
    with paths.using(course_copy), pytest.raises(threads.ThreadError, match=re.escape(expected)) as err:
        threads.load()
    assert "data/threads.yml, line " in str(err.value)


def test_a_missing_model_answer_is_refused(course_copy):
    file = course_copy / "instructor" / "answers" / "threads.yml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    gone = next(iter(data))
    del data[gone]
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with paths.using(course_copy), pytest.raises(threads.ThreadError, match=f"missing: {gone}"):
        threads.synthesis_answers()


def test_texts_are_ordered_by_the_years_the_catalogue_gives():
    assert threads.text_year("002") == (1938, True)
    assert threads.text_year("003") == (1987, False) and threads.year_label("003") == "c. 1987–1990"
    order = sorted(seeds.catalogue(), key=threads.date_order)  # a new chapter's text joins by its date
    years = [threads.text_year(s)[0] for s in order if threads.text_year(s)[0] is not None]
    assert years == sorted(years)
    assert order.index("001") < order.index("002") < order.index("003") < order.index("004")


def test_a_text_whose_date_names_no_year_goes_last(course_copy):
    """A new chapter's text may be dated 'uncertain' (course new-chapter accepts it)."""
    catalogue = course_copy / "seeds" / "catalogue.yml"
    entries = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    entries[0]["date"] = "uncertain"
    catalogue.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with paths.using(course_copy):
        assert threads.text_year("000") == (None, False) and threads.year_label("000") == "uncertain"
        assert sorted(seeds.catalogue(), key=threads.date_order)[-1] == "000"
