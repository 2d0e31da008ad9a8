# Parcours — two commands: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
STAMP   := $(VENV)/.installed

.PHONY: run test lint format bench demo clean

$(STAMP): requirements.txt requirements-dev.txt requirements-spark.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Set up .venv if needed and serve the app on the demo data at http://localhost:$(PORT)
run: $(STAMP)
	$(BIN)/python pages/_ui/serve.py --server.port $(PORT) --browser.gatherUsageStats false

## Set up .venv if needed, check lint/format, and run every test (unit, app, browser)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks against DuckDB and pandas (prints ratios; not part of `make test`)
bench: $(STAMP)
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_funnel.py
	$(BIN)/python bench/bench_retention.py

## Regenerate the demo data set (deterministic)
demo: $(STAMP)
	$(BIN)/python data/make_demo.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
