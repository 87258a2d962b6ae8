# The few commands a newcomer needs. Everything runs through uv, which is
# installed on first use into .tools/ when it is not already on PATH; once
# `make up` has created .venv, ./runnerly runs the runnerly command without uv.

UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: up test test-fast lint format bench tools clean

up: $(UV)                      ## start the whole system on this machine (Ctrl-C stops it)
	$(UV) sync --quiet --compile-bytecode   # services start from bytecode, even where PYTHONDONTWRITEBYTECODE is set
	exec ./runnerly up             # exec: no uv or shell process stays beside the launcher

# In parallel: each worker has its own NATS server, ports and databases (the
# kit's pytest plugin), so workers never share state. Two workers per core:
# much of a test's time is spent waiting on its servers, not computing.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))

test: $(UV)                    ## run the whole test suite
	$(UV) run pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: $(UV)               ## the suite without the slow end-to-end tests
	$(UV) run pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

lint: $(UV)                    ## formatting, lint, types and import contracts
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run mypy
	$(UV) run lint-imports

format: $(UV)                  ## apply formatting and safe lint fixes
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: $(UV)                   ## run the benchmarks (see bench/README.md; needs wrk)
	$(UV) run python -m bench.auth_bench
	$(UV) run python -m bench.last_runs_bench
	$(UV) run python -m bench.import_bench
	$(UV) run python -m bench.launcher_bench

tools: $(UV)

$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

clean:                         ## remove local state (databases, mail, broker store)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
