"""The quiz in a live notebook: real JupyterLab (PyPI, pinned in the test extra), offline, on
127.0.0.1, driven in Debian's Chromium as a student would use it. A chapter notebook as the
student gets it (``course.publishing.notebooks.student_notebooks``): run the quiz cell, answer,
follow a ¶ link, save, close, and open the file again without running anything.

Which option is the key and what a distractor's feedback cites come from the quiz bank.
One JupyterLab server serves the module."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from course import project
from course.content import banks
from course.publishing import notebooks

from helpers import BIN

pytestmark = pytest.mark.slow  # a JupyterLab server and Chromium

NOTEBOOK = "02_party_notebook.ipynb"
QUIZ_CELL = re.compile(r'^quiz\("([^"]+)"\)$', re.MULTILINE)
IMPORT_CELL = "from course.notebook import"
# A second verdict right after the quiz's own: what the banks' feedback used to add.
SECOND_VERDICT = re.compile(r"(Correct|Incorrect|Not quite|No|Yes|Wrong)\b[.!,:]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _offline_config(home: Path) -> dict:
    """Configuration and state in ``home`` only: no token (a local test server), no news, no
    update check, no extension search, no announcements plug-in: JupyterLab asks nothing of the
    internet."""
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {
                    "open_browser": False,
                    "allow_root": True,  # CI runs as root
                    "disable_check_xsrf": True,
                    "password": "",
                    "terminals_enabled": False,
                },
                "IdentityProvider": {"token": ""},
            }
        )
    )
    (config / "jupyter_lab_config.json").write_text(
        json.dumps(
            {
                "LabApp": {
                    "news_url": None,
                    "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                    "extension_manager": "readonly",  # no extension search on PyPI
                }
            }
        )
    )
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_DATA_DIR=str(home / "data"),  # the notebook signatures (trust) live here
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        # and a dead proxy for anything that would still try
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        no_proxy="127.0.0.1,localhost",
    )
    return env


class Lab:
    def __init__(self, root: Path, home: Path):
        self.root, self.port = root, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (home / "lab.log").open("w")
        self.proc = subprocess.Popen(
            [BIN / "jupyter", "lab", "--ip=127.0.0.1", f"--port={self.port}", f"--ServerApp.root_dir={root}"],
            env=_offline_config(home),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while True:
            assert self.proc.poll() is None, (home / "lab.log").read_text()[-3000:]
            try:
                self.api("GET", "status")
                return
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not start in 90 s"
                time.sleep(0.3)

    def api(self, method: str, path: str):
        with urllib.request.urlopen(urllib.request.Request(f"{self.url}/api/{path}", method=method), timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """What closing the notebook and ending the session does: no kernel keeps the widgets."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    nbformat.write(notebooks.student_notebooks()[NOTEBOOK], root / NOTEBOOK)
    server = Lab(root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


@pytest.fixture()
def student(browser, lab):
    """A browser context that may reach the JupyterLab server only. The published site is
    stood in for by a one-line page (the test has no internet): a link that opens it can be
    followed. Anything else is recorded and blocked."""
    site = project.site_url()
    context = browser.new_context()
    context.external = []

    def route(r):
        url = r.request.url
        if url.startswith(lab.url):
            r.continue_()
        elif url.startswith(site):
            r.fulfill(status=200, content_type="text/html", body="<!doctype html><title>reading</title>")
        else:
            context.external.append(url)
            r.abort()

    context.route("**/*", route)
    yield context
    context.unroute_all(behavior="ignoreErrors")
    context.close()


def _open(context, lab):
    page = context.new_page()
    # A cell run before the notebook is connected to its kernel is dropped: wait for the
    # kernel's socket to answer, then for the notebook to show the kernel idle.
    with page.expect_websocket(lambda ws: "/api/kernels/" in ws.url, timeout=90_000) as socket_info:
        page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}")
    socket_info.value.wait_for_event("framereceived", timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
    return page


def _cell(page, text: str):
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text=text).first


