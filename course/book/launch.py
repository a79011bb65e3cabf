"""Notebooks from the book: the clean student notebooks published under ``notebooks/`` (see
``course.publishing.notebooks``), and the launch and download links that open them."""

from __future__ import annotations

from pathlib import Path

from sphinx.errors import ExtensionError

from course.book import drafts
from course.publishing import notebooks


def exercise_launch_links(exercise_id: str) -> list[str]:
    name = f"{exercise_id}_exercise.ipynb"
    return [
        f"Or open it online, ready to run: [in Colab]({notebooks.colab_url(name)}) or "
        f"[in Binder]({notebooks.binder_url(name)}); {{doc}}`/opening-notebooks` explains each way.",
        "",
    ]


def publish_notebooks(app, exception):
    """Write the clean student notebooks into the site (the deploy pushes them to gh-pages);
    a draft chapter's only in an edition that shows drafts."""
    if exception is None and app.builder.format == "html":
        notebooks.write_notebooks(Path(app.outdir) / notebooks.NOTEBOOKS, leave_out=drafts.hidden(app.config))


def find_notebook_pages(app):
    """Which pages are notebooks, read once per build (not cached across builds, so a
    long-running autobuild sees a page that becomes a notebook)."""
    app.env.course_notebook_pages = frozenset(notebooks.notebook_pages())


def notebook_buttons(app, pagename, templatename, context, doctree):
    """On a notebook page, point Binder, Colab and the .ipynb download at the clean
    student notebook (the theme's own links open the MyST text, which Colab cannot read, and
    download the executed copy)."""
    if pagename not in getattr(app.env, "course_notebook_pages", ()):
        return
    name = notebooks.notebook_name(pagename)
    links = {
        "Binder": notebooks.binder_url(name),
        "Colab": notebooks.colab_url(name),
        "download-notebook-button": context["pathto"](f"{notebooks.NOTEBOOKS}/{name}", 1),
    }
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            key = button.get("label") if button.get("label") in links else button.get("text")
            if key in links:
                button["url"] = links.pop(key)
    if links:
        raise ExtensionError(
            f"{pagename}: the theme gave no {', '.join(links)} button to point at "
            f"{notebooks.NOTEBOOKS}/{name} (launch_buttons in _config.yml?)"
        )
