"""``course new-chapter``: a draft chapter from a new source text, ready to be written.

    seeds/NNN_<name>.txt                 the text, byte-for-byte (+ its entry in seeds/catalogue.yml)
    chapters/<slug>.md                   the reading page: the whole text with ¶ anchors, and every
                                         template section as a TODO box under a draft banner
    chapters/<slug>_notebook.md          notebook skeleton (it runs in the book build)
    chapters/<slug>_exercise.md          the exercise page
    exercises/<slug>/exercise.md, tests.py   one worked sample question, so release and grade work
    quizzes/<slug>.yml                   an empty bank marked ``draft: true``
    _toc.yml                             the chapter added at the end of the "Chapters" part

Everything is checked before anything is written, and the files are then written all or
nothing: a refused or failed run leaves the repository as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from course.content import paths, seeds
from course.content.chapters import DRAFT_CLASS, TEMPLATE_SECTIONS
from course.notebook.setup_cell import with_setup_cell

SLUG = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")
_STOP = {"a", "an", "and", "the", "of", "on", "in", "to", "for", "from", "its", "it", "is", "by",
         "chapter", "ch"}
_SEGMENT = 6  # at most this many paragraphs per reading segment in the skeleton
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class ScaffoldError(ValueError):
    """A new chapter that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Chapter:
    seed: str          # "005"
    slug: str          # "06_betrayed"
    title: str
    author: str
    date: str
    kind: str
    seed_file: str     # file name in seeds/
    received_as: str
    data: bytes        # the text, as received
    paragraphs: int

    @property
    def number(self) -> int:
        return int(self.slug[:2])

    @property
    def year(self) -> str:
        return self.date[:4] if self.date[:4].isdigit() else ""

    def link(self, first: int, last: int | None = None) -> str:
        label = f"¶{first}" + (f"–{last}" if last and last != first else "")
        return f"[{label}](#{seeds.anchor(self.seed, first)})"


