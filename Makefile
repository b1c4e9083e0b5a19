# Template repository tasks. Each target creates what it needs (.venv here; every baked
# project makes its own .venv through its own Makefile).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
BUILD ?= build

.PHONY: install lock system-packages test test-all lint demo bench clean
BENCH_DIR := $(BUILD)/bench

install: $(VENV)/.installed

# Installs with uv (from PATH, or else put into .venv from PyPI first), with the versions and
# hashes of requirements-lock.txt. INSTALLER=pip: pip alone, same versions, no hash check.
INSTALLER ?= uv
UV_VERSION ?= 0.13.9
UV ?= $(or $(shell command -v uv),$(BIN)/uv)
ENSURE_UV = test -x "$(UV)" || $(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: requirements.txt requirements-lock.txt
	$(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),pip)
	sed -e '/--hash=/d' -e 's/ *\\$$//' requirements-lock.txt > $(VENV)/constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt \
		-c $(VENV)/constraints.txt
else
	$(ENSURE_UV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.txt -c requirements-lock.txt
endif
	touch $@

# Pins the full closure of requirements.txt (requirements-lock.txt) and of every option of the
# generated project's requirement files at once ({{cookiecutter.project_slug}}/requirements-lock.txt).
lock: install
	$(ENSURE_UV)
	$(BIN)/python -m locking --uv $(abspath $(UV))

# Debian packages whose servers the tests start on loopback (installed when root, as on CI).
SYSTEM_PACKAGES := postgresql redis-server chromium
# Compose's validator for compose.yaml (no container engine needed).
SYSTEM_PACKAGES += docker-compose

system-packages:
	@bash '{{cookiecutter.project_slug}}/scripts/ensure-system-packages.sh' $(SYSTEM_PACKAGES)

# One worker per core (TEST_WORKERS=0: a single process). Each baked project's own suite runs
# on two workers too, which keeps both cores busy while a worker waits on a subprocess.
TEST_WORKERS ?= auto

# Every bake is rendered and checked; the baked suites run whole for the default bake (on
# PostgreSQL) and the one without browser sessions, and by tiers for the other bakes (those
# their answers change: SUITE_TIERS in tests/test_generation.py).
test: install system-packages
	$(BIN)/pytest tests -n $(TEST_WORKERS) --dist worksteal --durations=15

# The full matrix: every option combination's whole baked suite, and the default bake's on
# each other Python the project claims (3.12, 3.13: python3.X on PATH, else the newest
# ~/.pyenv/versions/3.X.*; a missing one is a skip that names it). make test skips those.
test-all: install system-packages
	BAKED_SUITE_TIERS=all $(BIN)/pytest tests -n $(TEST_WORKERS) --dist worksteal --durations=15

lint: install
	$(BIN)/ruff check hooks tests bench demo locking
	$(BIN)/ruff format --check hooks tests bench demo locking

# Bakes a project with the defaults into build/demo, runs it against a local Cognito, walks
# through the API and keeps serving until Ctrl-C (DEMO_EXIT=1: exit after the walk-through).
demo: install
	$(BIN)/python -m demo.run_demo

# Bakes a project, installs it, and prints verification cost, throughput and memory figures
# with one line per target. wrk (the load generator) and redis-server (the revocation figure)
# come from Debian's packages when they are missing; BENCH_PARTS=cost needs neither.
BENCH_PACKAGES := wrk redis-server

bench: install
	rm -rf $(BENCH_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(BENCH_DIR) . \
		cognito_user_pool_id=us-east-1_Bench1 cognito_app_client_id=benchclient1
	$(MAKE) -C $(BENCH_DIR)/cognito_api install PYTHON=$(PYTHON)
	@bash '{{cookiecutter.project_slug}}/scripts/ensure-system-packages.sh' $(BENCH_PACKAGES)
	cd $(BENCH_DIR)/cognito_api && .venv/bin/python ../../../bench/run_bench.py

clean:
	rm -rf $(BUILD) .pytest_cache
