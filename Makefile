# WSP CRM: `make run` for a first look (SQLite, no broker server), `make test` for the suite
# on PostgreSQL and Redis. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

# The suite runs on real servers; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wsp_crm
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: install run test lint bench messages clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	@mkdir -p var/mail var/broker/processed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "WSP CRM is starting at http://127.0.0.1:$${WEB_PORT:-8000}/  (Ctrl-C stops web, worker and beat)"
	@echo "Mail that the demo sends is written to var/mail/."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: $(STAMP)
	@.ci/ensure-services
	DEBUG=0 SECRET_KEY=test-only-$$RANDOM-not-secret-but-long-enough-for-django-checks \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	@.ci/ensure-services
	@mkdir -p var/bench
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wsp_crm_bench} \
	REDIS_URL=$(TEST_REDIS_URL) DEBUG=0 SECRET_KEY=bench-only-not-secret-but-long-enough SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && $(BIN)/python tests/bench/run_all.py'

messages: $(STAMP)
	.ci/makemessages

clean:
	rm -rf var/broker var/mail var/celerybeat-schedule*
