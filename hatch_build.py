"""Wheel build hook: the course's content travels inside the wheel as package data.

The top-level folders (and ``_config.yml``, which names the published site) stay the one
source; a wheel gets a copy under ``course/_content/``
(``course/paths.py`` looks there first). Only the public tests and checks of each exercise go in:
``exercise.md`` holds the solutions and ``instructor/`` the answers, and neither may ship.
An editable install copies nothing (it reads the repository's folders in place), so no stale
copy can hide an edit.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FOLDERS = ("data", "quizzes", "seeds")


class CourseContent(BuildHookInterface):
    def initialize(self, version, build_data):
        if version == "editable":
            return
        root = Path(self.root)
        include = {root / name: f"course/_content/{name}" for name in FOLDERS}
        # the book's settings: a quiz links its feedback to the published site (project.site_url)
        include[root / "_config.yml"] = "course/_content/_config.yml"
        # the public tests and the chapter notebooks' checks: hints, never answers
        for public in sorted([*root.glob("exercises/*/tests.py"), *root.glob("exercises/*/checks.py")]):
            include[public] = f"course/_content/{public.relative_to(root).as_posix()}"
        build_data["force_include"].update({str(src): dest for src, dest in include.items()})
