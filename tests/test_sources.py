"""The course's rules for facts and sources, as tests (the fact-check of December 2026):

- no page, quiz, model answer or data file hedges a fact the authors did not settle ("to be
  verified") or cites the internal brief ("course fact base") that no reader has;
- every ``source`` value in a data file resolves to a seed ¶ or a bibliography entry;
- every quotation marked as a seed's words (in quotation marks, with a ¶ reference after it in
  the same sentence) is found in that seed at that ¶;
- no value an exercise asks for is stated on a chapter page or in a quiz item.

Each rule has a positive control: the rule run on the kind of text the review found.
"""

from __future__ import annotations

import ast
import csv
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from course.content import banks, chapters, seeds, sources, threads

ROOT = Path(__file__).resolve().parent.parent


def _flat(text: str) -> str:
    """Text with its line breaks folded (YAML and Markdown wrap sentences across lines)."""
    return " ".join(text.split())


# --- 1. No hedges, no internal brief -------------------------------------------------------

HEDGE = re.compile(
    r"to be (?:verified|checked|confirmed)|needs? (?:verif\w*|checking)|\bunverified\b|\bunconfirmed\b"
    r"|not (?:been )?(?:checked|verified|confirmed) (?:by|against)|has not (?:yet )?(?:been )?verified"
    r"|(?:unknown|not known) to the course|course (?:has|have) not (?:yet )?(?:verified|checked|seen|confirmed)"
    r"|(?:is|are) usually (?:said|named|given|identified|mentioned|described)|usually said to"
    r"|as (?:it is )?usually cited|on the usual account|details to be|still to be (?:verified|checked)"
    r"|marked (?:for checking|to verify)|cannot confirm|could not confirm|\[(?:verify|uncertain)\]",
    re.I,
)
BRIEF = re.compile(r"course[’'s]* brief|\bthe brief\b|fact[ _-]?base|according to the course", re.I)

# What students and teachers read: pages, notebooks, quizzes, model answers, data, bibliography.
READER_FILES = sorted(
    {
        p
        for pattern in (
            "*.md",
            "chapters/*.md",
            "quizzes/*.yml",
            "data/*",
            "instructor/**/*.md",
            "instructor/**/*.yml",
            "exercises/*/*.md",
            "exercises/*/*.py",
            "references.bib",
            "seeds/catalogue.yml",
            "seeds/emendations.csv",
        )
        for p in ROOT.glob(pattern)
        if p.is_file() and p.name not in {"CHANGELOG.md", "CONTRIBUTING.md", "ARCHITECTURE.md"}
    }
)


def hedges(text: str) -> list[str]:
    flat = _flat(text)
    return [flat[max(0, m.start() - 40) : m.end() + 20] for m in (*HEDGE.finditer(flat), *BRIEF.finditer(flat))]


@pytest.mark.parametrize("path", READER_FILES, ids=[p.relative_to(ROOT).as_posix() for p in READER_FILES])
def test_no_hedge_and_no_internal_brief(path):
    found = hedges(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT)
    assert not found, f"{where}: settle these from a published work, or state the open question: {found}"


def test_hedge_rule_catches_what_the_review_found():
    for bad in [
        "Max Eastman is said to have published them in the West in 1926 (to be verified).",
        "The Eastman edition needs\n    verifying; the rest of the chain is uncertain.",
        '"course brief 2.5 #4 (fact base)"',
        "as summarised in the course brief",
        "According to the course fact base, which meeting was this?",
        "where the course cannot confirm an identification it says so",
        "a figure the course has not yet verified",
    ]:
        assert hedges(bad), bad
    # An open question stated as a historian would is not a hedge.
    assert not hedges("Who drafted which chapter is not known: no published record divides them.")


# --- 2. Every source resolves ----------------------------------------------------------------


