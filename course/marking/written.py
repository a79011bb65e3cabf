"""``course written SUBMISSIONS --out REVIEW``: the class's written answers, ready to mark.

For each chapter and marked question (``rubrics.items``) one static page,
``REVIEW/<chapter>/<answer>.html``: the question, then beside it the model answer, the "look
for" points and the points scale, then every student's answer with its word count, empty
answers flagged and students who did not hand the notebook in listed. ``REVIEW/index.html``
lists the pages with their counts and any notebook that could not be read. The pages work from
the file system, offline (no script, no font or style from elsewhere), with the keyboard alone.

Students are shown by pseudonym (``S017``) unless ``names``; ``REVIEW/students.csv`` is the key,
kept from one run to the next so that a late submission does not reshuffle the labels.
``REVIEW/scores.csv`` has a row per student and question to fill in (and the essay's criteria
for every student); running again keeps every score and comment already written.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from course.content import questions, rubrics
from course.files import write_atomic
from course.marking import classfolder, scores
from course.marking.pages import env

MAX_ANSWER_CHARS = 50_000  # a page shows this much of one answer, and says what it left out


class MarkingError(ValueError):
    """The class folder or a teacher's file cannot be used; nothing was written."""


@dataclass
class Answer:
    text: str
    words: int
    cut: int = 0  # characters left out


@dataclass
class Collected:
    students: list[str]
    handed_in: dict[str, set[str]]  # student -> chapters whose notebook they handed in
    answers: dict[tuple[str, str], dict[str, Answer]]  # (chapter, answer id) -> student -> answer
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (student, notebook, what is wrong)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _answer_id(cell) -> str | None:
    if not isinstance(cell, dict):
        return None
    meta = cell.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("tags"), list):
        return None
    ident = meta.get(questions.ANSWER_KEY)
    return ident if questions.ANSWER_TAG in meta["tags"] and isinstance(ident, str) else None


def placeholder(chapter: str) -> tuple[str, str]:
    """The blank answer cell's label and hint (``**Your answer:**``, ``*(double-click …)*``), from
    the chapter's own notebook: what a student who wrote nothing still has in the cell."""
    label, _, rest = rubrics.notebook(chapter).blank.partition("*(")
    return label.strip(), ("*(" + rest).strip() if rest else ""


def answer_text(source: str, label: str, hint: str) -> str:
    text = source.replace(hint, "") if hint else source
    text = text.strip()
    if label and text.startswith(label):
        text = text[len(label) :].strip()
    return text


def chapter_of(nb: classfolder.Notebook, titles: dict[str, str]) -> str | None:
    """The chapter a student's notebook belongs to: by its file name (``01_soviets_notebook.ipynb``,
    as the book publishes it), else by its title (a renamed copy). Looked up in the course's own
    list: the name never becomes a path."""
    base = nb.name.rsplit("/", 1)[-1]
    for chapter in titles:
        if base == f"{chapter}_notebook.ipynb":
            return chapter
    for cell in nb.data["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            m = re.search(r"^# (.+)$", _source(cell), re.MULTILINE)
            if m:
                found = [ch for ch, t in titles.items() if t == m.group(1).strip()]
                return found[0] if found else None
    return None


def collect(submissions: Path, items: dict[str, list[rubrics.Item]]) -> Collected:
    try:
        folder = classfolder.walk(submissions)
    except OSError as exc:
        raise MarkingError(f"{submissions} cannot be read ({exc.strerror}).") from None
    titles = {ch: rubrics.notebook(ch).title for ch in items}
    blanks = {ch: placeholder(ch) for ch in items}
    students = list(dict.fromkeys(folder.students))
    got = Collected(students, defaultdict(set), defaultdict(dict))
    for nb in folder.notebooks:
        if nb.problem:
            got.problems.append((nb.student, nb.name, f"{nb.problem}."))
            continue
        meta = nb.data.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("course"), dict) and "exercise" in meta["course"]:
            continue  # an exercise notebook: course grade-all grades it
        chapter = chapter_of(nb, titles)
        cells = nb.data["cells"]
        if chapter is None:
            if any(_answer_id(c) for c in cells):
                why = "has answer cells but is none of the course's chapter notebooks."
                got.problems.append((nb.student, nb.name, why))
            continue
        if chapter in got.handed_in[nb.student]:
            got.problems.append((nb.student, nb.name, f"is a second notebook for {chapter}; its answers are added."))
        got.handed_in[nb.student].add(chapter)
        wanted = {it.answer for it in items[chapter]}
        for cell in cells:
            ident = _answer_id(cell)
            if ident not in wanted:
                continue
            text = answer_text(_source(cell), *blanks[chapter])
            previous = got.answers[chapter, ident].get(nb.student)
            if previous and previous.text:
                text = f"{previous.text}\n\n{text}".strip()
            cut = max(0, len(text) - MAX_ANSWER_CHARS)
            got.answers[chapter, ident][nb.student] = Answer(text[:MAX_ANSWER_CHARS], len(text.split()), cut)
    return got


