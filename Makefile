# The few commands a newcomer needs. Everything runs through uv, which is
# installed on first use into .tools/ when it is not already on PATH; once
# `make up` has created .venv, ./runnerly runs the runnerly command without uv.

UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: up test test-fast test-web test-python web web-deps lint lint-web format bench tools clean

# The web app (web/, served by the dashboard) is built with Node 20+, the one other
# prerequisite. Make's own file dates decide what is stale: `npm ci` runs when the
# lock file is newer than the last install's stamp, the build when any source of the
# app, or the dashboard's OpenAPI document its API client is generated from, is newer
# than the built index.html (Vite empties web/dist first: a failed build leaves none).
WEB_STAMP := web/node_modules/.runnerly-npm-ci
WEB_BUILT := web/dist/index.html
WEB_SOURCES = $(shell find web -path web/node_modules -prune -o -path web/dist -prune \
	-o -name schema.gen.ts -prune -o -name '*.tsbuildinfo' -prune -o -type f -print 2>/dev/null)
NODE_MISSING := $(shell node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
	>/dev/null 2>&1 || echo yes)
NO_NODE_MESSAGE := Node.js 20+ is not installed, so the web app is not built

up: $(UV)                      ## start the whole system on this machine (Ctrl-C stops it)
	$(UV) sync --quiet --compile-bytecode   # services start from bytecode, even where PYTHONDONTWRITEBYTECODE is set
ifeq ($(NODE_MISSING),yes)
	@echo "runnerly: $(NO_NODE_MESSAGE): the services start, and the dashboard says how to build it"
else
	@$(MAKE) --no-print-directory web
endif
	exec ./runnerly up             # exec: no uv or shell process stays beside the launcher

web: $(WEB_BUILT)              ## build the web app when its sources changed

web-deps: $(WEB_STAMP)         ## npm ci in web/ when its lock file changed

# Every recipe that needs Node starts with this check: one clear line instead of "npm: not found".
REQUIRE_NODE = $(if $(NODE_MISSING),$(error $(NO_NODE_MESSAGE) (the README's prerequisites)))

$(WEB_STAMP): web/package-lock.json
	$(REQUIRE_NODE)
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	mkdir -p $(@D) && touch $@

$(WEB_BUILT): $(WEB_STAMP) $(WEB_SOURCES) services/dashboard/openapi.json
	$(REQUIRE_NODE)
	cd web && npm run build

# In parallel: each worker has its own NATS server, ports and databases (the
# kit's pytest plugin), so workers never share state. Two workers per core:
# much of a test's time is spent waiting on its servers, not computing.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 )))

# The browser journeys run against web/dist: `test` builds it first when it is stale.
test: web test-web test-python ## run the whole test suite: the web app's, then Python's

test-fast: test-web $(UV)      ## the web app's unit tests, and Python's without the slow end-to-end ones
	$(UV) run pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

test-web: $(WEB_STAMP)         ## the web app's unit tests (Vitest)
	$(REQUIRE_NODE)
	cd web && npm test

test-python: $(UV)             ## the Python suite alone (CI builds and tests the web app first)
	$(UV) run pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(UV) lint-web           ## formatting, lint, types and import contracts; the web app's lint
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run mypy
	$(UV) run lint-imports

lint-web: $(WEB_STAMP)         ## the web app's ESLint and Prettier check
	$(REQUIRE_NODE)
	cd web && npm run lint

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
