"""Drafts stay off the student site.

A chapter made by ``course new-chapter`` is a draft while its page carries the draft banner
(``content.chapters.draft``). Which builds show it is the edition's to say (``course_edition``):

- ``student`` (``make book``, what the deploy publishes): the draft's pages are left out of the
  table of contents and out of the build, so no page, sidebar entry, search entry, syllabus row
  or notebook download names it;
- ``drafts`` (``make book DRAFTS=1``, ``course build-book --drafts``): the student site with the
  drafts in, for their authors, built into its own folder and marked so that the deploy
  refuses it;
- ``instructor``: every chapter, drafts included, for the teachers who review them.

The toc is read by sphinx-external-toc when the configuration is ready (its handler runs at
priority 900); ``leave_out_drafts`` runs after it and takes each draft, with the pages under it,
out of the parsed toc and out of the files Sphinx reads.
"""

from __future__ import annotations

from course.content import chapters, seeds

EDITIONS_WITH_DRAFTS = ("drafts", "instructor")
PRIORITY = 910  # after sphinx_external_toc.events.parse_toc_to_env (900)


def shows_drafts(config) -> bool:
    return config.course_edition in EDITIONS_WITH_DRAFTS


def hidden(config) -> set[str]:
    """The slugs of the chapters this build leaves out (none in an edition that shows drafts)."""
    if shows_drafts(config):
        return set()
    return {slug for slug, _ in seeds.chapters()} - set(chapters.published())


def _under(site_map, docname: str) -> list[str]:
    """``docname`` and every page below it in the toc."""
    found = [docname]
    for child in site_map[docname].child_files() if docname in site_map else []:
        found += _under(site_map, child)
    return found


def leave_out_drafts(app, config) -> None:
    """Take the hidden drafts, each with the pages under it (its notebook, its exercise), out of
    the parsed toc and out of the files Sphinx reads."""
    site_map = getattr(config, "external_site_map", None)
    drafts = hidden(config)
    if site_map is None or not drafts:
        return
    gone = [doc for slug in sorted(drafts) for doc in _under(site_map, f"chapters/{slug}")]
    for docname in list(site_map):
        for tree in site_map[docname].subtrees:
            tree.items = [item for item in tree.items if str(item) not in gone]
    for docname in gone:
        if docname in site_map:
            del site_map[docname]
    # A list of its own: extending the default would change it for every later build.
    config.exclude_patterns = [*config.exclude_patterns, *(f"{doc}.md" for doc in gone)]
