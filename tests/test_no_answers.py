"""No released file gives an exercise's answer away; the public checks are formative, and the
hidden tests decide a grade.

Every expected value is computed here by running each exercise's solution (the code cells of its
instructor notebook), then looked for, in every format it could be written in, in what students
get: the public tests, the student repository `course release` writes, and the quiz banks. The
public checks confirm a value only through a salted digest (course/grading/formative.py), and
every digest is recomputed from the solutions, so none can drift. The hidden tests
(instructor/hidden-tests) pass on each solution and fail on its blank notebook, both in the test
runner and through `course grade --hidden-tests` as a teacher runs it.
"""

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from course.content import exercises, paths
from course.grading import answers as ans
from course.grading import formative, runner
from course.notebook import setup_cell

ROOT = paths.ROOT
COURSE = str(Path(sys.executable).parent / "course")
HIDDEN = paths.INSTRUCTOR / "hidden-tests"
EXERCISES = exercises.all_exercises()
IDS = [ex.id for ex in EXERCISES]
DIGEST = re.compile(r"^[\w./-]+\$[0-9a-f]{16}$")


def solve(ex) -> dict:
    """The exercise's answers, from running its solution: the instructor notebook's code cells in
    order, without the course-setup cell (it only installs the package) and the check() cells
    (they need a Jupyter kernel)."""
    namespace = {}
    for cell in ex.notebook().cells:
        if (
            cell.cell_type != "code"
            or setup_cell.SETUP_MARK in cell.source
            or cell.source.lstrip().startswith("check(")
        ):
            continue
        exec(compile(cell.source, str(ex.source), "exec"), namespace)
    return {name: namespace[name] for name in ex.answers()}


@pytest.fixture(scope="module")
def solutions() -> dict:
    return {ex.id: solve(ex) for ex in EXERCISES}


