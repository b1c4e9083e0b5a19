# Template repository tasks. Each target creates what it needs (.venv here; every baked
# project makes its own .venv through its own Makefile).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
BUILD ?= build

.PHONY: install system-packages test lint demo bench clean
BENCH_DIR := $(BUILD)/bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Debian packages whose servers the tests start on loopback (installed when root, as on CI).
SYSTEM_PACKAGES := postgresql redis-server chromium

system-packages:
	@bash '{{cookiecutter.project_slug}}/scripts/ensure-system-packages.sh' $(SYSTEM_PACKAGES)

test: install system-packages
	$(BIN)/pytest tests

lint: install
	$(BIN)/ruff check hooks tests bench demo
	$(BIN)/ruff format --check hooks tests bench demo

# Bakes a project with the defaults into build/demo, runs it against a local Cognito, walks
# through the API and keeps serving until Ctrl-C (DEMO_EXIT=1: exit after the walk-through).
demo: install
	$(BIN)/python -m demo.run_demo

# Bakes a project, installs it, and prints verification cost, throughput and memory figures
# with one line per target. wrk comes from Debian's packages when it can be installed.
bench: install
	rm -rf $(BENCH_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(BENCH_DIR) . \
		cognito_user_pool_id=us-east-1_Bench1 cognito_app_client_id=benchclient1
	$(MAKE) -C $(BENCH_DIR)/cognito_api install PYTHON=$(PYTHON)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 \
		|| echo "wrk could not be installed: using the Python load generator"
	cd $(BENCH_DIR)/cognito_api && .venv/bin/python ../../../bench/run_bench.py

clean:
	rm -rf $(BUILD) .pytest_cache