def _run(page, text: str):
    """Click into the cell's editor and press Shift+Enter, as a student runs a cell."""
    cell = _cell(page, text)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=60_000)
    return cell


def _saved_quiz_outputs(path: Path) -> int:
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):  # JupyterLab is still writing it (an empty or partial file)
        return 0
    return sum(
        "course-quiz" in str(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def test_a_quiz_in_jupyterlab_answers_once_links_out_and_survives_a_reopen(student, lab):
    source = nbformat.read(lab.root / NOTEBOOK, as_version=4)
    item_id = next(m[1] for c in source.cells if c.cell_type == "code" and (m := QUIZ_CELL.search(c.source)))
    options = banks.item(item_id)["options"]
    key = next(n for n, o in enumerate(options) if o["correct"])
    wrong = next(n for n, o in enumerate(options) if not o["correct"] and banks.PARA_REF.search(o["feedback"]))

    page = _open(student, lab)
    _run(page, IMPORT_CELL)
    cell = _run(page, f'quiz("{item_id}")')
    quiz = cell.locator(".jp-OutputArea-output .course-quiz")
    quiz.wait_for(timeout=60_000)
    feedback = quiz.locator(".course-quiz-feedback")

    # With the keyboard alone: the arrow keys move between options (not to another cell), Tab
    # reaches "Check answer", Enter checks.
    quiz.locator("input[value='0']").check()
    page.keyboard.press("ArrowDown")
    assert quiz.locator("input[value='1']").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert feedback.inner_text().startswith("Correct." if options[1]["correct"] else "Not quite.")

    # A distractor, then the key: each time the verdict is said once, then the feedback's reasons.
    for choice, verdict in ((wrong, "Not quite."), (key, "Correct.")):
        quiz.locator(f"input[value='{choice}']").check()
        quiz.get_by_role("button", name="Check answer").click()
        said = feedback.inner_text()
        assert said.startswith(verdict), said
        rest = said.removeprefix(verdict).removeprefix(" Try again.").strip()
        assert not SECOND_VERDICT.match(rest), f"the verdict is said twice: {said!r}"

    # A ¶ link leads to the published reading, in a new tab: the notebook and its answers stay.
    quiz.locator(f"input[value='{wrong}']").check()
    quiz.get_by_role("button", name="Check answer").click()
    link = feedback.locator("a").first
    href = link.get_attribute("href")
    assert href.startswith(project.site_url()) and "#" in href, href
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel").split()
    notebook_url = page.url
    with student.expect_page() as opened:
        link.click()
    reading = opened.value
    reading.wait_for_load_state()
    assert reading.url == href
    reading.close()
    assert page.url == notebook_url
    assert quiz.locator(f"input[value='{wrong}']").is_checked()

    # Save, close, end the kernel; open the file again and run nothing.
    page.bring_to_front()
    page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']").click()
    deadline = time.monotonic() + 30
    while not _saved_quiz_outputs(lab.root / NOTEBOOK):
        assert time.monotonic() < deadline, "the notebook was not saved with the quiz's output"
        page.wait_for_timeout(200)  # not time.sleep: the page's requests pass through route() meanwhile
    page.close()
    lab.shut_down_kernels()

    page = _open(student, lab)
    cell = _cell(page, f'quiz("{item_id}")')
    quiz = cell.locator(".jp-OutputArea-output .course-quiz")
    quiz.wait_for(timeout=30_000)
    question = " ".join(banks.item(item_id)["question"].split())
    assert question in " ".join(quiz.locator("legend").inner_text().split())
    labels = [t.strip() for t in quiz.locator(".course-quiz-option").all_inner_texts()]
    assert labels == [o["text"] for o in options]
    assert "model not found" not in page.locator(".jp-NotebookPanel").inner_text()
    # Readable, and still a quiz: it grades with no kernel behind it.
    quiz.locator(f"input[value='{key}']").check()
    quiz.get_by_role("button", name="Check answer").click()
    assert quiz.locator(".course-quiz-feedback").inner_text().startswith("Correct.")
    page.close()

    assert student.external == [], f"JupyterLab asked the internet for: {student.external}"
