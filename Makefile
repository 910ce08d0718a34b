# PropOps: `make run` runs the whole system, `make test` passes the tests.
# Needs only Python 3.11+ and make: the first call creates .tools/ (uv) and .venv/ (the workspace).

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test test-pg lint fmt bench sync clean messages

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml gateway/pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

# Also the font the fees service embeds in its PDFs (Noto Sans TC, a pinned npm tarball checked
# against its sha512, into .tools/fonts/; see services/fees/fetch_font.py): nothing to do once it
# is there. Offline it warns and the PDFs fall back to a font that is not embedded.
sync: $(VENV)/.synced
	@$(PYTHON) services/fees/fetch_font.py

run: sync
	$(VENV)/bin/propops up

# The suite runs in parallel processes (pytest-xdist), a test file per process at a time: most of
# a test's time is waiting for servers it started, so 3 processes fit 2 cores.
PYTEST_WORKERS ?= 3
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

test: sync
	bash .ci/install-browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

# The suite again with every service on PostgreSQL and against the NATS server on the machine,
# less the browser stories and the whole-system flows (separate processes, the same code paths
# as `make test` runs on SQLite), but with the system tests marked `also_on_postgres` (replicas
# on one database, concurrent writers, the fuzz test). The gateway's own tests run there only for
# its inputs (what PostgreSQL refuses). CI (`.ci/run`) runs both, under 30 minutes.
test-pg: sync
	PROPOPS_TEST_DATABASE_URL=$${PROPOPS_TEST_DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/postgres} \
	PROPOPS_TEST_NATS_URL=$${PROPOPS_TEST_NATS_URL:-nats://127.0.0.1:4222} \
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not browser and (not system or also_on_postgres)" \
		shared/tests services tests gateway/tests/test_gateway_inputs.py

lint: sync
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: sync
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: sync
	$(VENV)/bin/python bench/dispatch_latency.py

# The portal's words: extract every _() / N_() and update the Chinese catalog (then translate).
PORTAL := gateway/gateway/portal
messages: sync
	$(VENV)/bin/pybabel extract -F $(PORTAL)/babel.cfg -k N_ --no-location --sort-output -o $(PORTAL)/locale/messages.pot $(PORTAL) gateway/gateway/notifications
	$(VENV)/bin/pybabel update -i $(PORTAL)/locale/messages.pot -d $(PORTAL)/locale -l zh_Hant --no-wrap --ignore-obsolete

clean:
	rm -rf .tools $(VENV) var
