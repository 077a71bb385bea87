# Student MIMS. Two commands: `make run` (portal with demo data) and `make test`.
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := mims_portal.settings

.PHONY: run test test-postgres bench lint setup fonts browser messages clean

$(BIN)/python:
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv $(VENV)

# Install exactly what CI tested: the lock file pins every package.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

# Cards and slips embed Debian's Noto fonts (batches/fonts.py); `make run` prints them too.
setup: $(VENV)/.installed fonts

fonts:
	scripts/install-fonts

browser:
	scripts/install-chromium

## Serve the portal with demo data at http://127.0.0.1:8000 (SQLite, no other server).
run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver_with_worker 127.0.0.1:8000

## Run the whole test suite (browser tests included) and the linter.
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

## The same suite against PostgreSQL and Redis (both running locally in CI).
test-postgres: setup browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mims} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/python -m pytest -q

## Run every benchmark (PostgreSQL and Redis, ~30 min) and rewrite the numbers in docs/benchmarks.md.
bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.lock
	$(BIN)/python bench/run_all.py $(BENCH)

lint: setup
	$(BIN)/ruff check .

# Translators' loop (needs GNU gettext). The compiled .mo files are committed, so
# running the portal needs no gettext; tests/i18n checks they are current.
messages: setup
	$(BIN)/python manage.py makemessages -l zh_Hans -l ms -l ta --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
