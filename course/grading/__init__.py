"""Autograding: run a submission apart, take its answers out as data, test them apart.

Three processes, on purpose:
1. ``execute``: a supervisor and a worker it forks; the worker runs the notebook's code
   cells in an IPython shell and turns the named answer variables into JSON
   (``answers.dump``). Nothing else leaves it.
2. ``runner``: a fresh ``python -I`` process loads that JSON and runs the exercise's tests.
   It never imports or executes anything from the submission, so student code cannot patch
   ``assert``, pandas or the test runner into giving a false pass.
3. ``grade``: the parent, which starts both with time limits and writes the reports.
"""
