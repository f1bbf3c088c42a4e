# `make demo` and `make test` each create the local virtual environment (.venv) on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint setup clean docs mutation

$(BIN)/maturity: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/maturity

demo: setup
	bash scripts/demo.sh $(OUT)

test: setup
	bash scripts/test.sh

lint: setup
	$(BIN)/ruff check maturity tests bench
	$(BIN)/ruff format --check maturity tests bench
	$(BIN)/mypy

# Mutation testing of the core (slow: minutes per module). MODULES="scoring gaps" for some.
mutation: setup
	$(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python scripts/mutation.py $(MODULES)

docs: setup
	$(BIN)/maturity framework schema > frameworks/framework.schema.json
	$(BIN)/python -m maturity.files.docs > frameworks/FORMAT.md
	$(BIN)/python -m maturity.files.docs assessment > assessments/FORMAT.md

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .pytest_cache .ruff_cache .hypothesis mutants