# --- checking ------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Lower-case ASCII words of a title (accents dropped), for slugs and file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def read_text(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its text; refuses what is not non-empty UTF-8 text."""
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise ScaffoldError(f"{path} {what}: give the path of the text, a plain-text file in UTF-8.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScaffoldError(f"{path} cannot be read: {exc.strerror}.") from None
    if b"\x00" in data:
        raise ScaffoldError(f"{path} is a binary file (it contains NUL bytes), not a UTF-8 text: "
                            "give a plain-text file (a UTF-16 text must be converted to UTF-8 first).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(
            f"{path} is not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} is "
            "not valid UTF-8 (a Latin-1 or Windows-1252 file, perhaps). Seeds are kept "
            "byte-for-byte, so convert it first, e.g. `iconv -f latin1 -t utf-8 IN > OUT`, "
            "and check the result.") from None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        raise ScaffoldError(f"{path} contains control characters: it is not a plain text.")
    if not text.strip():
        raise ScaffoldError(f"{path} is empty (or only whitespace): there is no text to read.")
    return data, text


def _catalogue() -> list[dict]:
    return yaml.safe_load((paths.SEEDS / "catalogue.yml").read_text(encoding="utf-8")) or []


def _existing_slugs(catalogue: list[dict]) -> set[str]:
    found = {str(e["chapter"]).rsplit("/", 1)[-1] for e in catalogue if e.get("chapter")}
    found |= {p.stem for p in paths.CHAPTERS.glob("[0-9][0-9]_*.md")
              if not p.stem.endswith(("_notebook", "_exercise"))}
    found |= {p.stem for p in paths.QUIZZES.glob("*.yml")}
    found |= {p.name for p in paths.EXERCISES.iterdir() if p.is_dir()} if paths.EXERCISES.is_dir() else set()
    return found


def plan(seedfile: Path, *, title: str, author: str, date: str, kind: str,
         slug: str | None = None, seed_id: str | None = None) -> Chapter:
    """Check everything a new chapter needs; raise ScaffoldError on the first problem."""
    for name, value in (("--title", title), ("--author", author), ("--date", date)):
        if not (value or "").strip():
            raise ScaffoldError(f"{name} is empty: give what is known (for an unknown author or "
                                "date, say so, e.g. --date 'uncertain').")
    if kind not in {"primary", "secondary"}:
        raise ScaffoldError(f"--kind must be 'primary' or 'secondary', not {kind!r}.")
    data, text = read_text(Path(seedfile))
    catalogue = _catalogue()
    ids = {str(e["id"]): e for e in catalogue}
    digest = hashlib.sha256(data).hexdigest()
    for e in catalogue:
        if e["sha256"] == digest:
            raise ScaffoldError(f"{seedfile} is already seed {e['id']} ({e['file']}): the same "
                                "text cannot be catalogued twice.")

    if seed_id is None:
        seed_id = f"{max((int(i) for i in ids), default=-1) + 1:03d}"
    elif not re.fullmatch(r"[0-9]{3}", seed_id):
        raise ScaffoldError(f"--id {seed_id!r}: a seed id is three digits, e.g. 005.")
    if seed_id in ids:
        raise ScaffoldError(f"seed id {seed_id} is already taken by {ids[seed_id]['file']}; "
                            "leave out --id to use the next free number.")

    taken = _existing_slugs(catalogue)
    number = max((int(s[:2]) for s in taken if SLUG.match(s)), default=0) + 1
    if slug is None:
        title_words = [w for w in words(title) if w not in _STOP][:3]
        if not title_words:
            raise ScaffoldError(f"cannot make a slug from the title {title!r}; give one with --slug.")
        slug = f"{number:02d}_" + "_".join(title_words)
    elif not re.match(r"^[0-9]{2}_", slug):
        slug = f"{number:02d}_{slug}"
    if not SLUG.match(slug):
        raise ScaffoldError(f"--slug {slug!r}: a chapter slug is two digits, an underscore and "
                            "lower-case words joined by underscores, e.g. 06_betrayed.")
    if slug in taken:
        raise ScaffoldError(f"chapter {slug} already exists; choose another --slug.")
    clash = sorted(s for s in taken if s[:2] == slug[:2])
    if clash:
        raise ScaffoldError(f"chapter number {slug[:2]} is already used by {clash[0]}; "
                            f"choose another --slug (the next free number is {number:02d}).")

    year = date.strip()[:4] if date.strip()[:4].isdigit() else ""
    stem = "_".join([seed_id, *([year] if year else []), *words(title)[:6]])
    seed_file = f"{stem}.txt"
    if (paths.SEEDS / seed_file).exists():
        raise ScaffoldError(f"seeds/{seed_file} already exists but is not catalogued; move it away first.")
    paras = len(seeds.split_paragraphs(text))
    ch = Chapter(seed=seed_id, slug=slug, title=" ".join(title.split()), author=" ".join(author.split()),
                 date=date.strip(), kind=kind, seed_file=seed_file, received_as=Path(seedfile).name,
                 data=data, paragraphs=paras)
    _toc_with(ch)  # refuses now, before anything is written, if the toc cannot take the chapter
    return ch


# --- what is written -----------------------------------------------------------------------

def catalogue_entry(ch: Chapter) -> str:
    entry = {
        "id": ch.seed, "file": ch.seed_file, "received_as": ch.received_as, "title": ch.title,
        "author": ch.author, "date": ch.date, "kind": ch.kind,
        "genre": "TODO: what kind of text this is (e.g. a polemical article, a memoir, a historian's talk)",
        "original_publication": "TODO: where and when it first appeared, as far as known",
        "transcription": "TODO: where this copy of the text comes from",
        "rights": "TODO: copyright status and the basis for reproducing it for teaching",
        "chapter": f"chapters/{ch.slug}",
        "sha256": hashlib.sha256(ch.data).hexdigest(),
    }
    # JSON strings are YAML double-quoted scalars: safe for any title, and the file's own style.
    lines = [f"{'- ' if i == 0 else '  '}{k}: {json.dumps(v, ensure_ascii=False)}"
             for i, (k, v) in enumerate(entry.items())]
    return "\n".join(lines) + "\n"


def _toc_with(ch: Chapter) -> str:
    """_toc.yml with the chapter added at the end of the "Chapters" part (text edit, so the
    file keeps its layout); refuses if that part cannot be found."""
    path = paths.ROOT / "_toc.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^\s*- caption:\s*Chapters\s*$", ln)), None)
    if start is None:
        raise ScaffoldError("_toc.yml has no part with 'caption: Chapters'; add the chapter by hand.")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    entry = next((ln for ln in lines[start:end] if re.match(r"^\s*- file:", ln)), None)
    pad = " " * (len(entry) - len(entry.lstrip())) if entry else " " * (indent + 4)
    block = [f"{pad}- file: chapters/{ch.slug}", f"{pad}  sections:",
             f"{pad}    - file: chapters/{ch.slug}_notebook", f"{pad}    - file: chapters/{ch.slug}_exercise"]
    new = "\n".join(lines[:end] + block + lines[end:]) + "\n"
    parts = (yaml.safe_load(new) or {}).get("parts", [])
    chapters = next((p.get("chapters", []) for p in parts if p.get("caption") == "Chapters"), [])
    if not chapters or chapters[-1].get("file") != f"chapters/{ch.slug}":
        raise ScaffoldError("could not add the chapter to the 'Chapters' part of _toc.yml; add it by hand.")
    return new


