"""Answer checks for the chapter notebooks' data exercises, one module per chapter
(``ch<chapter>.py``), written like exercise tests: ``test_<answer>(answers)``."""
