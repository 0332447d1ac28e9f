# make setup: create .venv and install the pinned environment (requirements.lock) and csabook.
# make book: set up .venv (if needed) and build the default editions into _build/site/.
# make test: set up .venv (if needed), build the book, run every test (one worker per core, each test file on one
#   worker, so a file's shared set-up is made once) and strict nbval.
# make unit: the unit tier only (no book built, no kernel, no browser).
# make lock: refresh requirements.lock from pyproject.toml (see the README: when to run it).
# make explore: the analyst explorer (notebooks/explore.ipynb) in Voila, installed on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest

.PHONY: setup book test nbval unit lock explore clean

setup: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/csabook build --year all --district county

explore: $(STAMP)
	$(BIN)/python -c "import voila" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[explore]"
	$(BIN)/voila notebooks/explore.ipynb $(VOILA_ARGS)

unit: $(STAMP)
	$(PYTEST) -m "not built" tests

nbval: $(STAMP)
	$(PYTEST) --nbval -p no:cacheprovider --nbval-sanitize-with tests/nbval_sanitize.cfg book/

test: book
	$(PYTEST) -v --numprocesses auto --dist loadfile --durations 10 tests
	$(MAKE) nbval

lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --upgrade --python-version 3.11 \
		--custom-compile-command "make lock" --output-file $(LOCK)

clean:
	rm -rf _build book/*/