def todo(name: str, body: str) -> str:
    return f":::{{admonition}} TODO: {name}\n:class: todo\n\n{body.strip()}\n:::\n"


def banner(what: str) -> str:
    return (f":::{{admonition}} Draft {what}: not ready for students\n:class: warning {DRAFT_CLASS}\n\n"
            f"This {what} was set up by `course new-chapter` and is not written yet. Each box marked "
            "**TODO** says what belongs in its place: replace the box with that text. Delete this "
            "banner when no TODO box is left.\n:::\n")


def _segments(n: int) -> list[tuple[int, int]]:
    count = math.ceil(n / _SEGMENT)
    size, extra = divmod(n, count)
    out, first = [], 1
    for k in range(count):
        last = first + size - 1 + (1 if k < extra else 0)
        out.append((first, last))
        first = last + 1
    return out


def _sections(ch: Chapter) -> dict[str, str]:
    """The body of each template section: what the finished chapters have there, as TODO boxes."""
    s, nb = ch.seed, f"{ch.slug}_notebook.md"
    n = ch.paragraphs
    segs = _segments(n)
    count = _NUMBERS[len(segs)] if len(segs) < len(_NUMBERS) else str(len(segs))
    reading = [f"The full text follows in {count} segment{'s' if len(segs) > 1 else ''}. "
               "Paragraph numbers (¶) are fixed for the whole course; cite them.\n",
               todo("Segments", f"""
Split the text where its argument turns, into segments of about four to nine paragraphs. Each
segment is a `###` heading "Segment k: *title* (¶a–b)", one or two sentences saying what happens
in it, the `{{reading}}` directive with `:paragraphs: a-b`, and then two boxes: a `tip`
admonition "Close reading" with two numbered prompts that cite paragraphs, and a
`seealso margin` admonition "Terms in this segment" listing glossary terms. Every paragraph
¶1–{n} must be rendered once, in order: the build fails otherwise. Mark obvious slips in the
text in `seeds/emendations.csv`; never edit the seed file.""")]
    for k, (a, b) in enumerate(segs, 1):
        span = f"¶{a}" + (f"–{b}" if b != a else "")
        reading.append(f"### Segment {k}: TODO title ({span})\n")
        reading.append(todo(f"Segment {k}", f"""
Replace "TODO title" with a short title for {ch.link(a, b)}. Write one or two sentences that
introduce these paragraphs above the reading, and put after it a "Close reading" box (two
prompts that cite paragraphs, e.g. {ch.link(a)}) and a "Terms in this segment" box."""))
        reading.append(f"```{{reading}} {s}\n:paragraphs: {a}-{b}\n```\n")

    return {
        "At a glance": todo("At a glance", f"""
- One paragraph: what this text is and how the chapter reads it (who produced it, when and for
  whom, then what it says and how far it can be trusted).
- **Learning objectives.** Four, each starting with a bold verb (**Explain**, **Analyse**,
  **Compare**, **Evaluate**) and citing the paragraphs it rests on, e.g. {ch.link(1)}.
- A line `**Estimated time.** About N minutes: …` with N a number. The syllabus reads this line,
  so keep these exact words.
- **What you need.** A browser for the reading and the quiz; for the data exercise,
  [the chapter notebook]({nb})."""),
        "Sourcing card": todo("Sourcing card", f"""
A table with the columns *Question*, *What we know* and *How sure we are* (established,
uncertain, the text's own claim…) and one row each for: Author(s); Date written; Date of this
version; Genre; Original audience and purpose; How it reached us (translation, transcription,
archive); What the author(s) could not know. The catalogue records this text as "{ch.title}",
by {ch.author}, dated {ch.date} ({ch.kind} source); complete the `TODO` fields of seed {s} in
`seeds/catalogue.yml` at the same time."""),
        "Context": todo("Context", """
Five to eight bullets, each a **bold term** and two to four sentences of background the reader
needs for this text (events, institutions, people's positions), marking what is uncertain. End
with a mini-timeline: the `{timeline}` directive with `:events:` listing ids from
`data/timeline.csv` (add the events there first, with their sources)."""),
        "Central question": todo("Central question", """
An `{important}` box holding the chapter's one question, in bold on a line of its own (the
syllabus copies that line), and one or two sentences telling the reader what to keep apart
while reading (e.g. what the text *claims* and what it offers as *evidence*)."""),
        "Before you read": todo("Before you read", f"""
One sentence naming the parts of the text to look at before interpreting it (e.g. the header,
{ch.link(1)}, and the opening paragraph). Then a `note` admonition "Observe, Reflect, Question"
with three bold headings and two or three prompts under each: *Observe* (what do you notice?),
*Reflect* (what can you infer?), *Question* (what do you want to know, and where would you
look?)."""),
        "The reading": "\n".join(reading),
        "Reading a polemic fairly": todo("Reading a polemic fairly", """
A `warning` admonition "Who disagreed, and how?": **The other side** (who the text argues
against), **How they answered** (only what a checked source shows), the opponents' case
reconstructed in its strongest form, **Attribution reminders** ("the text claims that…", loaded
labels kept in quotation marks), and **Two questions a fair reader asks**, each citing
paragraphs."""),
        "Corroboration": todo("Corroboration", """
A `seealso` admonition "Reading across the seeds": two to four bold-titled paragraphs, each
setting a passage of this text beside one in another seed (cite it as "seed 000 ¶6") and asking
what agrees, what differs and why. End with **For further reading**: two or three scholarly works
cited as `` {cite:t}`key` `` from `references.bib`, one line each on what they offer."""),
        "Fact-check": todo("Fact-check", """
An `important` admonition "What in this text is uncertain or needs checking": bullets on
authorship, the print source or translation, each unreferenced quotation or figure, the text's
claims about its own side's influence, and any oddity kept as it stands (recorded in
`seeds/emendations.csv`, never silently corrected)."""),
        "Key terms": todo("Key terms", """
A bullet list of the chapter's terms, each as `` {term}`Term` `` followed by a one-line gloss.
Every term must be an entry of `data/glossary.yml`, with a `uses` note that cites this seed's
paragraphs (add entries there first)."""),
        "Key people": todo("Key people", f"""
One or two sentences introducing the people the text names, and any who matter although it does
not name them. The list under this box is rendered from `data/people.yml`: add each person
there with a `uses` entry for seed {s} and the paragraphs that name them.""")
        + f"\n```{{people}}\n:seed: {s}\n```\n",
        "Summary": todo("Summary", f"""
Four to six bullets, each a claim attributed to the text ("the text claims…") with paragraph
links, e.g. {ch.link(1)}; then a last line sending the reader to
[the chapter notebook]({nb})."""),
    }


