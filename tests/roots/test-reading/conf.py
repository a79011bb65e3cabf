# A page that reads seed 000 whole, in two parts (¶1–19, ¶20–28), as a chapter does.
extensions = ["myst_parser", "course.book"]
