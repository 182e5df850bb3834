# Stepwise: `make run` to try it, `make test` to check it. Everything lives in .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install run serve worker test lint check-migrations browsers lock clean bench

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

# Serve the course locally on SQLite with DEBUG on, a background-task worker beside it.
# content/ is imported only into an empty database: after that the database is authoritative
# (docs/content-format.md, "Where content lives").
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_content content/ --if-empty
	$(BIN)/python manage.py render_markdown
	$(BIN)/python manage.py create_demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server and the worker)"
	$(BIN)/python manage.py task_worker --no-reload & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style serving: gunicorn + whitenoise (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL).
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py render_markdown
	$(BIN)/gunicorn config.wsgi --workers 2 --bind 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/mypy .

check-migrations: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite: lint, migrations check, unit + view + browser tests (on both cores).
test: install lint check-migrations
	DEBUG=true CONN_MAX_AGE=0 $(BIN)/python -m pytest -n 2 --dist loadfile

# Regenerate requirements.lock after changing pyproject.toml (needs `pip install uv`).
lock:
	uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --generate-hashes

bench: install
	DEBUG=false SECRET_KEY=bench $(BIN)/python bench/course_bench.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