def literal(path: Path, name: str):
    """A tests file's ANSWERS or POINTS, read the way the grader reads them: as a literal,
    without running the file."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    return None


def check_functions(path: Path) -> list[str]:
    return [
        n.name
        for n in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    ]


# ---------------------------------------------------------------- the digests


def test_a_digest_confirms_a_value_without_stating_it():
    d = formative.digest(4.5166, "ex/gap", places=2)
    assert DIGEST.match(d) and d.startswith("ex/gap$") and "4.5" not in d
    assert formative.matches(4.5171, d, places=2) and formative.matches(4.52, d, places=2)
    assert not formative.matches(4.53, d, places=2) and not formative.matches("4.52", d, places=2)
    assert formative.digest(14, "ex/a") != formative.digest(14, "ex/b")  # the salt differs per check
    assert formative.matches(np.int64(14), formative.digest(14, "ex/a"))  # a table's cell
    assert not formative.matches(True, formative.digest(1, "ex/a"))  # a bool is not a count
    assert formative.matches({"b": 2, "a": 1}, formative.digest({"a": 1, "b": 2}, "ex/d"))
    assert not formative.matches([2, 1], formative.digest([1, 2], "ex/l"))  # order counts
    deep = []
    for _ in range(100_000):
        deep = [deep]
    for odd in (object(), 10**5000, deep, float("nan")):
        assert not formative.matches(odd, d, places=2)  # matches nothing, raises nothing
    with pytest.raises(ValueError):
        formative.matches(14, "14")
    with pytest.raises(ValueError):
        formative.digest(14, "ex$a")
    # What a digest cannot hide, as its docstring says: a small whole number is found by trying.
    small = formative.digest(14, "ex/n")
    assert next(n for n in range(1000) if formative.matches(n, small)) == 14


def digests_in(path: Path) -> set[str]:
    return {
        n.value
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and DIGEST.match(n.value)
    }


def recompute(tests_file: Path, salt_prefix: str, values: dict, only=None) -> list[str]:
    """Run a tests file on ``values`` with ``matches`` recording each call; name every digest
    the values never match, with the digest they give (what an author pastes in)."""
    module = runner.load_tests(tests_file)
    calls = []

    def recording(value, published, *, places=None):
        ok = formative.matches(value, published, places=places)
        calls.append((published, value, places, ok))
        return ok

    module.matches = recording
    results = runner.run(module, ans.dump(list(values), values), only=only)
    problems = [
        f"{tests_file.name}: {r['test']} fails on the solution: {r['message']}" for r in results if not r["passed"]
    ]
    published = digests_in(tests_file)
    salts = [d.rpartition("$")[0] for d in published]
    problems += [f"{tests_file.name}: salt {s!r} used twice" for s in salts if salts.count(s) > 1]
    problems += [
        f"{tests_file.name}: salt {s!r} should start with {salt_prefix}/"
        for s in salts
        if not s.startswith(salt_prefix + "/")
    ]
    for digest in sorted(published):
        tried = [(v, p) for d, v, p, _ in calls if d == digest]
        if not any(ok for d, _, _, ok in calls if d == digest):
            fresh = sorted({formative.digest(v, digest.rpartition("$")[0], places=p) for v, p in tried})
            problems.append(
                f"{tests_file.name}: {digest} is not the solution's; "
                f"the solution gives {fresh or 'nothing (the check is never reached)'}"
            )
    return problems


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_every_public_digest_is_the_solutions(ex, solutions):
    assert digests_in(ex.tests), f"{ex.id}: its public checks confirm no value"
    assert recompute(ex.tests, ex.id, solutions[ex.id]) == []


# Chapter notebooks whose own checks confirm an exercise's value: they compare digests too, and
# the value is the exercise solution's (the chapter notebooks have no solutions in the repository).
CHAPTER_VALUES = {
    "02_party": lambda s: {"implied_total_31": int(s["missing_members_for_31"] + s["composition"]["members"].sum())},
    "05_twiss": lambda s: {
        "words_by_phase": {i: int(w) for i, w in zip(s["phase_table"]["id"], s["phase_table"]["words"])}
    },
}


@pytest.mark.parametrize("chapter", sorted(CHAPTER_VALUES))
def test_chapter_check_digests_are_the_solutions(chapter, solutions):
    values = CHAPTER_VALUES[chapter](solutions[chapter])
    path = ROOT / "exercises" / chapter / "checks.py"
    assert digests_in(path)
    assert recompute(path, f"ch{chapter}", values, only=list(values)) == []


# ---------------------------------------------------------------- the tests files' form


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_tests_files_declare_plain_literals(ex):
    """The grader reads ANSWERS and POINTS with ast.literal_eval and never imports the file."""
    public, hidden = ex.tests, HIDDEN / ex.id / "tests.py"
    answers = literal(public, "ANSWERS")
    assert isinstance(answers, dict) and answers
    assert set(answers.values()) <= {"int", "float", "str", "bool", "list", "dict", "DataFrame", "Series"}
    assert check_functions(public) == [f"test_{name}" for name in answers]  # one check per answer
    assert set(literal(public, "POINTS") or {}) <= set(check_functions(public))
    assert hidden.is_file(), f"{ex.id} has no hidden tests"
    assert literal(hidden, "ANSWERS") == answers
    assert set(literal(hidden, "POINTS")) == set(check_functions(hidden))
    assert all(name.startswith(tuple(f"test_{a}_" for a in answers)) for name in check_functions(hidden))


# ---------------------------------------------------------------- the hidden tests


def run_tests(path: Path, values: dict) -> list[dict]:
    names = list(literal(path, "ANSWERS"))
    return runner.run(runner.load_tests(path), ans.dump(names, values))


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hidden_tests_pass_on_the_solution_and_fail_on_the_blank(ex, solutions):
    hidden = HIDDEN / ex.id / "tests.py"
    solved = run_tests(hidden, solutions[ex.id])
    assert [r["message"] for r in solved if not r["passed"]] == []
    blank = run_tests(hidden, {})
    assert blank and not [r["test"] for r in blank if r["passed"]]
    asked = {r["test"].removeprefix("test_") for r in solved}
    assert all(any(q.startswith(name) for q in asked) for name in ex.answers()), "every answer's value"


def test_hidden_tests_see_what_the_public_checks_do_not(solutions):
    """The public checks confirm the chronology's events and years; the hidden tests read every
    cell, so a wrong certainty column passes the one and fails the other."""
    ex = exercises.get("01_soviets")
    wrong = dict(solutions[ex.id])
    wrong["chronology"] = wrong["chronology"].assign(certainty="established")
    assert all(r["passed"] for r in run_tests(ex.tests, wrong))
    hidden = {r["test"]: r for r in run_tests(HIDDEN / ex.id / "tests.py", wrong)}
    assert not hidden["test_chronology_rows"]["passed"]
    assert "certainty" in hidden["test_chronology_rows"]["message"]


@pytest.mark.slow
def test_course_grade_runs_the_hidden_tests(tmp_path):
    """As a teacher grades: `course grade NB... --hidden-tests instructor/hidden-tests`, from the
    course folder. Solutions get every point, public and hidden; blank notebooks none."""
    solved, blank = [], []
    for ex in EXERCISES:
        nb = ex.notebook()
        nb.metadata["course"] = {"exercise": ex.id}
        nbformat.write(nb, tmp_path / f"{ex.id}-solution.ipynb")
        nbformat.write(ex.student_notebook(), tmp_path / f"{ex.id}-blank.ipynb")
        solved.append(tmp_path / f"{ex.id}-solution.ipynb")
        blank.append(tmp_path / f"{ex.id}-blank.ipynb")
    for batch, code in ((solved, 0), (blank, 1)):
        proc = subprocess.run(
            [COURSE, "grade", *map(str, batch), "--hidden-tests", "instructor/hidden-tests"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == code and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        for nb, ex in zip(batch, EXERCISES):
            report = json.loads(nb.with_suffix(".report.json").read_text(encoding="utf-8"))
            hidden = [t for t in report["tests"] if t.get("hidden")]
            assert len(hidden) == len(check_functions(HIDDEN / ex.id / "tests.py")), report
            if code == 0:
                assert report["score"] == report["max_score"] > len(ex.answers()), report
            else:
                assert report["score"] == 0 and all(t["message"] for t in hidden), report


# ---------------------------------------------------------------- looking for the values

PLACES = 2  # every float answer is checked to two decimal places: the digests and the hidden tolerances
# A number as written: 14, 176,397, 176_397, 4.52. Not inside a word or an id: "s000-p14", "seed
# 002" (a zero-padded number names something; it counts nothing), "14th".
NUMBER = re.compile(r"(?<![\w.])(?!0\d)(\d{1,3}(?:[,_]\d{3})+|\d+)(\.\d+)?(?!\w)")
PARA_REF = re.compile(r"¶\s*\d+(?:\s*[–-]\s*\d+)?")
UNIT = re.compile(r"\s*(?:(?:days?|years?|points?|per cent|words?|times)\b|%)")
ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

# Columns the question asks to keep from the course's data as they are: their cells are inputs,
# printed in data/ and seeds/ and often in the question; the answer is what is computed from them,
# and which rows come in which order (which the public checks confirm by digest).
COPIED = {
    "chronology": {"id", "start", "certainty"},
    "composition": {"category", "members"},
    "printed_spans": {"id"},
    "phase_table": {"id", "start_year", "end_year"},
}

# Phrases of an exercise's own files that hold one of its values without giving it away, each
# with the reason. Everything else in those files is searched for every value.
GIVEN = {
    "01_soviets": {
        'chapter 5 "The Soviets"': "the Platform's chapter number, in the introduction",
        "`molotov-pravda-1925`": "question 3 names the event whose date it asks about",
    },
    "02_party": {
        "430,000": "the workers' row, which question 3 names (the members column is copied data)",
    },
    "04_soviet_regime": {
        "bismarck": "the row question 4 names (the id column is copied data)",
    },
    "05_twiss": {
        '"twiss-phase3-1933"': "question 4 names the phase whose share it asks for",
    },
}


@dataclass(frozen=True)
class Value:
    where: str  # n_bureau, chronology.id, quotation_words_by_speaker[Lenin]
    value: object  # an int, a float or a str
    kind: str = "answer"  # a whole answer, a dict's "entry" or a table's "cell"
    copied: bool = False  # a cell of a COPIED column


def values_of(answers: dict) -> list[Value]:
    out = []
    for name, v in answers.items():
        if isinstance(v, pd.DataFrame):
            for col in v.columns:
                for x in v[col]:
                    if isinstance(x, pd.Timestamp):
                        x = x.strftime("%Y-%m-%d")
                    elif isinstance(x, np.generic):
                        x = x.item()
                    out.append(Value(f"{name}.{col}", x, "cell", col in COPIED.get(name, ())))
        elif isinstance(v, dict):  # its keys are speakers' names, which the seed and question name
            out += [Value(f"{name}[{k}]", x, "entry") for k, x in v.items()]
        else:
            out.append(Value(name, v))
    return out


def in_words(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ONES[n] if n < 20 else TENS[tens] + ("" if ones == 0 else f"[- ]{ONES[ones]}")


def mentions(text: str, v: Value, *, words: bool = True, small_in_context: bool = False) -> list[str]:
    """Where ``text`` states ``v``: a number that would pass its check (an int exactly, a float
    at two places) in digits or, for a whole answer below 100, in words; a text cell as it is.
    With ``small_in_context``, a number below 10 counts only as a result (``= 5``, ``5 days``):
    in prose, "demand 5" or "two roads" state nothing."""
    x = v.value
    if isinstance(x, str):
        return [x] if x in text else []
    found = []
    for m in NUMBER.finditer(text):
        t = float(m.group(1).replace(",", "").replace("_", "") + (m.group(2) or ""))
        same = t == x if isinstance(x, int) else f"{t:.{PLACES}f}" == f"{x:.{PLACES}f}"
        if same and (
            not small_in_context
            or isinstance(x, float)
            or abs(x) >= 10
            or UNIT.match(text, m.end())
            or text[: m.start()].rstrip().endswith("=")
        ):
            found.append(m.group(0))
    if words and v.kind != "cell" and isinstance(x, int) and 2 <= x < 100:
        for m in re.finditer(rf"\b{in_words(x)}\b", text, re.I):
            if not small_in_context or x >= 10 or UNIT.match(text, m.end()):
                found.append(m.group(0))
    return found


def own_values(answers: dict) -> list[Value]:
    """What an exercise's own files must not state: every value, except 0 and 1 (the bounds of
    every range check: a count is above 0, a ¶ number at least 1; no whole answer is 0 or 1,
    asserted below) and a table's cells or a dict's values below 10 (a lone small number
    states no table; the table is confirmed by digest, its larger cells are searched)."""
    out = []
    for v in values_of(answers):
        if isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
            if v.kind == "answer":
                assert v.value not in (0, 1), f"{v.where} is {v.value}: the rule above no longer holds"
            if v.value in (0, 1) or v.kind != "answer" and abs(v.value) < 10:
                continue
        out.append(v)
    return out


def shared_values(solutions: dict) -> list[tuple[str, Value]]:
    """What no other released file may state: the computed values of every exercise that are
    distinctive: whole numbers of 100 or more, and fractions (a table's from 10 up, as in
    own_values). A whole number below 100 turns up in any text by chance (a ¶ number, a limit in
    the code, a date), and the copied cells are the data themselves; an exercise's own files are
    searched for those too."""
    return [
        (ex_id, v)
        for ex_id, answers in solutions.items()
        for v in values_of(answers)
        if not v.copied
        and not isinstance(v.value, (str, bool))
        and (isinstance(v.value, float) and (v.kind != "cell" or abs(v.value) >= 10) or abs(v.value) >= 100)
    ]


def without_given(ex_id: str, text: str) -> str:
    for phrase in GIVEN.get(ex_id, {}):
        text = text.replace(phrase, " ")
    return text


def test_the_search_finds_a_value_in_every_format():
    n, big, gap, days = Value("n", 14), Value("m", 176_397), Value("g", 4.516643), Value("d", 5)
    share = Value("c.share", 38.159742, "cell")
    for text, v in [
        ("occur 14 times", n),
        ("fourteen times", n),
        ("(14)", n),
        ("176,397", big),
        ("176_397", big),
        ("n == 176397", big),
        ("4.52", gap),
        ("4.517", gap),
        ("38.16 %", share),
        ("18 − 13 = 5", days),
        ("Five days before", days),
    ]:
        assert mentions(text, v, small_in_context=True), (text, v)
    for text, v in [
        ("the 14th", n),
        ("s000-p14", n),
        ("seed 014", n),
        ("176,400", big),
        ("4.5", gap),
        ("38.2", share),
        ("Demand 5 in ¶25", days),
        ("five roads", days),
    ]:
        assert not mentions(text, v, small_in_context=True), (text, v)
    assert PARA_REF.sub("¶", "as in ¶14, ¶15 and ¶21–26") == "as in ¶, ¶ and ¶"


def code_texts(path: Path) -> tuple[list, str]:
    """A Python file's numeric literals and all its text (strings, messages, docstrings, a
    digest's salt), read with ast. The precision a check compares at (``places=2``) is not a
    value."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    precision = {
        id(kw.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "places"
    }
    consts = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in precision]
    numbers = [n.value for n in consts if type(n.value) in (int, float)]
    texts = [
        n.value.rpartition("$")[0] if DIGEST.match(n.value) else n.value for n in consts if isinstance(n.value, str)
    ]
    return numbers, "\n".join(texts)


