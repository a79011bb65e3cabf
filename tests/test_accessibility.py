"""Accessibility: axe-core on every page of the student site, in light and in dark mode.

Each page is loaded in headless Debian Chromium with nothing allowed off 127.0.0.1, in the
theme's light mode (localStorage "mode", read by the theme before first paint), and checked
with axe-core (pinned in package.json, injected from node_modules: no CDN); then it is switched
to dark mode with the theme's own button and checked again. A page passes with no serious or
critical violation. Pages with quizzes are checked again, in both modes, with every quiz in each
state a student can reach (no option chosen, a wrong option, the key), and hidden code cells are
opened and checked too. The same walk checks what any page must do in a browser: a title, no
page or console error, no request off 127.0.0.1. One load serves both modes: a load costs more
than axe on most pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers import EXTRA_RULES, describe, run_axe, watch

MODES = ["light", "dark"]

ROOT = Path(__file__).resolve().parent.parent
# Narrow exclusions: (rule, selector, why). Only markup of the theme that we cannot change
# cleanly, and only for the one rule. test_each_exclusion_is_still_needed keeps this list honest,
# and the accessibility statement (accessibility.md) names each one.
EXCLUSIONS = [
    (
        "label-content-name-mismatch",
        'button.search-button__button[aria-label="Search"]',
        'pydata-sphinx-theme\'s search button is named "Search" and shows "Search Ctrl+K": the '
        "visible label is in the name; the keyboard hint is not part of it.",
    ),
    (
        "label-content-name-mismatch",
        "button.theme-switch-button",
        "pydata-sphinx-theme's colour-mode button shows an icon, no text; Font Awesome gives the "
        'icon an SVG title ("Light", "Dark") that axe reads as visible text.',
    ),
]


def toc_pages() -> list[str]:
    """Every page of the book, from _toc.yml, plus the pages Sphinx adds."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for e in entries:
            files.append(e["file"])
            walk(e.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return [f"{f}.html" for f in files] + ["genindex.html", "search.html"]


def stand_ins(pages: list[str]) -> dict[str, str]:
    """Pages left out of the walk, each with the page checked in its place. The thread pages are
    one directive filled from data/threads.yml: the first thread stands for the others (each
    page costs a browser load per mode; their content is checked on the built site by
    test_book.test_thread_pages_and_overview)."""
    threads = [p for p in pages if p.startswith("threads/") and p != "threads/index.html"]
    return {p: threads[0] for p in threads[1:]}


ALL_PAGES = toc_pages()
PAGES = [p for p in ALL_PAGES if p not in stand_ins(ALL_PAGES)]


def axe_violations(page, context: str | None = None, exclusions=EXCLUSIONS) -> list[dict]:
    """Serious and critical violations on the page (or in the elements `context` selects)."""
    return run_axe(page, context, exclusions)


def open_page(browser, base: str, mode: str):
    """A page in the theme's light or dark mode, with every request off 127.0.0.1 blocked. It
    records page errors, console errors and the blocked requests (``helpers.watch``)."""
    context = browser.new_context(color_scheme=mode)
    # The theme's switch button stores the choice here; the theme reads it before first paint.
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
    return context, watch(context.new_page(), base)


def check_mode(page, mode: str) -> None:
    """The page is in ``mode``, and the mode is applied, not just recorded: dark mode has a dark
    page background."""
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = sum(int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]) < 200
    assert dark == (mode == "dark"), f"{mode} mode but the page background is {rgb}"


def load(page, url: str, mode: str):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    check_mode(page, mode)


def switch_mode(page, mode: str) -> None:
    """Switch a loaded page to ``mode`` as a student does: the system colour scheme to match, and
    the theme's colour-mode button pressed until the page is in that mode (it cycles through
    light, dark and "auto")."""
    page.emulate_media(color_scheme=mode)
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.mode") == mode:
            break
        page.evaluate("document.querySelector('.theme-switch-button').click()")
    settle(page)
    check_mode(page, mode)


def settle(page) -> None:
    """Wait for running CSS animations and transitions to end (endless ones are left alone)."""
    page.evaluate("""Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map(a => a.finished)).then(() => true)""")


