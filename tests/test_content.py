"""Content rules that software can check: question tags, ¶ references, the data files."""

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from course.content import banks, chapters, questions, seeds

ROOT = Path(__file__).resolve().parent.parent
PARA_LINK = re.compile(r"\]\(#s(\d{3})-p(\d+)\)")


CHAPTERS = seeds.chapters()
# What only writing gives a chapter (questions, key terms, quiz items) is asked of finished ones;
# a draft from `course new-chapter` has every file, and its page says it is a draft.
FINISHED = [(slug, seed) for slug, seed in CHAPTERS if not chapters.draft(slug)]


@pytest.mark.parametrize("slug, seed", FINISHED, ids=[c for c, _ in FINISHED])
def test_guided_questions_span_bloom_levels_and_skills(slug, seed):
    qs = questions.guided_questions(slug)
    assert len(qs) >= 12
    assert {q.bloom for q in qs} == set(questions.BLOOM)
    assert {q.skill for q in qs} >= {"sourcing", "contextualization", "corroboration", "close reading"}
    for q in qs:
        assert PARA_LINK.search(q.text), f"{q.id} points to no paragraph"


@pytest.mark.parametrize("slug, seed", CHAPTERS, ids=[c for c, _ in CHAPTERS])
def test_every_guided_question_has_a_model_answer(slug, seed):
    answers = questions.model_answers(slug)
    ids = [q.id for q in questions.guided_questions(slug)]
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


@pytest.mark.parametrize("slug, seed", FINISHED, ids=[c for c, _ in FINISHED])
def test_chapter_key_terms_are_in_the_glossary(slug, seed):
    terms = {e["term"] for e in yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))}
    used = set(re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`", (ROOT / "chapters" / f"{slug}.md").read_text()))
    assert used
    for label, target in used:
        assert (target or label).strip() in terms, label


@pytest.mark.parametrize("slug, seed", FINISHED, ids=[c for c, _ in FINISHED])
def test_quiz_bank_rules_per_chapter(slug, seed):
    assert not banks.all_banks()[slug].get("draft"), "the chapter is finished: its bank too (no draft: true)"
    items = banks.all_banks()[slug]["items"]
    quiz = [i for i in items if i["id"].startswith(f"s{seed}-q")]
    assert len(quiz) >= 8
    assert any(i["id"].startswith(f"s{seed}-x") for i in items), "an exit-ticket item"
    if seed != "000":  # spaced retrieval from earlier chapters
        warm = [i for i in items if "-w" in i["id"]]
        assert len(warm) >= 3 and all(i["seed"] < seed for i in warm)
    positions = {next(n for n, o in enumerate(i["options"]) if o["correct"]) for i in quiz}
    assert len(positions) >= 3, "the key's position should vary"


def test_dataset_rows_quote_their_paragraph():
    import csv

    for path in (ROOT / "data").glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if path.stem == "timeline":
            continue
        assert {"seed", "para", "quote"} <= set(rows[0]), f"{path.name} lacks provenance columns"
        for row in rows:
            para = seeds.paragraphs(row["seed"])[int(row["para"]) - 1]
            assert row["quote"] in para, f"{path.name}: {row['quote']!r} is not in seed {row['seed']} ¶{row['para']}"


def test_a_notebook_starts_without_the_slow_jsonschema_plugin():
    """course.content.validate: a course notebook (quiz, data, checks) and bank validation leave
    out rfc3987_syntax, whose import costs over a second per process; the schemas still catch a
    bad bank, and the plug-in stays importable for anyone else in the process."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from course.notebook import data, Checks, quiz\n"
        "from course.content import banks\n"
        "bad = {'chapter': 'x', 'items': [{'id': 1}]}\n"
        "assert banks.validate(bad, 'bad.yml'), 'the schema no longer finds problems'\n"
        "assert 'jsonschema' in sys.modules and 'rfc3987_syntax' not in sys.modules\n"
        "import rfc3987_syntax\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
