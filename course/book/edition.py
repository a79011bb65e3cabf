"""Editions and addresses in the book: the edition's version in every page's footer, the
edition mark the deploy checks, and the redirects of ``links/redirects.yml`` carried out in the
built site (see ``course.publishing.addresses``)."""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

from course import project
from course.publishing import addresses

logger = logging.getLogger(__name__)
CHANGES_PAGE = "teachers/changes"


def _redirects_file(app) -> Path:
    return Path(app.srcdir) / app.config.course_redirects


def check_redirects(app):
    # Read the file before the long build, so a mistake in it fails at once, clearly.
    try:
        addresses.load_redirects(_redirects_file(app))
    except addresses.RedirectError as exc:
        raise ExtensionError(str(exc)) from None


def stamp_edition(app, pagename, templatename, context, doctree):
    """The footer: the repository's address filled in from `repository:` in _config.yml (the one
    place it is written), then "Edition 0.1.0", linked to what changed in it."""
    version = html.escape(project.version())
    stamp = f"Edition {version}"
    if CHANGES_PAGE in app.env.all_docs and "pathto" in context:
        stamp = f'<a href="{context["pathto"](CHANGES_PAGE)}">{stamp}</a>'
    footer = (
        (context.get("theme_extra_footer") or "")
        .replace("{repository_url}", str(context.get("theme_repository_url", "")).rstrip("/"))
        .replace("{repository_branch}", str(context.get("theme_repository_branch") or "main"))
    )
    context["theme_extra_footer"] = f'{footer}\n<p class="course-edition">{stamp}</p>'


def mark_edition(app, pagename, templatename, context, doctree):
    """<meta name="course-edition" content="student|instructor"> on every page: the deploy
    workflow publishes a site only if it is marked student and holds no instructor page."""
    edition = html.escape(getattr(app.config, "course_edition", "student"))
    context["metatags"] = (context.get("metatags") or "") + f'\n<meta name="course-edition" content="{edition}">'


def emit_redirects(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for problem in addresses.emit(Path(app.outdir), addresses.load_redirects(_redirects_file(app))):
        logger.warning(problem)
