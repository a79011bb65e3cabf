"""What leaves the repository: the student repository (``student_repo``), an edition for a
term (``edition``), the instructor edition and its hidden tests (``teachers``), quiz banks for
an LMS (``lms``), the site's lasting addresses (``addresses``), and the clean student notebooks
and Binder files (``notebooks``). It reads content and never imports the book; the book is
built as a separate process (``course.project.build_command``). See ARCHITECTURE.md.
"""
