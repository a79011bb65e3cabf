"""The book's Sphinx extension (``course.book`` in ``_config.yml``): one ``setup()`` that wires
the parts together.

- ``directives/``: content rendered from the course's data (readings, reference pages,
  exercises, instructor-only keys);
- ``assets``: what pages load; ``a11y``: fixes to the theme's markup; ``launch``: the notebook
  buttons and the published notebooks; ``edition``: the footer's edition, the edition mark and
  the redirects; ``printables``: a lesson plan's links to its printables (instructor edition);
  ``drafts``: which editions show a draft chapter (not the student site).

It reads content through ``course.content`` and never writes to the source tree except the
exercise downloads under ``_build/``.
"""

from __future__ import annotations

import hashlib

from docutils import nodes
from sphinx.errors import ExtensionError

from course import project
from course.book import a11y, assets, drafts, edition, launch, printables
from course.book.directives import answers, exercise, reading, reference, threads
from course.content import banks, paths, seeds


def _data_fingerprint() -> str:
    """One hash over every data file pages are rendered from (seeds, datasets, banks, answers,
    exercises): when any of them changes, every page is re-read, since ¶ links, glossary entries
    and keys can appear on any page."""
    h = hashlib.sha256()
    for folder in (paths.SEEDS, paths.DATA, paths.QUIZZES, paths.INSTRUCTOR / "answers", paths.EXERCISES):
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.suffix in {".txt", ".yml", ".csv", ".md", ".py"}:
                h.update(str(f.relative_to(paths.ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def on_get_outdated(app, env, added, changed, removed):
    fingerprint = _data_fingerprint()
    stale = getattr(env, "course_data_fingerprint", None) != fingerprint
    env.course_data_fingerprint = fingerprint
    return list(env.found_docs) if stale else []


def on_config_inited(app, config):
    assets.add_static_paths(app, config)
    if config.course_edition != "instructor":
        # a new list: appending would change Sphinx's default, shared by later builds in the process
        config.exclude_patterns = [*config.exclude_patterns, "instructor/**"]
    # Facts pages quote, each from its one source: {{ python_min }}, {{ limits.cell_timeout }} …
    from course.grading.grade import published_limits

    config.myst_substitutions = {
        **getattr(config, "myst_substitutions", {}),
        "python_min": project.python_min(),
        "limits": published_limits(),
    }


def on_builder_inited(app):
    # A long-running autobuild re-reads the seeds and banks at every build.
    seeds.clear_caches()
    banks.clear_caches()
    try:
        banks.all_banks()
    except banks.BankError as exc:
        raise ExtensionError(str(exc)) from None
    launch.find_notebook_pages(app)
    app.add_css_file("course.css")


# The directives, by the name pages use.
DIRECTIVES = {
    "reading": reading.Reading,
    "timeline": reference.Timeline,
    "course-texts": reference.CourseTexts,
    "course-glossary": reference.CourseGlossary,
    "syllabus": reference.Syllabus,
    "people": reference.People,
    "emendations": reference.Emendations,
    "quiz-key": answers.QuizKey,
    "model-answers": answers.ModelAnswers,
    "essay-rubric": answers.Rubric,
    "discussion-prompts": answers.DiscussionPrompts,
    "exercise-notebook": exercise.ExerciseNotebook,
    "course-offline-commands": exercise.OfflineCommands,
    "thread": threads.Thread,
    "threads-overview": threads.ThreadsOverview,
    "chapter-threads": threads.ChapterThreads,
}

# Sphinx events and the course's handlers, in the order they run.
HANDLERS = {
    "config-inited": [on_config_inited, drafts.leave_out_drafts],
    "builder-inited": [on_builder_inited, edition.check_redirects],
    "env-get-outdated": [on_get_outdated],
    "env-purge-doc": [reading.purge_readings],
    "env-merge-info": [reading.merge_readings],
    "env-check-consistency": [reading.check_readings],
    "doctree-read": [assets.strip_inline_quiz_assets, assets.preview_unanswered_checks],
    "html-page-context": [
        assets.on_page_context,
        edition.stamp_edition,
        edition.mark_edition,
        assets.drop_widget_state,
        a11y.on_page_context_nav,
        launch.notebook_buttons,
    ],
    "build-finished": [launch.publish_notebooks, edition.emit_redirects],
}
# Where a handler must run before or after another extension's (Sphinx's default is 500):
PRIORITY = {
    drafts.leave_out_drafts: drafts.PRIORITY,  # after sphinx-external-toc's, which reads _toc.yml
    assets.drop_widget_state: 400,  # before myst-nb's, which turns js_files into <script>s
    launch.notebook_buttons: 600,  # after the theme's (501), which makes the launch buttons
    a11y.on_page_context_nav: 900,  # after the theme's, which puts generate_toctree_html in the context
}


def setup(app):
    app.add_config_value("course_edition", "student", "env")
    app.add_config_value("course_redirects", "links/redirects.yml", "html")
    app.add_config_value("course_printables", "", "env")  # set by the instructor build only
    app.add_role("printables", printables.role)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for event, handlers in HANDLERS.items():
        for handler in handlers:
            app.connect(event, handler, priority=PRIORITY.get(handler, 500))
    app.add_node(nodes.citation, override=True, html=(a11y.visit_citation, a11y.depart_citation))
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=a11y.hidden_cell_visitors())
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