# Clicks as a student does (the option's radio button, then "Check answer"), all in one call:
# a round trip from Python per quiz cost more than axe itself on a page of 29 quizzes.
ANSWER_QUIZZES = """state => [...document.querySelectorAll(".course-quiz[data-quiz]")].map(quiz => {
  const options = JSON.parse(new TextDecoder().decode(
    Uint8Array.from(atob(quiz.dataset.quiz), c => c.charCodeAt(0))));
  if (state !== "none") {
    const pick = options.findIndex(o => o.correct === (state === "right"));
    quiz.querySelector(`input[value='${pick}']`).click();
  }
  quiz.querySelector(".course-quiz-check").click();
  return quiz.querySelector(".course-quiz-feedback").innerText;
})"""


def answer_quizzes(page, state: str) -> None:
    """Put every quiz on the page in one state: "none" (checked with no option chosen),
    "wrong" (a distractor checked) or "right" (the key checked)."""
    expected = {"none": "Choose an option first", "wrong": "Not quite", "right": "Correct."}[state]
    said = page.evaluate(ANSWER_QUIZZES, state)
    assert said and all(expected in text for text in said), said


def other(mode: str) -> str:
    return "dark" if mode == "light" else "light"


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(browser, served_site, path):
    """Each state of the page is checked in both modes: the page is loaded in light mode and
    switched with the theme's own button (pages loaded in dark mode: the tests below). Also what
    any page must do in a browser: load with a title, no error, and no request off 127.0.0.1,
    before and after a student opens and answers everything on it."""
    context, page = open_page(browser, served_site, "light")
    failures = []

    def axe(state: str, mode: str, within: str | None) -> None:
        found = axe_violations(page, within)
        if found:
            failures.append(describe(found, f"{path}, {mode} mode, {state}"))

    def check(state: str, mode: str, within: str | None = None) -> str:
        """Axe on the page (or on what ``within`` selects) in ``mode``, then switched to the other
        mode; returns that mode, which the page is left in."""
        axe(state, mode, within)
        switch_mode(page, other(mode))
        axe(state, other(mode), within)
        return other(mode)

    try:
        load(page, f"{served_site}/{path}", "light")
        assert page.title(), path
        mode = check("as loaded", "light")
        # Hidden code cells and collapsed sections, opened.
        if page.locator("main details:not([open])").count():
            page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
            settle(page)  # the content fades in: axe would measure half-transparent text
            mode = check("hidden content opened", mode, "main details")
        # Every quiz in every state a student can reach.
        if page.locator(".course-quiz").count():
            for state in ("none", "wrong", "right"):
                answer_quizzes(page, state)
                settle(page)
                mode = check(f"quizzes answered: {state}", mode, ".course-quiz")
        assert not failures, "\n".join(failures)
        assert page.errors == [], page.errors
        assert page.external == [], f"requests left 127.0.0.1: {page.external}"
    finally:
        context.close()


@pytest.mark.slow
def test_search_dialog_and_results_have_no_serious_accessibility_violation(browser, served_site):
    """Two states no page has on load: the search dialog (Ctrl+K) open, and a list of results."""
    for mode in MODES:
        context, page = open_page(browser, served_site, mode)
        try:
            load(page, f"{served_site}/index.html", mode)
            page.keyboard.press("Control+k")
            page.wait_for_selector("#pst-search-dialog[open]")
            settle(page)
            found = axe_violations(page, "#pst-search-dialog")
            assert not found, describe(found, f"search dialog, {mode} mode")
            load(page, f"{served_site}/search.html?q=bureaucracy", mode)
            page.wait_for_selector("#search-results .search li")
            found = axe_violations(page, "#search-results")
            assert not found, describe(found, f"search results, {mode} mode")
        finally:
            context.close()


@pytest.mark.slow
def test_linked_paragraph_is_readable(browser, served_site):
    """Where quiz feedback and paragraph links lead: a reading paragraph picked out as the
    link's target (its own background colour, with the ¶ number on it)."""
    for mode in MODES:
        context, page = open_page(browser, served_site, mode)
        try:
            load(page, f"{served_site}/chapters/01_soviets.html#s000-p8", mode)
            assert page.evaluate("document.querySelector('#s000-p8').matches(':target')")
            found = axe_violations(page, "p.seed-para:target")
            assert not found, describe(found, f"linked paragraph, {mode} mode")
        finally:
            context.close()


