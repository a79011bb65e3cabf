"""Accessibility fixes to markup the theme and myst-nb emit, each checked by axe-core in
``tests/test_accessibility.py``. Each fix calls the original code and mends only what axe flags."""

from __future__ import annotations


def visit_citation(self, node):
    """Bibliography entries as plain list items: docutils marks them role="doc-biblioentry", a
    role DPUB-ARIA 1.1 deprecated, so the role="list" around them had no valid items."""
    start = len(self.body)
    type(self).visit_citation(self, node)
    self.body[start:] = [s.replace('role="doc-biblioentry"', 'role="listitem"') for s in self.body[start:]]


def depart_citation(self, node):
    type(self).depart_citation(self, node)


def hidden_cell_visitors():
    """myst-nb's "Show code cell source" toggle, without its aria-label "Toggle hidden content":
    a name that differs from the visible words fails speech users (WCAG 2.5.3); with no label,
    the name is the visible "Show/Hide code cell source"."""
    from myst_nb.sphinx_ import depart_HideCellInput, visit_HideCellInput

    def visit(self, node):
        start = len(self.body)
        visit_HideCellInput(self, node)
        self.body[start:] = [s.replace(' aria-label="Toggle hidden content"', "") for s in self.body[start:]]

    return visit, depart_HideCellInput


def label_nav_toggles(soup):
    """Name each sidebar expand/collapse toggle after its page. The theme's <summary> holds only
    a chevron icon, so screen readers announced an unnamed control (WCAG 4.1.2). ``soup`` is the
    BeautifulSoup tree the theme's generate_toctree_html returns."""
    for summary in soup.select("li > details > summary"):
        link = summary.parent.find_previous_sibling("a")
        if link is not None and not summary.get("aria-label"):
            summary["aria-label"] = "Pages in " + " ".join(link.get_text().split())
    return soup


def on_page_context_nav(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def labelled(*args, **kwargs):
        out = generate(*args, **kwargs)
        return label_nav_toggles(out) if hasattr(out, "select") else out

    context["generate_toctree_html"] = labelled
