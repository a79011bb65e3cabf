# A book in the shape of the real one (a jupyter-book toc, only its pages built), for the draft
# chapter of test_scaffold: its toc and pages are written by the test, from the copy's chapters.
extensions = ["myst_parser", "sphinx_external_toc", "course.book"]
external_toc_path = "_toc.yml"
external_toc_exclude_missing = True
