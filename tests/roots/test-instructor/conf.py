# A key page with an instructor-only directive (an error in the student edition, the default).
# Each test adds reading.md, the readings its ¶ links lead to.
extensions = ["myst_parser", "course.book"]