def source_values() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted((ROOT / "data").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                if "source" in row:
                    out.append((path.name, line, row["source"]))
    return out


SOURCES = source_values()


def test_the_data_files_have_sources():
    assert {name for name, _, _ in SOURCES} >= {"timeline.csv", "bonapartist_regimes.csv"}


@pytest.mark.parametrize("name, line, value", SOURCES, ids=[f"{n}:{ln}" for n, ln, _ in SOURCES])
def test_every_source_resolves_to_a_seed_paragraph_or_a_published_work(name, line, value):
    try:
        parts = sources.parse(value)
    except sources.SourceError as exc:
        pytest.fail(f"data/{name}, line {line}: {exc}")
    assert parts


def test_source_rule_rejects_what_no_reader_can_check():
    known = sources.works()
    for bad, why in [
        ("course brief 2.5 #4 (fact base)", "neither"),
        ("Deutscher 1960", "no entry"),
        ("Carr 1950; the fact base", "neither"),
        ("seed 003 ¶200", "154 paragraphs"),
        ("seed 009 ¶1", "no seed"),
    ]:
        with pytest.raises(sources.SourceError, match=why):
            sources.parse(bad, known)
    assert sources.parse("Kryshtanovskaya and White 1996; seed 004 ¶24 (Twiss's figures)", known) == [
        ("work", "kryshtanovskaya1996soviet"),
        ("seed", "004 ¶24"),
    ]


# --- 3. Quotations are in the seed at the ¶ they cite ------------------------------------------

# A quotation: text in double quotation marks, straight or curly, within one paragraph.
QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
# A ¶ reference: a link [¶12–13](#s000-p12), or in plain text "(¶12)", "(seed 000 ¶7)".
LINK_REF = re.compile(r"\[(?:seed \d{3} )?¶(\d+)(?:[–-](\d+))?\]\(#s(\d{3})-p\d+\)")
TEXT_REF = re.compile(r"(?:seed (\d{3}),? \(?)?¶(\d+)(?:[–-](\d+))?", re.I)
WORK_CITED = re.compile(r"\{cite:[tp]\}|\((?:[A-Z][\w'-]+ )+(?:and [A-Z][\w'-]+ )?\d{4}\)")
SENTENCE_END = re.compile(r"[.!?][\"”’)*]*(?:\s|$)")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("`", "'"), ("“", '"'), ("”", '"'), ("—", "-"), ("–", "-")):
        text = text.replace(a, b)
    text = re.sub(r"[*_]", "", text)
    return " ".join(text.lower().split())


def _fragments(quote: str) -> list[str]:
    """The quoted words a seed must contain: split at ellipses and [bracketed insertions]."""
    parts = (p.strip(" ,;:.'\"") for p in re.split(r"\.\.\.|…|\[[^\]]*\]", _norm(quote)))
    return [p for p in parts if len(p) > 2]


def _refs(sentence: str, default_seed: str | None) -> list[tuple[str, int, int]]:
    """The seed ¶ ranges a sentence cites."""
    out = [(m.group(3), int(m.group(1)), int(m.group(2) or m.group(1))) for m in LINK_REF.finditer(sentence)]
    plain = LINK_REF.sub(" ", sentence)
    for m in TEXT_REF.finditer(plain):
        seed = m.group(1) or default_seed
        if seed:
            out.append((seed, int(m.group(2)), int(m.group(3) or m.group(2))))
    return out


def _is_title(quote: str) -> bool:
    """A title in title case ("From Soviet Nomenklatura to Russian Elite"), not a quotation."""
    long = [w for w in re.findall(r"[^\W\d_]+", quote) if len(w) > 3]
    return len(long) >= 2 and all(w[0].isupper() for w in long)


def _paragraphs(text: str) -> list[str]:
    """A page's prose paragraphs, without code blocks, inline code, directive options or a
    notebook cell's metadata line (``+++ {"table": …}``: data no reader sees, such as the column
    headings of a table template)."""
    text = re.sub(r"^(```|~~~).*?^\1", " ", text, flags=re.M | re.S)
    text = re.sub(r"^\+\+\+.*$", " ", text, flags=re.M)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def misquotations(text: str, default_seed: str | None = None, cited: tuple = ()) -> list[str]:
    """Quotations of three words or more in a sentence that cites a seed ¶, which are in none of
    the ¶ ranges that sentence cites (nor in ``cited``, the ¶s a glossary or people entry lists
    for the whole note). A sentence that cites no seed ¶, or that cites a published work, is not
    checked: its quotation may be of that work."""
    bad = []
    for para in _paragraphs(text):
        if para.count('"') % 2:  # an unpaired straight mark: pairs cannot be told apart
            para = para.replace('"', " ")
        for m in QUOTE.finditer(para):
            quote = m.group(1) or m.group(2)
            if len(quote.split()) < 3 or "](" in quote or "{" in quote or "|" in quote:
                continue
            if quote.rstrip().endswith(("…", "...")) or _is_title(quote):
                continue  # a sentence starter for students, or the title of a work
            starts = [e.end() for e in SENTENCE_END.finditer(para, 0, m.start())]
            after = SENTENCE_END.search(para, m.end())
            sentence = para[starts[-1] if starts else 0 : after.end() if after else len(para)]
            refs = [(seed, a, b) for seed, a, b in _refs(sentence, default_seed) if seed in SEED_IDS]
            if not refs or WORK_CITED.search(sentence):
                continue
            refs += list(cited)
            frags = _fragments(quote)
            if not any(all(f in _seed_text(seed, a, b) for f in frags) for seed, a, b in refs):
                places = ", ".join(f"seed {seed} ¶{a}" + (f"–{b}" if b != a else "") for seed, a, b in refs)
                bad.append(f"“{quote}” is not in {places}")
    return bad


