# Carnet KPA — two commands: `make workshop` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866
WORKSPACE ?= workspace
#: Test processes for `make test` (pytest-xdist; 0 runs the tests in one process).
TEST_WORKERS ?= 2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: workshop test check install bench stress example-pdf lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Start the workshop app on the example workbook (opens the browser when there is one).
workshop: install
	$(BIN)/python -m kpawidgets.tools.example --workspace $(WORKSPACE)
	$(BIN)/kpa serve --workspace $(WORKSPACE) --port $(PORT) --workbook exemple-quartier-des-tisserands $(if $(NO_BROWSER),--no-browser,)

## Run the whole test suite (browser tests need Chromium at /usr/bin/chromium or $$KPA_CHROMIUM),
## on TEST_WORKERS processes, each test file whole on one of them, the heaviest files first.
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

## The everyday tier: unit and page tests, without a server, kernel, PDF render or browser (a few minutes).
check: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow and not browser and not server and not kernel and not pdf and not stress" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

stress: install
	$(BIN)/python -m pytest -m stress tests/stress $(PYTEST_ARGS)

example-pdf: install
	mkdir -p out
	$(BIN)/kpa export sample_data/exemple-quartier-des-tisserands.json --pdf out/exemple-plan.pdf
	@echo out/exemple-plan.pdf

## Types (mypy) and the layers (import-linter contracts in pyproject.toml).
lint: install
	$(BIN)/python -m mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) out build dist *.egg-info
