# Two commands on a fresh machine with only python3 and make:  make demo  /  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: demo test lint types pytest contract record bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/confkit demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests $(wildcard bench)

types: $(VENV)/.installed-dev
	$(BIN)/mypy src

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest --record-mode=none --block-network

test: lint types pytest contract

# Contract check of the shipped cassettes against the vendors' official descriptions.
contract: $(VENV)/.installed-dev
	@if [ -f $(SHARED)/tools/contract_check.py ]; then \
		$(BIN)/python $(SHARED)/tools/contract_check.py cassettes/; \
	else echo "contract check skipped: $(SHARED)/tools/contract_check.py not found"; fi

# Re-record every cassette from the built-in fakes (see docs/recording.md for a real tenant).
record: $(VENV)/.installed-dev
	rm -rf cassettes/zoom cassettes/webex cassettes/google
	$(BIN)/pytest tests/cassette_flows --record-mode=all

# Benchmarks print figures (ratios against a floor measured in the same run); several minutes each.
bench: $(VENV)/.installed
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_logs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
