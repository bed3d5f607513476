# WSP CRM: `make run` for a first look (embedded PostgreSQL, no server to install), `make test`
# for the whole suite on PostgreSQL and Redis (bin/provision sets up what is missing). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The venv is rebuilt when a lock changes.
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

# The suite runs on real servers; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wsp_crm
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
TEST_ENV = DEBUG=0 SECRET_KEY=test-only-$$RANDOM-not-secret-but-long-enough-for-django-checks \
	REDIS_URL=$(TEST_REDIS_URL) SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: install lock run test test-fast lint typecheck bench bench-1m messages clean devdb-stop backup restore deploy-check

# Development install: runtime + dev tools, from the hashed lock. Production installs
# requirements.txt alone (`pip install --require-hashes -r requirements.txt`).
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Recompile both locks from pyproject.toml (after changing a dependency there).
# --no-strip-extras: the locks name the extras other packages ask for (weasyprint wants
# fonttools[woff]); without them the pip a Python ships (23.2 here) refuses the whole lock in
# hash mode as soon as a newer release of such a package exists ("must have their versions
# pinned with ==").
LOCK_FLAGS := --quiet --generate-hashes --no-strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(BIN)/pip-compile $(LOCK_FLAGS) -o requirements.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -o requirements-dev.txt pyproject.toml

run: $(STAMP)
	@bin/run

test: $(STAMP)
	@url=$$(REDIS_URL=$(TEST_REDIS_URL) bin/provision $(TEST_DATABASE_URL)) && \
	$(TEST_ENV) DATABASE_URL=$$url $(BIN)/pytest $(PYTEST_ARGS)

# Unit and API tests only: no browser, no real-worker or fault-injection tests.
test-fast: $(STAMP)
	@url=$$(REDIS_URL=$(TEST_REDIS_URL) bin/provision --no-browser $(TEST_DATABASE_URL)) && \
	$(TEST_ENV) DATABASE_URL=$$url $(BIN)/pytest --ignore=tests/e2e -m "not slow and not e2e" $(PYTEST_ARGS)

# mypy needs the settings to load; any well-formed values do, nothing is connected to.
MYPY = DEBUG=0 SECRET_KEY=typecheck-only-not-secret-but-long-enough-for-django DATABASE_URL=$(TEST_DATABASE_URL) \
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/mypy

# The checks CI runs before the suite: lint, formatting and types (0 mypy errors is the bar).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MYPY)

typecheck: $(STAMP)
	$(MYPY)

bench: $(STAMP)
	@mkdir -p var/bench
	@url=$$(REDIS_URL=$(TEST_REDIS_URL) bin/provision --no-browser $${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wsp_crm_bench}) && \
	DATABASE_URL=$$url REDIS_URL=$(TEST_REDIS_URL) $(if $(BENCH_SCALE),BENCH_SCALE=$(BENCH_SCALE)) DEBUG=0 SECRET_KEY=bench-only-not-secret-but-long-enough SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && $(BIN)/python tests/bench/run_all.py'

# The same benchmarks over 1,000,000 employers and 10,000,000 contacts, in their own database
# (seeding alone takes an hour or more on two cores; the data is reused by later runs).
bench-1m: $(STAMP)
	@$(MAKE) --no-print-directory bench BENCH_SCALE=1000000 \
		BENCH_DATABASE_URL=$${BENCH_1M_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wsp_crm_bench_1m}

messages: $(STAMP)
	.ci/makemessages

# Backups of the database the environment (or .env) names: `make backup` writes
# var/backups/<db>-<time>.dump (BACKUP_DIR, or FILE=path); `make restore FILE=path` puts one back
# into an empty or missing database (REPLACE=1 drops a database with tables first: stop web,
# worker and beat before). pg_dump/pg_restore of the server's version (PG_BIN_DIR to choose).
backup: $(STAMP)
	$(BIN)/python manage.py backup $(if $(FILE),--output "$(FILE)")

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<file>.dump [REPLACE=1]"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(filter 1,$(REPLACE)),--replace)

# What a release must pass before it ships, with production-like settings (DEBUG=0, HTTPS, a
# random key; DEPLOY_HOST and the test servers by default): Django's deployment checks (warnings
# fail), no model change without its migration, and collectstatic with the manifest storage
# into a temporary folder (a template naming a missing static file fails here, not in production).
DEPLOY_HOST ?= crm.example.nl
DEPLOY_ENV = DEBUG=0 ALLOWED_HOSTS=$(DEPLOY_HOST) SITE_URL=https://$(DEPLOY_HOST) SECURE_SSL_REDIRECT=1 \
	USE_X_FORWARDED_PROTO=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) LOG_LEVEL=WARNING
deploy-check: $(STAMP)
	@key=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') && static=$$(mktemp -d) && \
	trap 'rm -rf "$$static"' EXIT && run() { echo "deploy-check: manage.py $$*"; \
	env $(DEPLOY_ENV) SECRET_KEY=$$key STATIC_ROOT=$$static $(BIN)/python manage.py "$$@"; } && \
	run check --deploy --fail-level WARNING && run makemigrations --check --dry-run && \
	run collectstatic --noinput -v0 && test -s "$$static/staticfiles.json" && echo "deploy-check: all passed"

# Stop the embedded PostgreSQL if a `make run` was killed without its Ctrl-C clean-up.
devdb-stop:
	$(BIN)/python bin/devdb stop

clean:
	rm -rf var/broker var/mail var/celerybeat-schedule*