def chapter_page(ch: Chapter) -> str:
    year = f" ({ch.year})" if ch.year else ""
    out = [f"# {ch.number}. {ch.title}{year}\n", banner("chapter")]
    bodies = _sections(ch)
    headings = {"Before you read": "Before you read: Observe, Reflect, Question"}
    for name in TEMPLATE_SECTIONS:
        out.append(f"## {headings.get(name, name)}\n")
        out.append(bodies[name])
    return "\n".join(out)


_JUPYTEXT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def notebook_page(ch: Chapter) -> str:
    s, slug = ch.seed, ch.slug
    warmup = todo("Warm-up", f"""
Three quiz items from earlier chapters (spaced retrieval; add them to this chapter's bank with
ids `s{s}-w01`…), or, for a first chapter, a two-minute "what do you already know" prompt. End
with `**Your answer:** *(double-click this cell and write here)*`.""")
    guided = todo("Guided questions", f"""
Ten to thirteen questions climbing Bloom's levels, each under a heading
`### Q<n> · <level> · <skill>` (levels: Remember, Understand, Apply, Analyze, Evaluate, Create;
skills: sourcing, contextualization, corroboration, close reading), then the question citing the
paragraphs it rests on (e.g. {ch.link(1)}), then `**Your answer:** *(double-click this cell
and write here)*`. Model answers go in `instructor/answers/{slug}.yml`, never here.""")
    quiz = todo("Quiz", f"""
Write eight to ten items in `quizzes/{slug}.yml` (ids `s{s}-q01`…; four options, exactly one
correct, feedback on every option that cites a ¶), then add one cell per item here,
`quiz("s{s}-q01")`, tagged `remove-input`. `course validate` checks the bank.""")
    exercise = todo("Data exercise", f"""
Treat something in the text as data (its figures, its dates, its quotations, its vocabulary),
with every row saying where it comes from (a ¶ of the seed or the course's fact base in
`data/`). Give tables, at least two charts with alt text and a sentence saying what they show,
and "Your turn" cells that set an answer variable and call `check("name")`; put the checks in
`exercises/{slug}/checks.py` and load them with `check = Checks.chapter("{slug}")` in the
setup cell.""")
    exit_ticket = todo("Exit ticket", f"""
One retrieval quiz item (`s{s}-x01`) and a reflection of about 100 words on a claim of the
text, citing its paragraph, followed by `**Your answer:** *(double-click this cell and write
here)*`.""")
    return f"""{_JUPYTEXT}
# Notebook {ch.number}: {ch.title} — questions, quiz and data

```{{code-cell}} ipython3
:tags: [remove-cell]
from course.notebook import quiz, data
```

{banner("notebook")}
This notebook goes with the chapter [{ch.title}]({slug}.md). Read the chapter first. Links
such as {ch.link(1)} take you to the numbered paragraph of the text in the chapter.

## A. Warm-up

{warmup}
## B. Guided questions

{guided}
## C. Quiz

{quiz}
## D. Data exercise

`data.paragraphs("{s}")` gives the text one row per paragraph: the ¶ number, the text and its
length in words.

```{{code-cell}} ipython3
paras = data.paragraphs("{s}")
paras[["para", "words"]].T
```

{exercise}
## E. Exit ticket

{exit_ticket}"""


