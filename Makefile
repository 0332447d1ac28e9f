# make book: set up .venv (if needed) and build the default editions into _build/site/.
# make test: set up .venv (if needed), build the book, run the unit and browser tests and strict nbval.
# make explore: the analyst explorer (notebooks/explore.ipynb) in Voila, installed on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup book test nbval unit explore clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/csabook build --year all --district county

explore: $(STAMP)
	$(BIN)/python -c "import voila" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[explore]"
	$(BIN)/voila notebooks/explore.ipynb $(VOILA_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval -p no:cacheprovider --nbval-sanitize-with tests/nbval_sanitize.cfg book/

test: book
	$(BIN)/python -m pytest tests
	$(MAKE) nbval

clean:
	rm -rf _build book/*/
