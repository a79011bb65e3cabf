"""The lesson decks (course decks, course/publishing/decks.py) and the lesson plans' deck: data
they are made from (course/content/lessons.py).

Fast: every plan's data is valid; bad data is named by file and line and writes nothing; a change
in a plan, a bank or a seed changes the deck; the plan page renders its discussion prompts from the
same data. Slow (Chromium): every deck opens from file:// with the network blocked, moves with the
arrow keys, hides each quiz answer until its key press, opens the speaker notes, and shows the
seeds' and the banks' words; a tampered deck shows that each of those checks can fail."""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx.errors import SphinxError

from course.content import banks, chapters, lessons, paths, seeds, sources
from course.publishing import decks

from helpers import ROOT, copy_repo, squeeze

PUBLISHED = decks.published()


def test_every_published_lesson_has_valid_deck_data():
    assert PUBLISHED, "no published chapter"
    for slug in PUBLISHED:
        deck = lessons.deck(slug)
        assert deck.projections and deck.discussion and deck.live_quiz
        assert banks.item(deck.exit_ticket)["id"] == deck.exit_ticket


def _repo(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    return repo


def _edit(path, old: str, new: str, first: bool = False) -> None:
    """Replace ``old``, which must be in the file once (or, with ``first``, its first time)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1 or (first and old in text), f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_plan_data_is_named_by_file_and_line_and_writes_nothing(tmp_path):
    repo, slug = _repo(tmp_path), PUBLISHED[0]
    plan = repo / "instructor" / f"{slug}_lesson.md"
    with paths.using(repo):
        deck = lessons.deck(slug)
        first = deck.projections[0].columns[0][0]
        ref = f'"{first.seed}:{first.first}' + (f"-{first.last}" if first.last != first.first else "") + '"'
        _edit(plan, ref, f'"{first.seed}:9999"', first=True)
        _edit(plan, f"exit_ticket: {deck.exit_ticket}", "exit_ticket: no-such-item")
        lines = plan.read_text(encoding="utf-8").splitlines()
        bad_ref = 1 + next(i for i, line in enumerate(lines) if f"{first.seed}:9999" in line)
        bad_item = 1 + next(i for i, line in enumerate(lines) if "no-such-item" in line)
        out = tmp_path / "decks"
        with pytest.raises(decks.DeckError) as err:
            decks.build(out)
    message = str(err.value)
    source = f"instructor/{slug}_lesson.md"
    assert f"{source}, line {bad_ref} (deck.projections[0].passages[0]): seed {first.seed} has no ¶9999" in message
    assert f"{source}, line {bad_item} (deck.exit_ticket): no quiz item 'no-such-item'" in message
    assert not out.exists()  # nothing written, not even reveal.js


def test_a_plan_without_deck_data_is_an_error_that_says_what_to_add(tmp_path):
    repo, slug = _repo(tmp_path), PUBLISHED[0]
    plan = repo / "instructor" / f"{slug}_lesson.md"
    plan.write_text(chapters.body(plan.read_text(encoding="utf-8")), encoding="utf-8")
    with paths.using(repo), pytest.raises(lessons.LessonError, match=r"line 1: the front matter has no 'deck:'"):
        lessons.deck(slug)


def test_a_change_in_the_plan_a_bank_or_a_seed_changes_the_deck(tmp_path):
    repo, slug = _repo(tmp_path), PUBLISHED[0]
    plan = repo / "instructor" / f"{slug}_lesson.md"
    with paths.using(repo):
        deck = lessons.deck(slug)
        item = banks.item(deck.live_quiz[0])
        passage = deck.projections[0].columns[0][0]
        words = seeds.paragraphs(passage.seed)[passage.first - 1].split("\n")[-1].split()[-4:]
        before = decks.deck_html(slug)
        prompt = deck.discussion[0].prompt.split()[:4]
        assert " ".join(prompt) in before and squeeze(" ".join(words)) in squeeze(before)
        stem = " ".join(item["question"].split()[:5])
        assert stem in before

        _edit(plan, " ".join(prompt), "Which witness would you call first")
        bank = repo / "quizzes" / f"{slug}.yml"
        text = bank.read_text(encoding="utf-8")
        bank.write_text(text.replace(item["question"].split("\n")[0][:30], "Which of these does the text"), "utf-8")
        seed = seeds.get(passage.seed).path
        seed.write_text(seeds.text(passage.seed).replace(" ".join(words), "WORDS CHANGED HERE"), "utf-8")
        seeds.clear_caches(), banks.clear_caches()
        after = decks.deck_html(slug)
    assert "Which witness would you call first" in after and " ".join(prompt) not in after
    assert "Which of these does the text" in after
    assert "WORDS CHANGED HERE" in after


def test_a_prompts_myst_becomes_slide_html_with_citations_as_the_book_prints_them():
    work = next(w for w in sources.works().values() if len(w.names) == 1)
    shown = decks.inline(f"*Pravda*, **Lenin** ([¶12](#s000-p12)), `s000-q01`, {{cite:t}}`{work.key}` <b>", "plan.md")
    expected = f"<em>Pravda</em>, <strong>Lenin</strong> (¶12), <code>s000-q01</code>, {work.names[0]} [{work.year}]"
    assert shown == expected + " &lt;b&gt;"  # and the text's own markup is text
    with pytest.raises(decks.DeckError, match=r"plan.md: \{cite\}`nobody1999` is not in references.bib"):
        decks.inline("{cite:t}`nobody1999`", "plan.md")


# ---------------------------------------------------------------- the plan page


def _lesson_book(src):
    """The key page of the tiny instructor book replaced by a lesson plan with its real front
    matter, and the seeds its ¶ links lead to as readings."""
    slug = PUBLISHED[0]
    text = lessons.path(slug).read_text(encoding="utf-8")
    head = text[: text.index("\n---\n") + 5]
    (src / "index.md").write_text(
        f"{head}# Lesson\n\n```{{discussion-prompts}} {slug}\n```\n\n```{{toctree}}\nreading\nbibliography\n```\n",
        encoding="utf-8",
    )
    (src / "reading.md").write_text(
        "# The readings\n\n"
        + "".join(f"```{{reading}} {seed}\n```\n\n" for seed in sorted(set(re.findall(r"#s(\d{3})-p", text)))),
        encoding="utf-8",
    )
    # The prompts cite published works: the book's bibliography, as _config.yml sets it up.
    shutil.copyfile(ROOT / "references.bib", src / "references.bib")
    (src / "bibliography.md").write_text("# Works cited\n\n```{bibliography}\n```\n", encoding="utf-8")
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('extensions.insert(1, "sphinxcontrib.bibtex")\nbibtex_bibfiles = ["references.bib"]\n')
        conf.write('bibtex_reference_style = "author_year"\n')


def plain(text: str) -> str:
    """Text without whitespace and with plain quotes (MyST prints typographic ones)."""
    return squeeze(text).translate(str.maketrans({"“": '"', "”": '"', "‘": "'"}))


INSTRUCTOR = {"nitpicky": True, "course_edition": "instructor"}


def test_the_plan_page_renders_its_discussion_prompts_from_the_deck_data(tiny_book):
    app = tiny_book("instructor", _lesson_book, warningiserror=True, confoverrides=INSTRUCTOR)
    app.build()
    page = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = plain(page.get_text(" "))
    deck = lessons.deck(PUBLISHED[0])
    for n, p in enumerate(deck.discussion, 1):
        assert plain(f"{n}. {decks.inline(p.prompt, '').striptags()}") in text
        for a in p.answers:
            assert plain(decks.inline(a, "").striptags()) in text  # the deck shows it as the book does
    assert page.select("a[href^='reading.html#s']")  # the ¶ links resolve


def test_the_discussion_prompts_are_an_error_in_the_student_edition(tiny_book):
    app = tiny_book("instructor", _lesson_book, warningiserror=True, confoverrides={"nitpicky": True})
    with pytest.raises(SphinxError, match="discussion-prompts is instructor-only"):
        app.build()


# ---------------------------------------------------------------- the decks in Chromium


def _open(context, url):
    """A page on ``url`` that records page errors and every request not for a local file
    (blocked)."""
    page = context.new_page()
    page.errors, page.external = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.goto(url)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page


def _route(context, external):
    def route(r):
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)


# What the audience sees of the deck: the slides' text without the speaker notes.
SHOWN = """() => {
  const slides = document.querySelector(".slides").cloneNode(true);
  slides.querySelectorAll("aside.notes, .emendation").forEach(e => e.remove());
  return slides.textContent;
}"""
# Whether the audience can see an element (a fragment not yet shown is hidden and transparent).
REVEALED = "a => { const s = getComputedStyle(a); return s.visibility !== 'hidden' && +s.opacity > 0.5; }"


def problems(page, slug: str) -> list[str]:
    """What is wrong with an open deck: the checks of issue #21, each named."""
    found = []
    if page.evaluate("Reveal.getIndices().h") != 0:
        found.append("does not open on its first slide")
    page.keyboard.press("ArrowRight")
    if page.evaluate("Reveal.getIndices().h") != 1:
        found.append("ArrowRight does not move to the next slide")
    page.keyboard.press("ArrowLeft")
    for n, quiz in enumerate(page.query_selector_all("section.quiz"), 1):
        page.evaluate("s => Reveal.slide(Reveal.getIndices(s).h, 0, -1)", quiz)
        answer = quiz.query_selector(".answer")
        if page.evaluate(REVEALED, answer):
            found.append(f"quiz {n}: the answer shows before its key press")
        h = page.evaluate("Reveal.getIndices().h")
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(REVEALED, arg=answer, timeout=3000)
        except PlaywrightTimeout:
            found.append(f"quiz {n}: ArrowRight does not reveal the answer")
        if page.evaluate("Reveal.getIndices().h") != h:
            found.append(f"quiz {n}: ArrowRight leaves the slide before the answer")
    # The words of every projected paragraph (emendations left out), every item's stem, the question.
    shown = squeeze(page.evaluate(SHOWN))
    deck = lessons.deck(slug)
    for proj in deck.projections:
        for column in proj.columns:
            for passage in column:
                for n, para in passage.paragraphs():
                    if squeeze(para) not in shown:
                        found.append(f"{passage.label}: the words of ¶{n} are not on the slide")
    for item_id in (*deck.live_quiz, deck.exit_ticket):
        if squeeze(banks.item(item_id)["question"]) not in shown:
            found.append(f"{item_id}: the bank's stem is not on the slide")
    if squeeze(chapters.outline(slug)["question"]) not in shown:
        found.append("the central question is not shown")
    return found


def _keys_work(page) -> None:
    """reveal.js's own keys: ? lists them, Esc shows every slide, S opens the speaker view."""
    page.evaluate("Reveal.slide(0)")
    page.keyboard.press("Shift+Slash")  # ? on the keyboard reveal.js expects
    assert page.is_visible(".r-overlay-help"), "? shows no help"
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.evaluate("Reveal.isOverview()"), "Esc shows no overview"
    page.keyboard.press("Escape")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    notes = popup.value
    notes.wait_for_function("document.querySelector('.speaker-controls-notes')?.innerText.includes('→')")
    notes.close()


@pytest.mark.slow
def test_every_deck_works_offline_in_chromium(browser, tmp_path):
    out = tmp_path / "decks"
    written = decks.build(out)
    assert [p.stem for p in written] == PUBLISHED
    listed = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser").select("li a")
    assert [a["href"] for a in listed] == [p.name for p in written]
    for page in written:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), f"{page.name} loads from the network"
    external = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    _route(context, external)
    try:
        for n, file in enumerate(written):
            page = _open(context, file.as_uri())
            assert problems(page, file.stem) == []
            if n == 0:
                _keys_work(page)
            assert page.errors == [], f"{file.name}: {page.errors}"
            page.close()
        assert external == [], f"the decks tried to load {external}"

        # Positive control: the same checks on a deck that loads a font from the web, shows its
        # first answer from the start and has lost a projected paragraph's words.
        slug = PUBLISHED[0]
        bad = out / f"bad-{slug}.html"
        deck = lessons.deck(slug)
        passage = deck.projections[0].columns[0][0]
        last_words = " ".join(passage.paragraphs()[-1][1].split()[-3:])
        html = (out / f"{slug}.html").read_text(encoding="utf-8")
        html = html.replace("</head>", '<link rel="stylesheet" href="https://fonts.example.org/a.css"></head>', 1)
        html = html.replace('class="fragment answer"', 'class="answer"', 1).replace(last_words, "[gap]")
        bad.write_text(html, encoding="utf-8")
        page = _open(context, bad.as_uri())
        found = problems(page, slug)
        assert "quiz 1: the answer shows before its key press" in found
        assert any(f"the words of ¶{passage.paragraphs()[-1][0]} are not on the slide" in f for f in found), found
        assert external == ["https://fonts.example.org/a.css"]
        page.close()
    finally:
        context.close()