def exercise_source(ch: Chapter) -> str:
    s = ch.seed
    return f"""{_JUPYTEXT}
# Exercise {ch.number}: {ch.title} as data

> **TODO (course author).** A draft made by `course new-chapter`. It has one worked sample
> question so that `course release` and `course grade` work from the start. Replace it with
> three to five questions on the data skills of notebook {ch.number}: each a bold
> "**Question n (`name`).**" paragraph, a code cell with the solution between
> `# BEGIN SOLUTION` and `# END SOLUTION`, and a `check("name")` cell; each answer gets a test
> with hints in `exercises/{ch.slug}/tests.py`. Then delete this note.

This exercise is graded automatically. Give each answer the **exact variable name** the
question asks for, run `check("name")` to try the public checks, and save the notebook before
you submit it. The text is seed {s}, "{ch.title}" ({ch.date}); `data.paragraphs("{s}")` gives
it one row per paragraph (`para` is the ¶ number used in the chapter).

```{{code-cell}} ipython3
from course.notebook import data, Checks

check = Checks.exercise("{ch.slug}")
paras = data.paragraphs("{s}")
paras.head()
```

**Question 1 (`n_paragraphs`).** How many numbered paragraphs (¶) does the text have? Give a
whole number (an `int`).

```{{code-cell}} ipython3
# BEGIN SOLUTION
n_paragraphs = len(paras)
# END SOLUTION
n_paragraphs
```

```{{code-cell}} ipython3
check("n_paragraphs")
```
"""


