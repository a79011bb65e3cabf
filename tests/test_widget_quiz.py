"""In a live kernel (JupyterLab, Binder, Colab) the same quiz cell is an ipywidgets quiz.
Which option is the key, and what a distractor's feedback cites, come from the quiz bank."""

import nbformat
import pytest
from nbclient import NotebookClient

from course.content import banks
from course.notebook.widget import quiz


def test_display_bundle_carries_the_widget_and_the_static_view():
    bundle = quiz("s000-q01")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'class="course-quiz"' in bundle["text/html"]
    assert bundle["text/plain"].startswith("Quiz s000-q01")


DRIVE = """
from course.notebook import quiz
q = quiz("s000-q01")
w = q.widget()
w.check.click()
assert "Choose an option first" in w.feedback.value, w.feedback.value
w.choices.value = {wrong}          # a distractor
w.check.click()
assert w.feedback.value.startswith("<p><strong>Not quite. Try again.</strong>"), w.feedback.value
assert all(c in w.feedback.value for c in {cited!r}), w.feedback.value
w.choices.value = {key}          # the key
w.check.click()
assert w.feedback.value.startswith("<p><strong>Correct.</strong>"), w.feedback.value
print("WIDGET-OK")
"""


@pytest.mark.slow  # a Jupyter kernel
def test_widget_quiz_gives_the_same_feedback_in_a_kernel(tmp_path):
    options = banks.item("s000-q01")["options"]
    key = next(n for n, o in enumerate(options) if o["correct"])
    wrong = next(n for n, o in enumerate(options) if not o["correct"])
    cited = [m.group(0) for m in banks.PARA_REF.finditer(options[wrong]["feedback"])]
    assert cited
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(DRIVE.format(wrong=wrong, key=key, cited=cited)),
        nbformat.v4.new_code_cell('quiz("s000-q02")'),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "WIDGET-OK" in out
    data = nb.cells[1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data and "text/html" in data
