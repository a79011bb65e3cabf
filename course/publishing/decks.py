"""Projector decks: one reveal.js presentation per lesson, for the classroom screen.

A deck is made from data only: the central question from the chapter page's outline
(``content.chapters.outline``), and from the lesson plan's ``deck:`` front matter
(``content.lessons``) the passages it projects side by side (their text from the seeds, with the
¶ numbers and the emendations marked as on the chapter page), its discussion prompts (what good
answers contain goes into the speaker notes), the quiz items to run live and the exit ticket (from
the banks: the answer is a fragment, shown on the next key press, the feedback on every option in
the notes). Change the plan, a bank or a seed, and the next ``course decks`` changes the deck.

reveal.js comes from npm (``package.json`` pins it; ``make handouts`` runs ``npm ci``). Its files
are copied beside the decks (``reveal.js/``), so a deck opened from a USB stick or a laptop with
no network works: nothing is loaded from anywhere else. The keyboard is reveal.js's own: → and
Space go on, Esc shows every slide, S opens the speaker view (the notes plugin), ? lists the keys.

Decks show quiz keys: they are instructor material, written to ``_build/handouts/decks/`` and
never to the student site.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import markupsafe

from course import project
from course.content import banks, chapters, lessons, paths, seeds, sources
from course.files import write_atomic
from course.publishing import handouts

ASSETS = "reveal.js"  # the folder beside the decks that holds reveal.js's files
# What a deck loads, from the npm package: the core, the plain theme (its fonts are inside the
# CSS as data), the speaker-notes plugin, and the licence that must travel with them.
REVEAL_FILES = {
    "dist/reset.css": "reset.css",
    "dist/reveal.css": "reveal.css",
    "dist/theme/white.css": "theme/white.css",
    "dist/reveal.js": "reveal.js",
    "dist/plugin/notes.js": "plugin/notes.js",
    "LICENSE": "LICENSE",
}
LETTERS = "ABCDEFGH"


class DeckError(RuntimeError):
    pass


def reveal_package(root: Path | None = None) -> Path:
    """The installed reveal.js, checked against the version ``package.json`` pins."""
    root = root or paths.ROOT
    pinned = json.loads((root / "package.json").read_text(encoding="utf-8"))["devDependencies"]["reveal.js"]
    package = root / "node_modules" / "reveal.js"
    try:
        installed = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except FileNotFoundError:
        raise DeckError(f"{package} is missing: run `npm ci` (make handouts does)") from None
    if installed != pinned:
        raise DeckError(f"{package} is version {installed}, package.json pins {pinned}: run `npm ci`")
    return package


# MyST inline markup as the discussion prompts use it: citations, ¶ links, emphasis, code.
_CITE = re.compile(r"\{cite:(?P<kind>[tp])\}`(?P<keys>[^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"\*(.+?)\*")
_CODE = re.compile(r"`([^`]+)`")


def _names(work: sources.Work) -> str:
    n = work.names
    return n[0] if len(n) == 1 else f"{n[0]} and {n[1]}" if len(n) == 2 else f"{n[0]} et al."


def inline(myst: str, where: str, known: dict[str, sources.Work] | None = None) -> markupsafe.Markup:
    """A line of MyST (a prompt, a good answer) as HTML for a slide: a citation as the book prints
    it (author-year: "Gregor [1974]"), a ¶ link as its text (a deck is used offline, the ¶ is what counts).
    ``known``: the works of references.bib, if already read."""
    known = sources.works() if known is None else known

    def cite(m: re.Match) -> str:
        parts = []
        for key in (k.strip() for k in m["keys"].split(",")):
            if key not in known:
                raise DeckError(f"{where}: {{cite}}`{key}` is not in references.bib")
            w = known[key]
            parts.append(f"{_names(w)} [{w.year}]" if m["kind"] == "t" else f"{_names(w)}, {w.year}")
        return "; ".join(parts) if m["kind"] == "t" else f"[{'; '.join(parts)}]"

    text = _CITE.sub(cite, html.escape(myst, quote=False))
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    return markupsafe.Markup(_EM.sub(r"<em>\1</em>", text))


def _paragraph(seed: str, n: int, text: str) -> markupsafe.Markup:
    """A seed paragraph as the chapter page shows it: its lines, each emendation marked after the
    words it corrects (``[read: …]``)."""
    ems = [e for e in seeds.emendations(seed) if e.paragraph == n]
    lines = []
    for line in text.split("\n"):
        out, rest = [], line
        for em in ems:
            if em.original in rest:
                before, _, rest = rest.partition(em.original)
                out += [
                    html.escape(before, quote=False),
                    f'<span class="sic">{html.escape(em.original, quote=False)}</span>',
                    f'<span class="emendation"> [read: {html.escape(em.reading, quote=False)}]</span>',
                ]
        out.append(html.escape(rest, quote=False))
        lines.append("".join(out))
    return markupsafe.Markup("<br>".join(lines))


def _source(seed: str) -> str:
    s = seeds.get(seed)
    return f"seed {seed}: {s.author}, “{s.title}” ({s.date})"


def _column(passages) -> dict:
    return {
        "label": ", ".join(p.label for p in passages),
        "sources": sorted({_source(p.seed) for p in passages}),
        # A paragraph that does not follow the one above it in the seed opens a new passage.
        "paragraphs": [
            {"n": n, "html": _paragraph(p.seed, n, t), "gap": i > 0 and n == p.first}
            for i, p in enumerate(passages)
            for n, t in p.paragraphs()
        ],
    }


def _quiz(item_id: str) -> dict:
    it = banks.item(item_id)
    options = [
        {"letter": LETTERS[i], "text": o["text"], "correct": o["correct"], "feedback": o["feedback"]}
        for i, o in enumerate(it["options"])
    ]
    (key,) = [o for o in options if o["correct"]]
    return {"id": it["id"], "question": it["question"], "options": options, "key": key, "refs": it["refs"]}


def context(slug: str) -> dict:
    """Everything the deck template shows, from the plan's data, the seeds and the banks."""
    deck = lessons.deck(slug)
    outline = chapters.outline(slug)
    where, works = str(lessons.path(slug).relative_to(paths.ROOT)), sources.works()
    return {
        "slug": slug,
        "title": outline["title"],
        "question": outline["question"],
        "version": project.version(),
        "address": f"{project.site_url()}chapters/{slug}.html",
        "projections": [{"title": p.title, "columns": [_column(c) for c in p.columns]} for p in deck.projections],
        "discussion": [
            {"prompt": inline(p.prompt, where, works), "answers": [inline(a, where, works) for a in p.answers]}
            for p in deck.discussion
        ],
        "live_quiz": [_quiz(i) for i in deck.live_quiz],
        "exit_ticket": _quiz(deck.exit_ticket),
        "assets": ASSETS,
    }


