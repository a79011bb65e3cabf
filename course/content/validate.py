"""JSON Schema validation, with jsonschema imported only when something is validated.

jsonschema imports the ``rfc3987_syntax`` package whenever it is installed (jupyter-events
installs it), and that package compiles 39 lark grammars at import: about 1.3 s of CPU in every
process that imports jsonschema. That was most of the cost of starting a course notebook and
more than half the cost of grading one (``make bench-grading``). It checks only the "iri" and
"iri-reference" formats, which none of our schemas uses, and jsonschema does without it when it
is missing. So the first import here hides it; later imports of ``rfc3987_syntax`` by anyone
else in the process work as usual. Import nbformat after ``jsonschema()`` for the same saving.
"""

from __future__ import annotations

import importlib
import sys


def jsonschema():
    """The jsonschema module, imported without ``rfc3987_syntax`` if not imported already."""
    if "jsonschema" not in sys.modules:
        hide = "rfc3987_syntax" not in sys.modules
        if hide:
            sys.modules["rfc3987_syntax"] = None  # import fails: jsonschema goes on without it
        try:
            importlib.import_module("jsonschema")
        finally:
            if hide:
                del sys.modules["rfc3987_syntax"]
    return sys.modules["jsonschema"]


def validator(schema: dict):
    """A Draft 2020-12 validator for ``schema`` (what every schema in ``schemas/`` declares)."""
    return jsonschema().Draft202012Validator(schema)
