"""Guided questions: written in the chapter notebooks, answered in ``instructor/answers``.

A question is a heading ``### Q<n> · <Bloom level> · <skill>`` in the notebook, followed by
its text and then the student's answer cell. Answer cells are known by their metadata, not by
their wording: in the MyST source the line before the cell is ::

    +++ {"tags": ["answer"], "answer": "Q1"}

naming what the cell answers: a question (``Q1``) or a section (``warm-up``, ``exit-ticket``).
A question that asks for a table says its shape in the metadata of its heading's cell, so the
table template a teacher prints is made from the question itself (``course.publishing.printables``)::

    +++ {"table": {"columns": ["Demand (¶)", "Continues"], "rows": ["1", "2"]}}

``columns`` are the headings; ``rows`` (optional) the labels of the first column, else the
template has empty rows.
The metadata goes with the cell into every notebook a student opens (the book's downloads,
Colab, Binder, a released copy) and shows nowhere, so a teacher's tool can collect each answer
by its id whatever the student wrote in the cell. The model answer lives apart, in
``instructor/answers/<chapter>.yml``, so it never reaches a student notebook or page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from course.content import paths, validate
from course.content.banks import taxonomy

BLOOM = taxonomy("bloom")  # Remember … Create, from the quiz bank schema
SKILLS = taxonomy("skill")
HEADING = re.compile(rf"^### (Q\d+) · ({'|'.join(BLOOM)}) · ({'|'.join(SKILLS)})[ \t]*$", re.MULTILINE)
ANY_Q_HEADING = re.compile(r"^### Q\d+\b.*$", re.MULTILINE)

ANSWER_TAG = "answer"  # the cell's tag (what Jupyter shows and tag-aware tools act on)
ANSWER_KEY = "answer"  # the cell's metadata key: the id of what it answers
SECTION_ANSWERS = ("warm-up", "exit-ticket")  # answer ids that are not a question's


@dataclass(frozen=True)
class Question:
    id: str
    bloom: str
    skill: str
    text: str
    table: dict | None = None  # {"columns": [...], "rows": [...]}: the table the question asks for


def _table(meta: dict, name: str, qid: str) -> dict | None:
    """The table a question asks for, from its heading cell's metadata, checked."""
    table = meta.get("table")
    if table is None:
        return None

    def strings(value) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)

    if (
        not isinstance(table, dict)
        or set(table) - {"columns", "rows"}
        or not strings(table.get("columns"))
        or ("rows" in table and not strings(table["rows"]))
    ):
        raise ValueError(
            f'{name}: {qid}\'s table must be {{"columns": [headings], "rows": [first-column labels]}} '
            f"(rows optional, every entry a non-empty string); got {table!r}"
        )
    return {"columns": list(table["columns"]), "rows": list(table.get("rows", []))}


def notebook_path(chapter: str):
    return paths.CHAPTERS / f"{chapter}_notebook.md"


def notebook(chapter: str):
    """The chapter notebook, cells and metadata, read from its MyST source."""
    validate.jsonschema()  # jupytext imports it: without its slow plug-in (course/content/validate.py)
    import jupytext

    return jupytext.read(notebook_path(chapter))


def answer_id(cell) -> str | None:
    """What a notebook cell answers (``Q1``, ``warm-up``…), or None if it is no answer cell."""
    meta = cell.get("metadata") or {}
    return meta.get(ANSWER_KEY) if ANSWER_TAG in (meta.get("tags") or []) else None


def answer_cells(nb, name: str = "notebook") -> dict[str, int]:
    """``{answer id: cell index}`` of an author's notebook, whose answer cells must be whole:
    a markdown cell, tagged, with an id that no other cell has."""
    found: dict[str, int] = {}
    for n, cell in enumerate(nb.cells):
        meta = cell.get("metadata") or {}
        if ANSWER_TAG not in (meta.get("tags") or []) and ANSWER_KEY not in meta:
            continue
        ident = answer_id(cell)
        if cell.cell_type != "markdown" or not isinstance(ident, str) or not ident.strip():
            raise ValueError(
                f"{name}: cell {n + 1} is marked as an answer cell only in part; an answer "
                f'cell is a markdown cell after the line +++ {{"tags": ["{ANSWER_TAG}"], '
                f'"{ANSWER_KEY}": "<id>"}}'
            )
        if ident in found:
            raise ValueError(f"{name}: cells {found[ident] + 1} and {n + 1} both answer {ident!r}")
        found[ident] = n
    return found


def guided_questions(chapter: str, nb=None) -> list[Question]:
    """The chapter's questions in order, each with its text: what lies between its heading and
    its answer cell. Every question needs an answer cell, and every answer cell a question or a
    section to answer. ``nb``: the chapter notebook, if already read."""
    nb, name = nb or notebook(chapter), notebook_path(chapter).name
    answers = answer_cells(nb, name)
    sources = [c.source if c.cell_type == "markdown" else "" for c in nb.cells]
    bad = [h for src in sources for h in ANY_Q_HEADING.findall(src) if not HEADING.match(h)]
    if bad:
        raise ValueError(
            f"{name}: malformed question heading {bad[0]!r}; expected '### Q<n> · <Bloom level> · <skill>'"
        )
    found = [(n, m) for n, src in enumerate(sources) for m in HEADING.finditer(src)]
    out = []
    for k, (n, m) in enumerate(found):
        qid = m.group(1)
        upto = found[k + 1][0] if k + 1 < len(found) else len(sources)
        a = answers.get(qid)
        if a is None or not n < a < upto:
            raise ValueError(
                f"{name}: {qid} has no answer cell between its heading and the next question "
                f'(a markdown cell after the line +++ {{"tags": ["{ANSWER_TAG}"], '
                f'"{ANSWER_KEY}": "{qid}"}})'
            )
        text = "\n\n".join([sources[n][m.end() :], *sources[n + 1 : a]]).strip()
        table = _table(nb.cells[n].get("metadata") or {}, name, qid)
        out.append(Question(qid, m.group(2), m.group(3), text, table))
    stray = sorted(set(answers) - {q.id for q in out} - set(SECTION_ANSWERS))
    if stray:
        raise ValueError(
            f"{name}: answer cell(s) for {', '.join(stray)}, which is neither a question "
            f"here nor one of {', '.join(SECTION_ANSWERS)}"
        )
    return out


def section_prompt(chapter: str, answer: str, nb=None) -> str:
    """What a section's answer cell (``exit-ticket``, ``warm-up``) answers: the text of the
    markdown cells from the section's heading (``## E. Exit ticket``) to the cell, without the
    heading and without code cells (a quiz item the section runs is not part of the prompt)."""
    nb = nb or notebook(chapter)
    cells = answer_cells(nb, notebook_path(chapter).name)
    if answer not in cells:
        raise KeyError(f"{notebook_path(chapter).name} has no answer cell for {answer!r}")
    parts: list[str] = []
    for cell in reversed(nb.cells[: cells[answer]]):
        if cell.cell_type != "markdown":
            continue
        heading = re.search(r"^## .*$", cell.source, re.MULTILINE)
        if heading:
            parts.insert(0, cell.source[heading.end() :].strip())
            break
        parts.insert(0, cell.source.strip())
    return "\n\n".join(p for p in parts if p)


def model_answers(chapter: str) -> dict:
    return yaml.safe_load((paths.INSTRUCTOR / "answers" / f"{chapter}.yml").read_text(encoding="utf-8"))
