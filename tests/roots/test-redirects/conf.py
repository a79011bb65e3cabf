# Two pages in the book's theme: where links/redirects.yml (written by each test) is carried out.
extensions = ["myst_parser", "course.book"]
html_theme = "sphinx_book_theme"