def literal_states(number, v: Value) -> bool:
    x = v.value
    if isinstance(x, str):
        return False
    return number == x if isinstance(x, int) else f"{number:.{PLACES}f}" == f"{x:.{PLACES}f}"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_public_tests_state_no_answer(ex, solutions):
    numbers, text = code_texts(ex.tests)
    text = without_given(ex.id, text)
    found = [
        f"{v.where} = {v.value!r}: literal {n!r}"
        for v in own_values(solutions[ex.id])
        for n in numbers
        if literal_states(n, v)
    ]
    found += [f"{v.where} = {v.value!r}: {m!r}" for v in own_values(solutions[ex.id]) for m in mentions(text, v)]
    assert found == []


def notebook_text(nb) -> str:
    """A student notebook's cells, without the course-setup cell (generated, the same in every
    notebook: package versions and pip's options, no answer) and the questions' own numbers
    ("**Question 2 (`name`).**")."""
    text = "\n".join(c.source for c in nb.cells if setup_cell.SETUP_MARK not in c.source)
    return re.sub(r"\*\*Question \d+ \(", "(", text)


@pytest.mark.parametrize("ex_id", sorted(GIVEN))
def test_every_given_phrase_is_there_and_needed(ex_id, solutions):
    ex = exercises.get(ex_id)
    own = code_texts(ex.tests)[1] + notebook_text(ex.student_notebook())
    for phrase in GIVEN[ex_id]:
        assert phrase in own and any(mentions(phrase, v) for v in own_values(solutions[ex_id])), phrase


