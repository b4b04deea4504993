# ioreport — `make report` runs the default dataset; `make test` runs the tests.
# Needs only python3 and make: setup creates .venv from the pinned lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PARAMS ?= params/default.yaml
OUT ?= runs/default

.PHONY: setup report test bench lab lint lock

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

report: setup
	$(BIN)/ioreport run $(PARAMS) --out $(OUT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests notebooks bench
	$(BIN)/ruff format --check src tests notebooks bench
	$(BIN)/python -m ioreport.review.hygiene

# Benchmarks, not tests: ingest beside polars' own reader, whole runs (cold and warm, three rounds each; the
# default at 10x), every notebook at 1x/10x/30x, and coordination networks beside the reference
# coordination-network-toolkit (installed here only, not in the lock).
bench: setup
	$(BIN)/python bench/ingest.py --scales 1 3 10 --rounds 3
	$(BIN)/python bench/run.py --repeat 3
	$(BIN)/python -m pip install --quiet "coordination-network-toolkit==1.5.2"
	$(BIN)/python bench/coordination.py

lab: setup
	$(BIN)/python -m pip install --quiet "jupyterlab==4.6.6"
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# Re-pin every dependency after changing pyproject.toml (writes requirements.lock).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Every package pinned for make setup. Regenerate with make lock after changing pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^ioreport'; } > requirements.lock
	rm -rf .lock-venv
