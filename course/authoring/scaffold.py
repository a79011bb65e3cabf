"""``course new-chapter``: a draft chapter from a new source text, ready to be written.

    seeds/NNN_<name>.txt                 the text, byte-for-byte (+ its entry in seeds/catalogue.yml)
    chapters/<slug>.md                   the reading page: the whole text with ¶ anchors, and every
                                         template section as a TODO box under a draft banner
    chapters/<slug>_notebook.md          notebook skeleton (it runs in the book build), with one
                                         sample check (exercises/<slug>/checks.py)
    chapters/<slug>_exercise.md          the exercise page
    exercises/<slug>/exercise.md, tests.py   one worked sample question, so release and grade work
    quizzes/<slug>.yml                   an empty bank marked ``draft: true``
    instructor/answers/<slug>.yml        no model answers yet (the notebook has no questions yet)
    instructor/hidden-tests/<slug>/      the sample question's hidden test
    instructor/<slug>_key.md, _lesson.md the answer key (from the data) and a lesson plan of TODO boxes
    _toc.yml                             the chapter added at the end of the part listing the chapters

A draft has every file a chapter has, so every check of the course holds for it; what only a
finished chapter has (questions, quiz items, a timeline…) the checks leave to chapters whose
page no longer carries the draft banner. A draft is not on the student site
(``course.book.drafts``), so its addresses are not recorded in ``links/addresses.txt`` yet:
``make addresses`` records them once the banner is gone and the chapter is published.

Everything is checked before anything is written, and the files are then written all or
nothing: a refused or failed run leaves the repository as it was. What the files say is in
templates (Jinja2), filled in with the chapter's values; this module decides the values. The
templates are ``templates/`` here, and ``instructor/templates/`` for what only teachers see.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from course import project
from course.content import paths, seeds
from course.content.chapters import DRAFT_CLASS, TEMPLATE_SECTIONS
from course.grading.formative import digest
from course.notebook.setup_cell import with_setup_cell

SLUG = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")
_TOC_FILE = re.compile(r"^(\s*)- file:\s*(.+?)\s*$")  # a toc entry's first line
_STOP = {"a", "an", "and", "the", "of", "on", "in", "to", "for", "from", "its", "it", "is", "by", "chapter", "ch"}
_SEGMENT = 6  # at most this many paragraphs per reading segment in the skeleton
TEMPLATES = Path(__file__).resolve().parent / "templates"
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class ScaffoldError(ValueError):
    """A new chapter that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Chapter:
    seed: str  # "005"
    slug: str  # "06_betrayed"
    title: str
    author: str
    date: str
    kind: str
    seed_file: str  # file name in seeds/
    received_as: str
    data: bytes  # the text, as received
    paragraphs: int

    @property
    def number(self) -> int:
        return int(self.slug[:2])

    @property
    def year(self) -> str:
        return self.date[:4] if self.date[:4].isdigit() else ""

    @property
    def max_words(self) -> int:
        """The words of the longest paragraph, counted as ``data.paragraphs`` counts them."""
        from course.content.data import WORD  # (data imports pandas: only when a chapter is made)

        return max(len(WORD.findall(p)) for p in seeds.split_paragraphs(self.data.decode("utf-8")))

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
        raise ScaffoldError(
            f"{path} is a binary file (it contains NUL bytes), not a UTF-8 text: "
            "give a plain-text file (a UTF-16 text must be converted to UTF-8 first)."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(
            f"{path} is not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} is "
            "not valid UTF-8 (a Latin-1 or Windows-1252 file, perhaps). Seeds are kept "
            "byte-for-byte, so convert it first, e.g. `iconv -f latin1 -t utf-8 IN > OUT`, "
            "and check the result."
        ) from None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        raise ScaffoldError(f"{path} contains control characters: it is not a plain text.")
    if not text.strip():
        raise ScaffoldError(f"{path} is empty (or only whitespace): there is no text to read.")
    return data, text


def _catalogue() -> list[dict]:
    return yaml.safe_load((paths.SEEDS / "catalogue.yml").read_text(encoding="utf-8")) or []


def _existing_slugs(catalogue: list[dict]) -> set[str]:
    found = {str(e["chapter"]).rsplit("/", 1)[-1] for e in catalogue if e.get("chapter")}
    found |= {p.stem for p in paths.CHAPTERS.glob("[0-9][0-9]_*.md") if not p.stem.endswith(("_notebook", "_exercise"))}
    found |= {p.stem for p in paths.QUIZZES.glob("*.yml")}
    found |= {p.name for p in paths.EXERCISES.iterdir() if p.is_dir()} if paths.EXERCISES.is_dir() else set()
    return found


def plan(
    seedfile: Path,
    *,
    title: str,
    author: str,
    date: str,
    kind: str,
    slug: str | None = None,
    seed_id: str | None = None,
) -> Chapter:
    """Check everything a new chapter needs; raise ScaffoldError on the first problem."""
    for name, value in (("--title", title), ("--author", author), ("--date", date)):
        if not (value or "").strip():
            raise ScaffoldError(
                f"{name} is empty: give what is known (for an unknown author or date, say so, e.g. --date 'uncertain')."
            )
    if kind not in {"primary", "secondary"}:
        raise ScaffoldError(f"--kind must be 'primary' or 'secondary', not {kind!r}.")
    data, text = read_text(Path(seedfile))
    catalogue = _catalogue()
    ids = {str(e["id"]): e for e in catalogue}
    digest = hashlib.sha256(data).hexdigest()
    for e in catalogue:
        if e["sha256"] == digest:
            raise ScaffoldError(
                f"{seedfile} is already seed {e['id']} ({e['file']}): the same text cannot be catalogued twice."
            )

    if seed_id is None:
        seed_id = f"{max((int(i) for i in ids), default=-1) + 1:03d}"
    elif not re.fullmatch(r"[0-9]{3}", seed_id):
        raise ScaffoldError(f"--id {seed_id!r}: a seed id is three digits, e.g. 005.")
    if seed_id in ids:
        raise ScaffoldError(
            f"seed id {seed_id} is already taken by {ids[seed_id]['file']}; leave out --id to use the next free number."
        )

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
        raise ScaffoldError(
            f"--slug {slug!r}: a chapter slug is two digits, an underscore and "
            "lower-case words joined by underscores, e.g. 06_betrayed."
        )
    if slug in taken:
        raise ScaffoldError(f"chapter {slug} already exists; choose another --slug.")
    clash = sorted(s for s in taken if s[:2] == slug[:2])
    if clash:
        raise ScaffoldError(
            f"chapter number {slug[:2]} is already used by {clash[0]}; "
            f"choose another --slug (the next free number is {number:02d})."
        )

    year = date.strip()[:4] if date.strip()[:4].isdigit() else ""
    stem = "_".join([seed_id, *([year] if year else []), *words(title)[:6]])
    seed_file = f"{stem}.txt"
    if (paths.SEEDS / seed_file).exists():
        raise ScaffoldError(f"seeds/{seed_file} already exists but is not catalogued; move it away first.")
    paras = len(seeds.split_paragraphs(text))
    ch = Chapter(
        seed=seed_id,
        slug=slug,
        title=" ".join(title.split()),
        author=" ".join(author.split()),
        date=date.strip(),
        kind=kind,
        seed_file=seed_file,
        received_as=Path(seedfile).name,
        data=data,
        paragraphs=paras,
    )
    _toc_with(ch)  # refuses now, before anything is written, if the toc cannot take the chapter
    return ch


# --- what is written -----------------------------------------------------------------------


def _env() -> jinja2.Environment:
    # What only teachers see (model answers, key, lesson plan, hidden tests) has its templates in
    # instructor/templates/, which never ships to students, as instructor/ itself does not.
    loader = jinja2.FileSystemLoader([TEMPLATES, paths.INSTRUCTOR / "templates"])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )  # Markdown, YAML and Python: nothing is HTML
    env.filters["quoted"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["number_word"] = lambda n: _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return env


def render(template: str, ch: Chapter, **extra) -> str:
    """A template of ``templates/`` filled in with the chapter's values (and ``extra``)."""
    values = {
        "seed": ch.seed,
        "slug": ch.slug,
        "number": ch.number,
        "title": ch.title,
        "author": ch.author,
        "date": ch.date,
        "year": ch.year,
        "kind": ch.kind,
        "paragraphs": ch.paragraphs,
        "link_first": ch.link(1),
        "notebook": f"{ch.slug}_notebook.md",
        "draft_class": DRAFT_CLASS,
    }
    return _env().get_template(template).render(values, **extra)


def catalogue_entry(ch: Chapter) -> str:
    return render(
        "catalogue_entry.yml.jinja",
        ch,
        seed_file=ch.seed_file,
        received_as=ch.received_as,
        sha256=hashlib.sha256(ch.data).hexdigest(),
    )


def _docname(file) -> str:
    return str(file).removesuffix(".md")


def _chapters_part(toc: dict) -> int:
    """Which part of the toc lists the chapters: the one whose entries are the chapter pages
    of seeds/catalogue.yml (not its caption, which is the authors' wording)."""
    known = {_docname(e["chapter"]) for e in _catalogue() if e.get("chapter")}
    parts = toc.get("parts") or []
    holding = [
        i for i, part in enumerate(parts) if known & {_docname(c.get("file")) for c in part.get("chapters") or []}
    ]
    if len(holding) != 1:
        where = (
            "no part of _toc.yml lists"
            if not holding
            else "more than one part of _toc.yml lists ("
            + ", ".join(repr(parts[i].get("caption", f"part {i + 1}")) for i in holding)
            + ")"
        )
        raise ScaffoldError(
            f"{where} the chapters of seeds/catalogue.yml "
            f"({', '.join(sorted(known)) or 'none yet'}), so the new chapter has no "
            "place to go: add chapters/<slug> with its _notebook and _exercise "
            "sections to _toc.yml by hand."
        )
    return holding[0]


def _toc_with(ch: Chapter) -> str:
    """_toc.yml with the chapter added after the last entry of the part that lists the
    chapters. A text edit, so the file keeps its layout and comments; the result is parsed
    again and must be the old toc plus this one entry, or nothing is written."""
    old = project.toc()
    i = _chapters_part(old)
    entry = {
        "file": f"chapters/{ch.slug}",
        "sections": [{"file": f"chapters/{ch.slug}_notebook"}, {"file": f"chapters/{ch.slug}_exercise"}],
    }
    expected = copy.deepcopy(old)
    expected["parts"][i]["chapters"].append(entry)

    last = _docname(old["parts"][i]["chapters"][-1].get("file"))
    lines = (paths.ROOT / "_toc.yml").read_text(encoding="utf-8").splitlines()
    found = [
        n for n, ln in enumerate(lines) if (m := _TOC_FILE.match(ln)) and _docname(yaml.safe_load(m.group(2))) == last
    ]
    if len(found) == 1:
        start = found[0]
        pad = _TOC_FILE.match(lines[start]).group(1)
        end = next(
            (
                n
                for n in range(start + 1, len(lines))
                if lines[n].strip() and len(lines[n]) - len(lines[n].lstrip()) <= len(pad)
            ),
            len(lines),
        )
        while not lines[end - 1].strip():
            end -= 1
        block = [
            f"{pad}- file: {entry['file']}",
            f"{pad}  sections:",
            *(f"{pad}    - file: {s['file']}" for s in entry["sections"]),
        ]
        new = "\n".join(lines[:end] + block + lines[end:]) + "\n"
        if yaml.safe_load(new) == expected:
            return new
    raise ScaffoldError(
        f"could not add the chapter after {last} in _toc.yml; add chapters/{ch.slug} "
        "with its _notebook and _exercise sections there by hand."
    )


def _segments(n: int) -> list[tuple[int, int]]:
    count = math.ceil(n / _SEGMENT)
    size, extra = divmod(n, count)
    out, first = [], 1
    for k in range(count):
        last = first + size - 1 + (1 if k < extra else 0)
        out.append((first, last))
        first = last + 1
    return out


def _section_template(name: str) -> str:
    """``chapter/at-a-glance.md.jinja`` for the section "At a glance"."""
    return f"chapter/{'-'.join(words(name))}.md.jinja"


def chapter_page(ch: Chapter) -> str:
    segments = [
        {
            "first": a,
            "last": b,
            "span": f"¶{a}" + (f"–{b}" if b != a else ""),
            "link": ch.link(a, b),
            "link_first": ch.link(a),
        }
        for a, b in _segments(ch.paragraphs)
    ]
    return render(
        "chapter.md.jinja", ch, segments=segments, sections=[_section_template(name) for name in TEMPLATE_SECTIONS]
    )


def files(ch: Chapter) -> dict[Path, bytes]:
    """Every file the new chapter writes or changes, with its full new content: each file the
    course keeps for a chapter, in draft form, so that every check of the course holds."""
    catalogue = (paths.SEEDS / "catalogue.yml").read_text(encoding="utf-8")
    exercise, instructor = paths.EXERCISES / ch.slug, paths.INSTRUCTOR
    sample = {"n_paragraphs_digest": digest(ch.paragraphs, f"{ch.slug}/n_paragraphs"), "max_words": ch.max_words}
    out = {
        paths.SEEDS / ch.seed_file: ch.data,
        paths.SEEDS / "catalogue.yml": catalogue.rstrip("\n") + "\n" + catalogue_entry(ch),
        paths.CHAPTERS / f"{ch.slug}.md": chapter_page(ch),
        paths.CHAPTERS / f"{ch.slug}_notebook.md": with_setup_cell(render("notebook.md.jinja", ch)),
        paths.CHAPTERS / f"{ch.slug}_exercise.md": render("exercise_page.md.jinja", ch),
        exercise / "exercise.md": with_setup_cell(render("exercise.md.jinja", ch)),
        exercise / "tests.py": render("exercise_tests.py.jinja", ch, **sample),
        exercise / "checks.py": render("checks.py.jinja", ch, **sample),
        paths.QUIZZES / f"{ch.slug}.yml": render("quiz_bank.yml.jinja", ch),
        instructor / "answers" / f"{ch.slug}.yml": render("instructor-answers.yml.jinja", ch),
        instructor / "hidden-tests" / ch.slug / "tests.py": render("hidden-tests.py.jinja", ch),
        instructor / f"{ch.slug}_key.md": render("instructor-key.md.jinja", ch),
        instructor / f"{ch.slug}_lesson.md": render("instructor-lesson.md.jinja", ch),
        paths.ROOT / "_toc.yml": _toc_with(ch),
    }
    return {path: text if isinstance(text, bytes) else text.encode("utf-8") for path, text in out.items()}


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
    edited = {paths.SEEDS / "catalogue.yml", paths.ROOT / "_toc.yml"}
    there = sorted(p.relative_to(paths.ROOT).as_posix() for p in changes if p not in edited and p.exists())
    if there:
        raise ScaffoldError(
            f"{there[0]} already exists, though no chapter {ch.slug} does: move it away, or choose another --slug."
        )
    write_all(changes)
    return ch, list(changes)
