"""```{reading}```: a seed's paragraphs, numbered and linkable, with its emendations marked;
and the check that a page renders the whole of each seed it reads, once, in order."""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from course.content import paths, seeds

logger = logging.getLogger(__name__)


def _range(spec: str, count: int) -> tuple[int, int]:
    first, _, last = spec.strip().partition("-")
    a, b = int(first), int(last or first)
    if not 1 <= a <= b <= count:
        raise ValueError(f"paragraphs {spec} outside ¶1–{count}")
    return a, b


class Reading(SphinxDirective):
    """```{reading} 000  /  :paragraphs: 4-7``` — numbered, linkable paragraphs of a seed."""

    required_arguments = 1
    option_spec = {"paragraphs": directives.unchanged_required}

    def run(self):
        seed = self.arguments[0]
        self.env.note_dependency(str(paths.SEEDS / "emendations.csv"))
        try:
            paras = seeds.paragraphs(seed)
            first, last = _range(self.options.get("paragraphs", f"1-{len(paras)}"), len(paras))
        except (KeyError, ValueError) as exc:
            raise self.error(f"reading {seed}: {exc}") from None
        ems = {}
        for em in seeds.emendations(seed):
            ems.setdefault(em.paragraph, []).append(em)
        std = self.env.get_domain("std")
        # The reading is verbatim: no smart quotes, dashes or ellipses from Sphinx.
        box = nodes.container(classes=["seed-reading"], support_smartquotes=False)
        for n in range(first, last + 1):
            pid = seeds.anchor(seed, n)
            p = nodes.paragraph(classes=["seed-para"], ids=[pid])
            p += nodes.reference("", f"¶{n}", refuri=f"#{pid}", classes=["para-num"])
            for i, line in enumerate(paras[n - 1].split("\n")):
                if i:
                    p += nodes.raw("", "<br/>", format="html")
                p += _with_emendations(line, ems.get(n, []))
            box += p
            if pid in std.anonlabels and std.anonlabels[pid][0] != self.env.docname:
                logger.warning(f"¶ anchor {pid} is rendered twice", location=self.get_location())
            std.anonlabels[pid] = (self.env.docname, pid)
            std.labels[pid] = (self.env.docname, pid, f"¶{n} (seed {seed})")
        if not hasattr(self.env, "course_readings"):
            self.env.course_readings = {}
        self.env.course_readings.setdefault(self.env.docname, []).append((seed, first, last))
        return [box]


def _with_emendations(line: str, ems) -> list[nodes.Node]:
    out, rest = [], line
    for em in ems:
        if em.original in rest:
            before, _, rest = rest.partition(em.original)
            out += [
                nodes.Text(before),
                nodes.inline(em.original, em.original, classes=["sic"]),
                nodes.inline("", f" [read: {em.reading}]", classes=["emendation"]),
            ]
    out.append(nodes.Text(rest))
    return out


def check_readings(app, env):
    """Every page that renders a seed renders all of it, once, in order (fails -W builds)."""
    for docname, parts in getattr(env, "course_readings", {}).items():
        by_seed: dict[str, list] = {}
        for seed, first, last in parts:
            by_seed.setdefault(seed, []).append((first, last))
        for seed, spans in by_seed.items():
            expected, count = 1, seeds.paragraph_count(seed)
            for first, last in spans:
                if first != expected:
                    logger.warning(f"{docname}: reading of seed {seed} jumps to ¶{first}; ¶{expected} should come next")
                expected = last + 1
            if expected != count + 1:
                logger.warning(f"{docname}: reading of seed {seed} stops at ¶{expected - 1} of {count}")


def purge_readings(app, env, docname):
    getattr(env, "course_readings", {}).pop(docname, None)


def merge_readings(app, env, docnames, other):
    env.course_readings = {**getattr(env, "course_readings", {}), **getattr(other, "course_readings", {})}
