"""Content rules that software can check: question tags, ¶ references, the data files."""

import csv
import datetime as dt
import re
from pathlib import Path

import yaml

from course import banks, questions, seeds

ROOT = Path(__file__).resolve().parent.parent
PARA_LINK = re.compile(r"\]\(#s(\d{3})-p(\d+)\)")


def test_guided_questions_span_bloom_levels_and_skills():
    qs = questions.guided_questions("01_soviets")
    assert len(qs) >= 12
    assert {q.bloom for q in qs} == set(questions.BLOOM)
    assert {q.skill for q in qs} >= {"sourcing", "contextualization", "corroboration", "close reading"}
    for q in qs:
        assert PARA_LINK.search(q.text), f"{q.id} points to no paragraph"


def test_every_guided_question_has_a_model_answer():
    answers = questions.model_answers("01_soviets")
    ids = [q.id for q in questions.guided_questions("01_soviets")]
    assert sorted(answers) == sorted(ids)
    for qid, a in answers.items():
        assert len(a["answer"].split()) >= 25, qid
        assert a.get("look_for"), qid


def test_paragraph_links_in_markdown_sources_exist():
    for path in list((ROOT / "chapters").glob("*.md")) + list((ROOT / "instructor").glob("*.md")):
        for seed, n in PARA_LINK.findall(path.read_text(encoding="utf-8")):
            assert 1 <= int(n) <= seeds.paragraph_count(seed), f"{path.name}: ¶{n} of seed {seed}"


def test_timeline_rows_parse_and_cite_their_source():
    with open(ROOT / "data" / "timeline.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        start, end = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])
        assert start <= end, r["id"]
        assert r["precision"] in {"day", "month", "year"}
        assert r["source"] and r["certainty"] in {"established", "as the seed says", "uncertain"}
        for ref in r["seed_refs"].split():
            ref = banks.parse_ref(ref)
            assert 1 <= ref.first <= seeds.paragraph_count(ref.seed), r["id"]


def test_glossary_entries_cite_real_paragraphs():
    entries = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
    terms = [e["term"] for e in entries]
    assert len(terms) == len(set(terms))
    for e in entries:
        assert e["definition"].strip()
        for use in e.get("uses", []):
            for n in use["paras"]:
                assert 1 <= n <= seeds.paragraph_count(str(use["seed"])), (e["term"], n)


def test_chapter_key_terms_are_in_the_glossary():
    terms = {e["term"] for e in yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))}
    used = set(re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`", (ROOT / "chapters" / "01_soviets.md").read_text()))
    for label, target in used:
        assert (target or label).strip() in terms, label
