"""The course's content, read and checked: seeds and their paragraphs (``seeds``), quiz banks
(``banks``), guided questions and answer cells (``questions``), exercises (``exercises``),
chapters (``chapters``), datasets (``data``), and where all of them live (``paths``).

Everything else depends on this part; it depends on nothing of ours and never imports Sphinx,
so notebooks, the grader and teachers' tools can all read content. See ARCHITECTURE.md.
"""
