"""The course's own code: seeds and their paragraphs, quiz banks, the book extension, the grader.

The parts and the direction of their imports are in ARCHITECTURE.md. Public surface, by role:
- notebooks:   ``from course.notebook import quiz, data, Checks``
- the book:    the Sphinx extension ``course.book`` (listed in ``_config.yml``)
- teachers:    the ``course`` command (``course --help``)
"""


def _version() -> str:
    """``[project].version`` in pyproject.toml, the one place the version is written (a release
    is tagged ``v<version>``). Installed without the source tree, the package's metadata says it."""
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():  # in site-packages this may be another project's stray file
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "course":
            return project["version"]
    from importlib.metadata import version

    return version("course")


__version__ = _version()