def labels_for(students: list[str], old: dict[str, str], names: bool) -> dict[str, str]:
    """``{student id: label}``: the id itself with ``names``; otherwise the pseudonym the key
    already gives, and for a new student an unused number drawn at random (so the order of the
    labels says nothing about the order of the names)."""
    if names:
        return {s: s for s in students}
    by_id = {sid: label for label, sid in old.items() if re.fullmatch(r"S\d{3,}", label)}
    taken = set(by_id.values())
    new = [s for s in students if s not in by_id]
    width = max(3, len(str(len(students) + len(taken))))
    free = [n for n in range(1, len(students) + len(taken) + 1) if f"S{n:0{width}d}" not in taken]
    secrets.SystemRandom().shuffle(free)
    by_id.update({s: f"S{n:0{width}d}" for s, n in zip(new, free)})
    return {s: by_id[s] for s in students}


@dataclass
class Summary:
    students: int
    pages: int
    answers: int
    empty: int
    problems: list[str]


def written(submissions: Path, out: Path, *, names: bool = False) -> Summary:
    """Collect, check the teacher's earlier files in ``out``, then write the review. On any
    error nothing is written."""
    if not submissions.is_dir():
        raise MarkingError(f"{submissions} is not a folder of submissions (one folder or notebook per student).")
    data = rubrics.load()
    top, items = scores.maxima(data)
    got = collect(submissions, items)
    # The teacher's earlier work, read back by student id so that nothing is lost.
    old_key = scores.read_key(out / scores.KEY) if (out / scores.KEY).exists() else {}
    old = scores.read_scores(out / scores.SCORES, old_key, top) if (out / scores.SCORES).exists() else {}
    everyone = got.students + [s for s in dict.fromkeys(v for v in old_key.values()) if s not in got.students]
    labels = labels_for(everyone, old_key, names)
    if len(set(labels.values())) != len(labels):
        raise MarkingError("two students would share a label; rename one of their folders.")
    order = sorted(got.students, key=lambda s: labels[s])
    rows: list[scores.Score] = []
    for student in order:
        wanted = [it.key for ch, its in items.items() if ch in got.handed_in[student] for it in its]
        wanted += [f"{rubrics.ESSAY}/{c.id}" for c in rubrics.criteria(data)]
        for q in wanted:
            rows.append(old.get((student, q)) or scores.Score(student, q, None, "", 0))
    made = {(s.student, s.question) for s in rows}
    rows += [s for k, s in old.items() if k not in made]  # scores of students no longer in the folder: kept
    files: dict[Path, str] = {}
    e = env()
    page = e.get_template("review_page.html.jinja")
    flat = [it for its in items.values() for it in its]
    index = []
    for n, it in enumerate(flat):
        answers = got.answers.get((it.chapter, it.answer), {})
        entries = [
            {"label": labels[s], "answer": answers.get(s), "cell": s in answers}
            for s in order
            if it.chapter in got.handed_in[s]
        ]
        absent = [labels[s] for s in order if it.chapter not in got.handed_in[s]]
        empty = sum(1 for x in entries if not (x["answer"] and x["answer"].text))
        index.append({"item": it, "href": f"{it.chapter}/{it.answer}.html", "count": len(entries), "empty": empty})
        files[out / it.chapter / f"{it.answer}.html"] = page.render(
            item=it,
            entries=entries,
            absent=absent,
            empty=empty,
            previous=f"../{flat[n - 1].chapter}/{flat[n - 1].answer}.html" if n else None,
            next=f"../{flat[n + 1].chapter}/{flat[n + 1].answer}.html" if n + 1 < len(flat) else None,
            names=names,
        )
    files[out / "index.html"] = e.get_template("review_index.html.jinja").render(
        index=index,
        # On the page a notebook is named by its student's label only: its path holds the name.
        problems=[(labels[student], what) for student, _, what in got.problems],
        students=len(order),
        names=names,
        essay=rubrics.criteria(data),
    )
    files[out / scores.SCORES] = scores.scores_text(rows, labels, top)
    files[out / scores.KEY] = scores.key_text({label: sid for sid, label in labels.items()})
    for path, text in files.items():
        write_atomic(path, text)
    total = sum(x["count"] for x in index)
    problems = [f"{name} {what}" for _, name, what in got.problems]
    return Summary(len(order), len(flat), total, sum(x["empty"] for x in index), problems)
