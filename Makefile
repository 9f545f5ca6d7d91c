# Interview Coach. Quick start: `make run` serves the app; `make test` runs every test.
# `make run PORT=8080 REALTIME_PORT=8081` picks the ports (default 3000 and 3001).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Debian packages the tests need; each installs a command of the same name
# (haproxy: the load balancer of the multi-node test).
SYSTEM_PACKAGES := chromium espeak-ng sox haproxy
PORT ?=
REALTIME_PORT ?=
SERVE_PORTS := $(if $(PORT),--web-port $(PORT)) $(if $(REALTIME_PORT),--realtime-port $(REALTIME_PORT))

.PHONY: run test lint fmt typecheck proto system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changes.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/interview-coach serve $(SERVE_PORTS)

# Debian's Chromium for Playwright, espeak-ng and sox for speech fixtures: installed with
# apt-get when missing and running as root, otherwise listed.
system-deps:
	@missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
	  command -v "$$package" >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (install them with apt-get as root)"; \
	  fi; \
	fi

# Chromium tests in one pytest process, everything else beside it in TEST_WORKERS more
# (pytest-xdist, one file per worker at a time). Chromium needs a process of its own: its sync
# API breaks asyncio tests that run after it in the same process. Most of the suite waits on
# real time (spoken sessions, timers), so three processes share two cores well. The browser
# half's output follows; the exit status is the worse of the two (5, "no tests collected",
# only when neither half collected any).
TEST_WORKERS ?= 2
test: $(STAMP) system-deps
	@$(BIN)/pytest -m browser -p no:cacheprovider $(PYTEST_ARGS) >$(VENV)/browser-tests.log 2>&1 & \
	browser=$$!; \
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rest=$$?; \
	wait $$browser; in_browser=$$?; \
	echo "================ browser tests (pytest -m browser) ================"; \
	cat $(VENV)/browser-tests.log; \
	if [ $$rest -eq 5 ] && [ $$in_browser -eq 5 ]; then exit 5; fi; \
	[ $$rest -eq 5 ] && rest=0; [ $$in_browser -eq 5 ] && in_browser=0; \
	[ $$rest -ge $$in_browser ] && exit $$rest; exit $$in_browser

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

proto: $(STAMP)
	$(BIN)/python src/interview_coach/proto/generate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