def exercise_tests(ch: Chapter) -> str:
    return f'''"""Public tests for exercise {ch.number} (seed {ch.seed}). One test per answer; each message
is the hint.

TODO (course author): the sample question made by `course new-chapter`; replace it with the
exercise's own questions.
"""

ANSWERS = {{"n_paragraphs": "int"}}
POINTS = {{"test_n_paragraphs": 1}}


def test_n_paragraphs(answers):
    n = answers["n_paragraphs"]
    assert isinstance(n, int), f"Give a whole number (an int), not {{type(n).__name__}}."
    assert n == {ch.paragraphs}, ("Not yet. data.paragraphs(...) has one row per paragraph: "
                                  "count its rows.")
'''


def exercise_page(ch: Chapter) -> str:
    return f"""# Exercise {ch.number}: {ch.title} as data (autograded)

{banner("exercise")}
This exercise checks the data skills of [notebook {ch.number}]({ch.slug}_notebook.md) on the text
of [chapter {ch.number}]({ch.slug}.md). Download the notebook, replace each `...` with your
answer under the variable name the question gives, run the `check("…")` cell under it, and save
before you submit. How the grader runs your notebook is explained in
[How your work is checked](../checking.md).

```{{exercise-notebook}} {ch.slug}
```
"""


def quiz_bank(ch: Chapter) -> str:
    s = ch.seed
    return f"""# Quiz bank for chapter {ch.number} (seed {s}). A draft: no items yet.
# `draft: true` lets the bank be empty; remove it when the bank is finished, and from then on
# it must have at least one item. Each item has this shape (see quizzes/01_soviets.yml):
#
#   - id: s{s}-q01            # q: quiz, w: warm-up, x: exit ticket
#     seed: "{s}"
#     bloom: Remember          # Remember … Create
#     skill: close reading     # sourcing, contextualization, corroboration, close reading
#     refs: ["{s}:1"]
#     question: What does the text say in its first paragraph?
#     options:                 # four; exactly one correct; every feedback cites a ¶
#       - text: …
#         correct: true
#         feedback: Yes (¶1): …
chapter: {ch.slug}
draft: true
items: []
"""


def files(ch: Chapter) -> dict[Path, bytes]:
    """Every file the new chapter writes or changes, with its full new content."""
    catalogue = (paths.SEEDS / "catalogue.yml").read_text(encoding="utf-8")
    utf8 = lambda t: t.encode("utf-8")  # noqa: E731
    return {
        paths.SEEDS / ch.seed_file: ch.data,
        paths.SEEDS / "catalogue.yml": utf8(catalogue.rstrip("\n") + "\n" + catalogue_entry(ch)),
        paths.CHAPTERS / f"{ch.slug}.md": utf8(chapter_page(ch)),
        paths.CHAPTERS / f"{ch.slug}_notebook.md": utf8(with_setup_cell(notebook_page(ch))),
        paths.CHAPTERS / f"{ch.slug}_exercise.md": utf8(exercise_page(ch)),
        paths.EXERCISES / ch.slug / "exercise.md": utf8(with_setup_cell(exercise_source(ch))),
        paths.EXERCISES / ch.slug / "tests.py": utf8(exercise_tests(ch)),
        paths.QUIZZES / f"{ch.slug}.yml": utf8(quiz_bank(ch)),
        paths.ROOT / "_toc.yml": utf8(_toc_with(ch)),
    }


def write_all(changes: dict[Path, bytes]) -> None:
    """Write every file or none: each goes to a temporary name first, and if any step fails
    the files already replaced get their old content back."""
    before = {p: (p.read_bytes() if p.exists() else None) for p in changes}
    new_dirs = {d for p in changes for d in p.parents if not d.exists()}
    done: list[Path] = []
    try:
        for path, data in changes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.new")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:
            if before[path] is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before[path])
        for path in changes:
            try:
                path.with_name(f".{path.name}.new").unlink(missing_ok=True)
            except OSError:
                pass
        for d in sorted(new_dirs, key=lambda d: len(d.parts), reverse=True):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        raise


def new_chapter(seedfile: Path, **options) -> tuple[Chapter, list[Path]]:
    ch = plan(seedfile, **options)
    changes = files(ch)
    write_all(changes)
    return ch, list(changes)
