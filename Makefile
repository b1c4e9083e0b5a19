# Template repository tasks. Each target creates what it needs (.venv here; every baked
# project makes its own .venv through its own Makefile).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
BUILD ?= build

.PHONY: install test lint demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

test: install
	$(BIN)/pytest tests

lint: install
	$(BIN)/ruff check hooks tests
	$(BIN)/ruff format --check hooks tests

clean:
	rm -rf $(BUILD) .pytest_cache
