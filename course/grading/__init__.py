"""Autograding: run a submission in a kernel, take its answers out as data, test them apart.

Three processes, on purpose:
1. ``execute``: a kernel runs the student's notebook; a final cell turns the named answer
   variables into JSON (``answers.dump``). Nothing else leaves the kernel.
2. ``runner``: a fresh ``python -I`` process loads that JSON and runs the exercise's tests.
   It never imports or executes anything from the submission, so student code cannot patch
   ``assert``, pandas or the test runner into giving a false pass.
3. ``grade``: the parent, which starts both with time limits and writes the reports.
"""
