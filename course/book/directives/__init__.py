"""The course's directives, one module per kind of content they render."""