SEED_IDS = {seed for _, seed in seeds.chapters()}


def _seed_text(seed: str, first: int, last: int) -> str:
    paras = seeds.paragraphs(seed)
    return _norm(" ".join(paras[max(first, 1) - 1 : min(last, len(paras))]))


CHAPTER_SEED = dict(seeds.chapters())
# A draft's pages (course new-chapter) quote the template's own headings in their TODO boxes:
# the rule holds from the moment the author marks the chapter finished.
CHAPTER_FILES = sorted(
    p
    for p in (ROOT / "chapters").glob("*.md")
    if not chapters.draft(p.stem.removesuffix("_notebook").removesuffix("_exercise"))
)


@pytest.mark.parametrize("path", CHAPTER_FILES, ids=[p.name for p in CHAPTER_FILES])
def test_quotations_on_chapter_pages_are_in_the_seed_they_cite(path):
    slug = path.stem.removesuffix("_notebook").removesuffix("_exercise")
    bad = misquotations(path.read_text(encoding="utf-8"), CHAPTER_SEED.get(slug))
    assert not bad, f"{path.name}: {bad}"


def item_texts(slug: str, lures: bool = True):
    """Each quiz item of a chapter's bank with its texts: stem, options and feedback. A wrong
    option may misquote on purpose (a lure): ``lures=False`` leaves the wrong options' texts out."""
    for item in banks.all_banks()[slug]["items"]:
        options = item["options"]
        shown = [o["text"] for o in options if lures or o.get("correct")]
        yield item, [item["question"], *shown, *(o["feedback"] for o in options)]


BANK_SLUGS = sorted(banks.all_banks())


@pytest.mark.parametrize("slug", BANK_SLUGS)
def test_quotations_in_quiz_items_are_in_the_seed_they_cite(slug):
    bad = []
    for item, texts in item_texts(slug, lures=False):
        for t in texts:
            bad += [f"{item['id']}: {b}" for b in misquotations(_flat(t), default_seed=item["seed"])]
    assert not bad, bad


REFERENCE_DATA = ["glossary.yml", "people.yml"]


@pytest.mark.parametrize("name", REFERENCE_DATA)
def test_quotations_in_glossary_and_people_notes_are_in_the_seed_they_cite(name):
    bad = []
    for entry in yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8")):
        for use in entry.get("uses", []):
            seed = str(use["seed"])
            cited = tuple((seed, n, n) for n in use.get("paras", []))
            found = misquotations(_flat(use["note"]), seed, cited)
            bad += [f"{entry.get('term') or entry.get('id')} (seed {seed}): {b}" for b in found]
    assert not bad, bad


def test_quotations_in_threads_are_in_the_seed_they_cite():
    """Each text's claim (its ¶s by default, the thread's cited ¶s counted), what changes, what
    stays and where the texts disagree: every quotation with a seed ¶ is found there."""
    bad = []
    for t in threads.all_threads():
        for x in t.texts:
            cited = tuple((x.seed, n, n) for n in x.paras)
            bad += [f"{t.id} (seed {x.seed}): {b}" for b in misquotations(x.claim, x.seed, cited)]
        for prose in (t.changes, t.stays, *t.disagreements):
            bad += [f"{t.id}: {b}" for b in misquotations(prose)]
    assert not bad, bad
    # The rule reads the threads' citations: a real quotation cited to the wrong text fails.
    assert misquotations("the state is “a regime of crisis” (seed 004 ¶24).")


def test_quotation_rule_catches_the_reviews_misquotation():
    # W1: notebook 3 quoted a phrase that is in no seed, cited to the Platform's demands.
    w1 = (
        'yet its programme is one of reform: six demands for "a consistent proletarian class policy"\n'
        "within the existing soviets ([seed 000 ¶21–26](#s000-p21))."
    )
    assert misquotations(w1)
    # The same sentence with the Platform's words passes; so does a quotation with an ellipsis.
    fixed = w1.replace(
        "a consistent proletarian class policy",
        "a consistent development of workers’ democracy in the party, the trade unions, and the Soviets",
    )
    assert not misquotations(fixed)
    assert not misquotations("Twiss quotes “of its social ties and sympathies … its relation” (seed 004 ¶11).")
    # A real quotation cited to the wrong paragraph fails.
    assert misquotations('"For a long time we held to the point of view of reforming" ([¶13](#s002-p13)).')