@pytest.mark.slow
def test_every_page_of_the_site_is_checked(student_site):
    built = {
        p.relative_to(student_site).as_posix()
        for p in student_site.rglob("*.html")
        if not p.relative_to(student_site).parts[0].startswith("_")
    }
    assert built == set(ALL_PAGES)  # every page is walked, or stands in for one that is
    assert set(stand_ins(ALL_PAGES).values()) <= set(PAGES)


# --- the check can fail -------------------------------------------------------------------------

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>A page with known faults</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbbbbb;background:#ffffff">Pale grey text on white.</p>
<button id="ours" aria-label="Go">Search the texts</button>
<button id="theirs" class="search-button__button" aria-label="Search">Search Ctrl+K</button>
</main></body></html>"""


@pytest.mark.slow
def test_a_page_error_and_an_outside_request_are_recorded(browser, serve, tmp_path):
    """Positive control for the page walk's last two checks."""
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body>'
        '<img alt="x" src="https://cdn.example.com/x.png"><script>throw new Error("boom")</script>'
        "</body></html>",
        encoding="utf-8",
    )
    base = serve(tmp_path)
    context, page = open_page(browser, base, "light")
    try:
        page.goto(f"{base}/bad.html")
        page.wait_for_load_state("networkidle")
        assert page.external == ["https://cdn.example.com/x.png"]
        assert [e for e in page.errors if "boom" in e], page.errors
    finally:
        context.close()


@pytest.mark.slow
def test_a_fault_only_in_dark_mode_is_found_after_the_switch(browser, served_site):
    """Positive control for checking both modes on one load: text made illegible in dark mode
    only is found once the theme's button has switched the page."""
    context, page = open_page(browser, served_site, "light")
    try:
        load(page, f"{served_site}/index.html", "light")
        page.add_style_tag(content="html[data-theme=dark] main p { color: #262626 !important; }")
        assert not [v for v in axe_violations(page, "main") if v["id"] == "color-contrast"]
        switch_mode(page, "dark")
        assert [v for v in axe_violations(page, "main") if v["id"] == "color-contrast"]
    finally:
        context.close()


@pytest.mark.slow
def test_axe_reports_known_serious_violations(browser):
    """Positive control: an image with no alt text, low-contrast text and a button whose name
    hides its visible label are reported; the theme exclusion spares only the theme's button."""
    page = browser.new_page()
    try:
        page.set_content(BAD_PAGE)
        found = {v["id"]: v for v in axe_violations(page)}
        assert {"image-alt", "color-contrast", "label-content-name-mismatch"} <= set(found), found
        mismatched = [n["target"] for n in found["label-content-name-mismatch"]["nodes"]]
        assert mismatched == ["#ours"], mismatched
    finally:
        page.close()


@pytest.mark.slow
def test_each_exclusion_is_still_needed(browser, served_site):
    """Without the exclusions axe flags each excluded element on the home page; when a theme
    upgrade fixes one, this fails and the exclusion (and the statement's line) can go."""
    context, page = open_page(browser, served_site, "light")
    try:
        load(page, f"{served_site}/index.html", "light")
        found = axe_violations(page, exclusions=[])
        for rule, selector, _ in EXCLUSIONS:
            targets = [n["target"] for v in found if v["id"] == rule for n in v["nodes"]]
            hits = page.evaluate(
                "([ts, sel]) => ts.filter(t => document.querySelector(t)?.matches(sel)).length", [targets, selector]
            )
            assert hits, f"{rule} no longer fires on {selector}: drop the exclusion"
    finally:
        context.close()


# --- the statement -------------------------------------------------------------------------------


def test_statement_names_the_pinned_axe_version_and_every_exclusion():
    statement = (ROOT / "accessibility.md").read_text(encoding="utf-8")
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    assert f"axe-core {pinned}" in statement
    for rule, _, _ in EXCLUSIONS:
        assert f"`{rule}`" in statement, f"accessibility.md does not mention the exclusion {rule}"
    for rule in EXTRA_RULES:
        assert f"`{rule}`" in statement