def test_student_repository_states_no_answer(student_repository, solutions):
    repo, found = student_repository, []
    for ex in EXERCISES:
        nb = nbformat.read(repo / "exercises" / ex.id / f"{ex.id}.ipynb", as_version=4)
        text = without_given(ex.id, notebook_text(nb))
        found += [
            f"{ex.id}.ipynb: {v.where} = {v.value!r} as {m!r}"
            for v in own_values(solutions[ex.id])
            for m in mentions(text, v)
        ]
    files = sorted(p for p in repo.rglob("*") if p.is_file())
    assert len(files) > 50 and {"README.md", "course/grading/formative.py"} <= {
        p.relative_to(repo).as_posix() for p in files
    }
    shared = shared_values(solutions)
    # The sources (seeds/) and the data drawn from them are full of ¶ numbers, up to 154 in a
    # seed: there, only numbers of 1,000 or more and fractions are searched.
    sources = [(ex_id, v) for ex_id, v in shared if isinstance(v.value, float) or abs(v.value) >= 1000]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        wanted = sources if path.relative_to(repo).parts[0] in ("data", "seeds") else shared
        found += [
            f"{path.relative_to(repo)}: {ex_id}.{v.where} = {v.value!r} as {m!r}"
            for ex_id, v in wanted
            for m in mentions(text, v, words=False)
        ]
    assert found == []


