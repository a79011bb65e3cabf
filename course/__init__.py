"""The course's own code: seeds and their paragraphs, quiz banks, the book extension, the grader.

Public surface, by role:
- notebooks:   ``from course.notebook import quiz, data, Checks``
- the book:    the Sphinx extension ``course.sphinxext`` (listed in ``_config.yml``)
- teachers:    the ``course`` command (``course --help``)
"""

__version__ = "0.1.0"
