"""Autograding: run a submission apart, take its answers out as data, test them apart.

Threat model. Student code is hostile. The grading host is a teacher's machine or a CI
runner that may hold secrets (tokens, hidden tests, solutions, other students' work). A
student must never raise their own score beyond what their answers earn, read tests,
solutions or another student's work, affect another student's grade, or leave anything
behind. So: no string from a submission becomes a path (the exercise id is looked up in the
course's own list, ``exercises.get``); no test file is imported by the grader's own process
(answer names are read as literals, ``exercises.declared``); student code runs only in the
sandbox, an allow-list built by bubblewrap (``sandbox``), with limits for the whole run
(``execute``); and only data leaves it (``answers``).

Three processes, on purpose:
1. ``execute``: in the sandbox, a supervisor and a worker it forks; the worker runs the
   notebook's code cells in an IPython shell and turns the named answer variables into JSON
   (``answers.dump``). Nothing else leaves it.
2. ``runner``: a fresh ``python -I`` process outside the sandbox loads that JSON and runs the
   exercise's tests (public, and hidden if given). It never imports or executes anything from
   the submission, so student code cannot patch ``assert``, pandas or the test runner into
   giving a false pass.
3. ``grade``: the parent, which reads the submission safely, starts both with time limits
   and writes the reports; ``batch`` does it for a class folder.

Without the sandbox (``--trusted-code-no-sandbox``, for trusted code only) the same
processes run with the per-process limits alone; every report says so.
"""