def quiz_texts(item: dict) -> list[tuple[str, str]]:
    """An item's stem, options and feedback, with its ¶ citations taken out: every feedback must
    cite a paragraph, and a citation names where to read, it counts nothing."""
    parts = [("question", item["question"])]
    for n, option in enumerate(item["options"], start=1):
        parts += [(f"option {n}", option["text"]), (f"option {n} feedback", option["feedback"])]
    return [(where, PARA_REF.sub("¶", text)) for where, text in parts]


@pytest.mark.parametrize("bank", sorted((ROOT / "quizzes").glob("*.yml")), ids=lambda p: p.stem)
def test_quiz_items_state_no_exercise_answer(bank, solutions):
    """Items on a chapter's data exercise must teach the reasoning without the exercise's own
    result (its whole answers, in digits or words), nor any exercise's distinctive values."""
    own = [v for v in values_of(solutions.get(bank.stem, {})) if v.kind != "cell"]
    found = []
    for item in yaml.safe_load(bank.read_text(encoding="utf-8"))["items"]:
        for where, text in quiz_texts(item):
            found += [
                f"{item['id']} {where}: {v.where} = {v.value!r} as {m!r}"
                for v in own
                for m in mentions(text, v, small_in_context=True)
            ]
            found += [
                f"{item['id']} {where}: {ex_id}.{v.where} = {v.value!r} as {m!r}"
                for ex_id, v in shared_values(solutions)
                for m in mentions(text, v, words=False)
            ]
    assert found == []


