"""The repository's own rules: text notebooks only, pinned dependencies, the two commands."""

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_ipynb_is_tracked():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode == 0 and tracked.stdout.strip() == ""


def test_notebooks_are_jupytext_myst():
    for path in [*ROOT.glob("chapters/*_notebook.md"), *ROOT.glob("exercises/*/exercise.md")]:
        head = path.read_text(encoding="utf-8").split("---")[1]
        assert "format_name: myst" in head and "name: python3" in head, path


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"] + sum(project["optional-dependencies"].values(), []):
        assert "==" in dep, dep
    extras = project["optional-dependencies"]
    pins = {d.split("==")[0].lower() for d in project["dependencies"] + sum(extras.values(), [])}
    assert {"jupyter-book", "myst-nb", "ipywidgets", "pandas", "nbclient", "jupytext", "ipykernel"} <= pins
    assert "jupyter-book==1.0.4.post1" in extras["book"]
    # What a notebook needs stays light: the setup cell installs it into Colab's own kernel.
    runtime = {d.split("==")[0].lower() for d in project["dependencies"]}
    assert not runtime & {"jupyter-book", "sphinx", "ipykernel", "jupyter-client", "nbclient"}


def test_readme_leads_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make book" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()
