"""`python -m course` runs the same command line as `course`."""

import sys

from course.cli import main

sys.exit(main())