def hint_texts(path: Path) -> str:
    """The assertion messages of a tests file: what a student reads in a report when a test
    fails (a hidden test's code is never shown, its hints are)."""
    parts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assert) and node.msg is not None:
            parts += [c.value for c in ast.walk(node.msg) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return "\n".join(parts)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hidden_test_hints_state_no_answer(ex, solutions):
    hints = without_given(ex.id, hint_texts(paths.INSTRUCTOR / "hidden-tests" / ex.id / "tests.py"))
    assert hints  # the search has hints to search
    # As for the quiz items: a hint may name a table's row (its id is the data's), and a small
    # number in prose ("the two spans") states nothing.
    own = [v for v in own_values(solutions[ex.id]) if v.kind != "cell"]
    found = [f"{v.where} = {v.value!r}: {m!r}" for v in own for m in mentions(hints, v, small_in_context=True)]
    assert found == []


def test_the_hint_search_finds_a_value_in_a_hint(tmp_path, solutions):
    leaky = tmp_path / "tests.py"
    leaky.write_text('def test_n(answers):\n    assert answers["n_bureau"] == 0, "n_bureau should be 14."\n')
    [v] = [v for v in own_values(solutions["01_soviets"]) if v.where == "n_bureau"]
    assert mentions(hint_texts(leaky), v, small_in_context=True)
