# Two entry points, as in the README: `make all` (install + the whole workflow) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: all test test-slow install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -e ".[test]"
	# medSpaCy 1.3.1 and PyRuSH 1.0.13 pin spacy<3.8 but run on 3.8; their imports come from the `hosts` extra
	$(BIN)/python -m pip install --no-deps "medspacy==1.3.1" "PyRuSH==1.0.13"

# Command 1: install and run `spacy project run all` on the embedded SYNTHETIC default.
all: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m spacy project run all

# Command 2: install the test extras and run the default (fast) test suite.
test: install-test
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

# The slow tests too: the whole workflow end to end and the real MiniLM.
test-slow: install-test
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q --runslow -m slow
