# bwk — the front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEAR ?=
# Tests run on every core (pytest-xdist); a worker that runs out of tests takes queued ones from the other.
# `make test XDIST=` runs them in one process.
XDIST ?= -n auto --dist worksteal

.DEFAULT_GOAL := help
.PHONY: help install report test test-fast lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the locked versions (requirements.lock) and bwk

report: $(STAMP) ## Build every report of the latest year in data/ (or YEAR=2019) into output/<year>/
	$(BIN)/bwk run $(if $(YEAR),--year $(YEAR),)

# Some shells (sandboxes, CI images) set PYTHONDONTWRITEBYTECODE: every one of the suite's hundred
# Python processes (test workers, bwk runs, pool workers, kernels) would then compile bwklib again and
# each test worker rewrite every test module again (about 2 s each). The tests keep their bytecode, as
# Python does by default (in the git-ignored __pycache__ folders).
test test-fast: export PYTHONDONTWRITEBYTECODE :=

test: $(STAMP) ## The whole suite: builds, browser tests, doctests (what CI runs)
	$(BIN)/python -m pytest $(XDIST)

test-fast: $(STAMP) ## Every test that executes no notebook, doctests included (pytest --fast)
	$(BIN)/python -m pytest --fast -q $(XDIST)

lint: $(STAMP) ## Check code style with ruff
	$(BIN)/ruff check bwklib tests benchmarks
	$(BIN)/ruff format --check bwklib tests benchmarks

format: $(STAMP) ## Format code with ruff and strip notebook outputs
	$(BIN)/ruff format bwklib tests benchmarks
	$(BIN)/ruff check --fix bwklib tests benchmarks
	$(BIN)/nbstripout notebooks/*.ipynb

bench: $(STAMP) ## Time bwk against the naive papermill/nbconvert loop (prints figures; about 3 min)
	$(BIN)/python benchmarks/bench.py

clean: ## Remove output/ (the virtual environment stays)
	rm -rf output
