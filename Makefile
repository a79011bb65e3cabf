# Two commands from a fresh clone:
#   make book   build the student site into _build/html          (needs python3)
#   make test   run every test: builds the book, drives headless Chromium (axe-core checks
#               accessibility), validates the GitHub workflows     (needs python3, npm)
# While working: make check   the fast tests (no full build, no browser) and lint, in under
#               two minutes                                        (needs python3)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib;print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:12])")

NODE_STAMP := node_modules/.installed-$(shell $(PYTHON) -c "import hashlib;print(hashlib.sha256(open('package-lock.json','rb').read()).hexdigest()[:12])")

.PHONY: book handouts instructor test check lint format serve release addresses clean bench bench-grading bench-marking bench-shards bench-weight chromium bubblewrap wheelhouse

# Debian splits venv out of python3: install it when run as root, else say what to install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; \
	  else echo "Python's venv is missing: sudo apt-get install python3-venv"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -e ".[jupyter,book,test]"
	rm -f $(VENV)/.installed-* && touch $@

# The jupyter-book command line is written once, in course/project.py (build_command).
# Draft chapters are left out; make book DRAFTS=1 builds a preview with them into
# _build/drafts/_build/html for their authors (never published).
book: $(STAMP)
	$(BIN)/course build-book $(if $(DRAFTS),--drafts)

# Each chapter's reading handout (PDF, A4 and US Letter) into _build/handouts/, printed by Chromium,
# and the whole course as one PDF for reading offline (course-a4.pdf, course-letter.pdf); the
# printables each lesson plan names into _build/handouts/printables/ (teachers only); each
# lesson's projector deck (reveal.js from npm, offline) into _build/handouts/decks/.
handouts: book chromium $(NODE_STAMP)
	$(BIN)/course handouts
	$(BIN)/course book-pdf
	$(BIN)/course printables
	$(BIN)/course decks

instructor: $(STAMP)
	$(BIN)/course build-instructor

# An edition for a term: make release VERSION=x.y.z (the version in pyproject.toml), from a
# clean tree; archives and SHA256SUMS in dist/<version>/, the handouts' PDFs among them (printed
# by Chromium from the edition's own student site). See teachers/publishing.md.
release: $(STAMP) chromium $(NODE_STAMP)
	$(BIN)/course release-edition --version "$(VERSION)"

# Record the built site's new addresses in links/addresses.txt (when a change is intended).
addresses: book
	$(BIN)/course addresses --update

serve: book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Headless Chromium is needed for the browser tests: sudo apt-get install chromium"; exit 1; fi; }

# The grader runs student notebooks in a bubblewrap sandbox; grading stops without it.
bubblewrap:
	@command -v bwrap >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; \
	  else echo "The grader's sandbox needs bubblewrap: sudo apt-get install bubblewrap"; exit 1; fi; }

# Node packages, pinned by package-lock.json: the Actions workflow validator and axe-core (tests),
# reveal.js (the lesson decks of make handouts).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the Node packages: sudo apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Wheels for tests/test_anywhere.py, which installs the notebooks' pinned dependencies into a
# fresh virtualenv with no network: downloaded once here (network allowed, like the .venv).
WHEELHOUSE := .wheelhouse
WH_STAMP   := $(WHEELHOUSE)/.filled-$(notdir $(STAMP))
$(WH_STAMP): $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(BIN)/course wheelhouse --to $(WHEELHOUSE)
	touch $@

wheelhouse: $(WH_STAMP)

# Lint (ruff, configured in pyproject.toml): what `make check` and the pre-commit hooks run.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rewrite the code as the linter and formatter want it (then review the diff).
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The fast half: lint, then every test not marked slow (pyproject.toml). Needs only the venv.
check: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow"

# Three test processes on two cores: much of the slow half waits (cell limits running out, a
# browser, a class graded in parallel), and a third process fills that time (benchmarks/suite.py).
test: $(STAMP) $(NODE_STAMP) $(WH_STAMP) chromium bubblewrap
	$(BIN)/python -m pytest -n 3

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# Our grader next to otter-grader (installed on first use into benchmarks/.otter-venv only),
# then a class of 100 notebooks with course grade-all. Options: benchmarks/grading.py --help
bench-grading: $(STAMP) bubblewrap
	$(BIN)/python benchmarks/grading.py

# Notebooks per minute graded as 1, 2 and 4 local shards (grade-all --shard, course merge), and the
# projected wall time of a large class on many runners. Options: benchmarks/sharding.py --help
bench-shards: $(STAMP) bubblewrap
	$(BIN)/python benchmarks/sharding.py

# The steps of teachers/marking.md (grade-all, written, gradebook) timed for a class of 100.
# Options: benchmarks/marking.py --help
bench-marking: $(STAMP) bubblewrap
	$(BIN)/python benchmarks/marking.py

# Bytes each page of the built site loads (own files vs the theme's shared assets); flags >300 kB.
bench-weight: book chromium
	$(BIN)/python benchmarks/page_weight.py

clean:
	rm -rf _build