# --- 4. No exercise answer on a chapter page or in a quiz item ----------------------------------

NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()
UNIT = r"(?:days?|years?|words?|points?|per cent|%)"


def exercise_answers() -> dict[str, dict[str, float]]:
    """Per exercise, the values its hidden tests expect (``answers["x"] == 14`` or
    ``abs(answers["x"] - 9.863281) < …``), read from the tests' source, never run."""
    out = {}
    for tests in sorted((ROOT / "instructor" / "hidden-tests").glob("*/tests.py")):

        def name(node):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "answers"
                and isinstance(node.slice, ast.Constant)
            ):
                return node.slice.value
            return None

        values = {}
        for node in ast.walk(ast.parse(tests.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
                continue
            left, right = node.left, node.comparators[0]
            if isinstance(node.ops[0], ast.Eq) and name(left) and isinstance(right, ast.Constant):
                values[name(left)] = right.value
            elif (
                isinstance(left, ast.Call)
                and getattr(left.func, "id", "") == "abs"
                and isinstance(left.args[0], ast.BinOp)
                and name(left.args[0].left)
                and isinstance(left.args[0].right, ast.Constant)
            ):
                values[name(left.args[0].left)] = left.args[0].right.value
        out[tests.parent.name] = {k: v for k, v in values.items() if isinstance(v, (int, float))}
    return out


def _strip_citations(text: str) -> str:
    """Remove what is a number but not a value: directive options and headers, ¶ references and
    anchors, note markers, dates."""
    text = re.sub(r"^\s*(?::[\w-]+:.*|```\{[\w-]+\}.*)$", " ", text, flags=re.M)
    text = re.sub(r"\(#s\d{3}-p\d+\)|seed \d{3}|¶\s?\d+(?:[–-]\d+)?|\[\d+\]", " ", text)
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    return re.sub(rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})?\s+(?:{months})\b|\b(?:{months})\s+\d{{1,2}}\b", " ", text)


def stated_answers(text: str, answers: dict[str, float]) -> list[str]:
    text = _flat(_strip_citations(text))
    found = []
    for key, value in answers.items():
        if key.endswith("_para"):
            continue  # a ¶ number: the course's citations use every ¶, so it cannot be told apart
        if isinstance(value, int) or float(value).is_integer():
            n = int(value)
            digits = rf"{n:,}|{n}" if n >= 1000 else str(n)
            if n >= 10:
                pattern = rf"(?<![\d.,])(?:{digits})(?![\d]|[.,]\d)"
            else:
                word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
                pattern = rf"\b(?:{n}|{word}) {UNIT}"
        else:
            forms = {f"{value:.2f}", f"{value:.1f}"}
            pattern = rf"(?<![\d.])(?:{'|'.join(re.escape(f) for f in forms)})(?!\d)"
        if m := re.search(pattern, text, re.I):
            found.append(f"{key} = {value} stated as “{text[max(0, m.start() - 40) : m.end() + 20]}”")
    return found


ANSWERS = exercise_answers()


def test_every_exercise_has_answers_to_protect():
    """Every finished chapter's exercise has answers (a draft's skeleton has none yet)."""
    assert set(ANSWERS) == {slug for slug, _ in seeds.chapters() if (ROOT / "exercises" / slug).is_dir()}
    assert all(answers for slug, answers in ANSWERS.items() if not chapters.draft(slug))


@pytest.mark.parametrize("slug", sorted(ANSWERS))
def test_no_exercise_answer_on_the_chapter_page_or_in_its_quiz(slug):
    answers = ANSWERS[slug]
    page = (ROOT / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    found = [f"chapters/{slug}.md: {s}" for s in stated_answers(page, answers)]
    for item, texts in item_texts(slug):
        found += [f"{item['id']}: {s}" for t in texts for s in stated_answers(t, answers)]
    assert not found, found


def test_answer_rule_catches_what_the_teacher_found():
    ex1 = ANSWERS["01_soviets"]
    # s000-q04 and s000-q07 stated two of exercise 1's answers in their feedback.
    assert stated_answers("13 December comes five days before 18 December (¶28)", ex1)
    assert stated_answers("the chapter has 14 such words, most of them in ¶15", ex1)
    assert stated_answers("published 19 August 2016, 46 days after the talk", ANSWERS["05_twiss"])
    assert stated_answers("a share of 9.86 per cent", ANSWERS["03_drive_out"])
    # Citations and dates that happen to share the digits are not answers.
    assert not stated_answers("the Platform ([¶14](#s000-p14)), expelled on 14 November 1927", ex1)
