"""What a student sees, in headless Debian Chromium: quizzes work with no kernel and no network.
Which option is the key, and what each option's feedback cites, come from the quiz banks."""

import pytest

from course.content import banks

pytestmark = pytest.mark.slow  # Chromium on the built site


def _clean(page):
    assert page.errors == [], page.errors
    assert page.external == [], f"requests left 127.0.0.1: {page.external}"


# That every page loads with a title, no error and no request off 127.0.0.1 is checked where
# test_accessibility walks each page in both modes (one load per page, not two).


def key_and_distractor(item_id: str) -> tuple[int, int, dict]:
    """The key's position, the first distractor's, and that distractor, from the bank."""
    options = banks.item(item_id)["options"]
    key = next(n for n, o in enumerate(options) if o["correct"])
    wrong = next(n for n, o in enumerate(options) if not o["correct"])
    return key, wrong, options[wrong]


def test_quiz_gives_feedback_for_a_wrong_then_the_right_option(page):
    page.goto(f"{page.base}/chapters/01_soviets_notebook.html")
    quiz = page.locator("#quiz-s000-q01")
    feedback = quiz.locator(".course-quiz-feedback")
    key, wrong, distractor = key_and_distractor("s000-q01")
    quiz.get_by_role("button", name="Check answer").click()
    assert "Choose an option first" in feedback.inner_text()
    # A distractor: the feedback says why, with the paragraphs its reason cites.
    quiz.locator(f"input[value='{wrong}']").check()
    quiz.get_by_role("button", name="Check answer").click()
    assert feedback.inner_text().startswith("Not quite. Try again.")
    cited = [m.group(0) for m in banks.PARA_REF.finditer(distractor["feedback"])]
    assert cited and all(c in feedback.inner_text() for c in cited), (cited, feedback.inner_text())
    assert quiz.locator(".course-quiz-option.is-wrong").count() == 1
    # The key, after a second try.
    quiz.locator(f"input[value='{key}']").check()
    quiz.get_by_role("button", name="Check answer").click()
    assert feedback.inner_text().startswith("Correct.")
    assert quiz.locator(".course-quiz-option.is-correct").count() == 1
    # Feedback links lead to the paragraph in the reading on this site, in the same tab (in a
    # notebook they open the published site in a new tab: test_jupyterlab.py).
    link = feedback.locator("a").first
    assert link.evaluate("a => a.href").startswith(f"{page.base}/chapters/01_soviets.html#s000-p")
    assert link.get_attribute("target") is None and "new tab" not in link.inner_text()
    _clean(page)


def test_quiz_works_by_keyboard_alone_and_arrows_do_not_grade(page):
    page.goto(f"{page.base}/chapters/01_soviets_notebook.html")
    quiz = page.locator("#quiz-s000-q02")
    feedback = quiz.locator(".course-quiz-feedback")
    key, _, _ = key_and_distractor("s000-q02")
    last = len(banks.item("s000-q02")["options"]) - 1
    quiz.locator("input[value='0']").focus()
    page.keyboard.press("Space")  # select the first option
    for _ in range(last):  # arrow through to the last: moving must not grade
        page.keyboard.press("ArrowDown")
        assert feedback.inner_text() == ""
    assert quiz.locator(f"input[value='{last}']").is_checked()
    for _ in range(last - key):  # and back up to the key
        page.keyboard.press("ArrowUp")
        assert feedback.inner_text() == ""
    assert quiz.locator(f"input[value='{key}']").is_checked()
    page.keyboard.press("Tab")  # to the Check button
    assert page.evaluate("document.activeElement.className") == "course-quiz-check"
    page.keyboard.press("Enter")
    assert feedback.inner_text().startswith("Correct.")
    assert feedback.get_attribute("aria-live") == "polite"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowUp")  # another option: a distractor (the wrap-around too)
    assert not quiz.locator(f"input[value='{key}']").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # buttons answer Space too
    assert feedback.inner_text().startswith("Not quite.")
    _clean(page)


def test_paragraph_links_land_on_the_reading(page):
    page.goto(f"{page.base}/chapters/01_soviets.html")
    page.locator("a[href='#s000-p15']").first.click()
    assert page.url.endswith("#s000-p15")
    assert page.locator("#s000-p15").is_visible()
    _clean(page)


def test_quiz_is_readable_in_dark_mode(browser, served_site):
    context = browser.new_context(color_scheme="dark")
    pg = context.new_page()
    pg.goto(f"{served_site}/chapters/01_soviets_notebook.html")
    assert pg.evaluate("document.documentElement.dataset.theme") == "dark"
    legend = pg.locator("#quiz-s000-q01 legend")
    color = legend.evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(0, 0, 0)", "quiz text stays black on the dark background"
    context.close()
