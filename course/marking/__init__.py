"""The teacher's marking: written answers reviewed beside the model answers, one gradebook.

- ``written``: ``course written SUBMISSIONS --out REVIEW`` collects every student's answer cells
  from the chapter notebooks in the class folder and writes a static review page per question
  (model answer, "look for" points and scale beside the answers), a scores file to fill in and
  the key from pseudonyms to students.
- ``scores``: the scores file and the key, read and checked against the rubric.
- ``gradebook``: ``course gradebook`` merges the autograder's results (``course grade-all``'s
  reports, read as data), the teacher's scores, a roster and weights into one row per student,
  and writes it as plain CSV and as Canvas's and Moodle's grade import files.
- ``feedback``: per student, one HTML page and one Markdown file with their scores, the
  teacher's comments and the autograder's hints; never a model answer or a solution.

Student input is hostile here too (the class folder is the one ``grade-all`` reads): a notebook
is parsed as data and nothing in it runs; no string from a submission becomes a path (a student's
files are named by a slug and a hash, as the grader names reports); every string from a
submission is escaped in HTML (Jinja2 autoescaping) and shown as text, never as markup. The
teacher's own files (roster, scores, weights) are checked before anything is written: an error
names the file and line and writes nothing.
"""