def deck_html(slug: str) -> str:
    """The deck of chapter ``slug``'s lesson as one HTML page (reveal.js beside it)."""
    return handouts.templates().get_template("deck.html.jinja").render(**context(slug))


def published(slugs=None) -> list[str]:
    """The lessons that get a deck: every chapter in course order, drafts left out (a draft's
    lesson plan is still a set of TODO boxes)."""
    return [slug for slug, _ in seeds.chapters() if (slugs is None or slug in slugs) and not chapters.draft(slug)]


def build(out: Path, slugs=None) -> list[Path]:
    """Write ``out/<slug>.html`` for every published lesson, ``out/index.html`` listing them and
    reveal.js's files in ``out/reveal.js/``. Every deck is made before anything is written, so
    bad data leaves the folder as it was."""
    package = reveal_package()
    try:
        pages = {slug: deck_html(slug) for slug in published(slugs)}
    except (lessons.LessonError, chapters.ChapterError, banks.BankError) as exc:
        raise DeckError(str(exc)) from None
    for src, dest in REVEAL_FILES.items():
        target = out / ASSETS / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package / src, target)
    written = []
    for slug, page in pages.items():
        write_atomic(out / f"{slug}.html", page)
        written.append(out / f"{slug}.html")
    listed = [{"file": f"{slug}.html", "title": chapters.outline(slug)["title"]} for slug in pages]
    index = handouts.templates().get_template("decks-index.html.jinja")
    write_atomic(out / "index.html", index.render(decks=listed, version=project.version()))
    return written
