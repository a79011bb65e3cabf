"""The repository's settings, each read from the one file that holds it, through one loader.

- ``pyproject.toml``: the version, the Python floor (``requires-python``) and every pin;
- ``_config.yml``: the repository's address, the site's address and the launch services;
- ``_toc.yml``: the book's pages;
- the jupyter-book command line every build uses (``make book``, the instructor edition, an
  edition's student site, the tests).

Every function takes the repository's ``root`` (default: the one ``course`` is installed
from), so a tool or a test can point it at a copy without patching globals. Nothing here is
read at import: a long-running ``sphinx-autobuild`` sees an edit at once.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

from course.content import paths


def _root(root: Path | None) -> Path:
    return Path(root) if root is not None else paths.ROOT


def pyproject(root: Path | None = None) -> dict:
    return tomllib.loads((_root(root) / "pyproject.toml").read_text(encoding="utf-8"))


def version(root: Path | None = None) -> str:
    """``[project].version``: the one place the course's version is written (a release is
    tagged ``v<version>``)."""
    return pyproject(root)["project"]["version"]


def python_min(root: Path | None = None) -> str:
    """The oldest Python the course supports, ``X.Y``, from ``requires-python = ">=X.Y"``."""
    spec = pyproject(root)["project"]["requires-python"]
    m = re.fullmatch(r">=\s*(\d+\.\d+)", spec)
    if not m:
        raise ValueError(f"pyproject.toml: requires-python {spec!r}; expected '>=X.Y'")
    return m.group(1)


def runtime_pins(root: Path | None = None) -> list[str]:
    """What a notebook needs to run (``[project].dependencies``)."""
    return list(pyproject(root)["project"]["dependencies"])


def extra_pins(extra: str, root: Path | None = None) -> list[str]:
    return list(pyproject(root)["project"]["optional-dependencies"][extra])


def all_pins(root: Path | None = None) -> list[str]:
    p = pyproject(root)
    return [
        *p["project"]["dependencies"],
        *sum(p["project"]["optional-dependencies"].values(), []),
        *p["build-system"]["requires"],
    ]


def build_backend_pins(root: Path | None = None) -> list[str]:
    return list(pyproject(root)["build-system"]["requires"])


def book_config(root: Path | None = None) -> dict:
    return yaml.safe_load((_root(root) / "_config.yml").read_text(encoding="utf-8"))


def toc(root: Path | None = None) -> dict:
    return yaml.safe_load((_root(root) / "_toc.yml").read_text(encoding="utf-8"))


def toc_files(node) -> list[str]:
    """Every ``file:`` of a toc (or part of one), in order."""
    out = []
    if isinstance(node, dict):
        if "file" in node:
            out.append(str(node["file"]))
        for value in node.values():
            out += toc_files(value)
    elif isinstance(node, list):
        for value in node:
            out += toc_files(value)
    return out


def github(root: Path | None = None) -> tuple[str, str, str]:
    """``(org, repo, branch)`` of the repository named in ``_config.yml``."""
    repo = book_config(root)["repository"]
    m = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", repo["url"])
    if not m:
        raise ValueError(
            f"_config.yml: repository.url {repo['url']!r} is not a GitHub repository; "
            "Colab and the setup cell need one (https://github.com/ORG/REPO)"
        )
    return m.group(1), m.group(2), repo.get("branch", "main")


def site_url(root: Path | None = None) -> str:
    """The published book's address, ending in a slash: ``html.baseurl`` in ``_config.yml``
    when a fork publishes elsewhere, else the repository's GitHub Pages site (what the deploy
    workflow publishes to), so a fork that changes its repository URL moves this with it."""
    base = (book_config(root).get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    org, repo, _ = github(root)
    return f"https://{org.lower()}.github.io/{repo}/"


def install_source(root: Path | None = None) -> str:
    """What pip installs in a bare environment: the release's source archive on GitHub (pip
    builds it; no git needed, unlike a ``git+`` URL)."""
    org, repo, _ = github(root)
    return f"course @ https://github.com/{org}/{repo}/archive/refs/tags/v{version(root)}.zip"


def drafts_config(out: Path, root: Path | None = None) -> Path:
    """A ``_config.yml`` for the authors' build (``course build-book --drafts``), written into
    ``out/config/``: the student site with the draft chapters in (``course_edition: drafts``,
    see ``course.book.drafts``), titled as a preview. Its pages are marked ``drafts``, not
    ``student``, so the deploy workflow refuses to publish it."""
    config = book_config(root)
    config["title"] = f"{config['title']} — Preview with drafts"
    config.setdefault("sphinx", {}).setdefault("config", {})["course_edition"] = "drafts"
    target = Path(out) / "config" / "_config.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


# Every build of the book: warnings are errors (-W), every reference must resolve (-n), and all
# warnings are reported before it fails (--keep-going).
BUILD_FLAGS = ("-W", "-n", "--keep-going")


def build_command(
    source: Path, *, out: Path | None = None, config: Path | None = None, toc_file: Path | None = None
) -> list[str]:
    """The jupyter-book command line that builds the book in ``source`` (into ``out/_build``,
    default ``source/_build``), from the jupyter-book installed beside this Python."""
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source)]
    if config is not None:
        cmd += ["--config", str(config)]
    if toc_file is not None:
        cmd += ["--toc", str(toc_file)]
    if out is not None:
        cmd += ["--path-output", str(out)]
    return cmd + list(BUILD_FLAGS)
