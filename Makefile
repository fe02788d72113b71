# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= runform-output

.PHONY: demo test install install-dev chromium validate clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"

demo: install
	$(BIN)/runform demo --out $(OUT)

# The browser test (tests/test_browser.py) needs the system Chromium; install it when missing
# (Debian/Ubuntu, as root or with sudo). Playwright drives it: no browser download.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install-dev chromium
	$(BIN)/python -m pytest -q

# docs/screenshots/: Chromium screenshots of the pages and frames of annotated.mp4 (needs ../shared/data).
screenshots: install-dev chromium
	$(BIN)/python scripts/make_screenshots.py

validate: install-dev
	$(BIN)/python scripts/validate_mocap.py
	$(BIN)/python scripts/validate_video.py

clean:
	rm -rf $(VENV) $(OUT) build src/*.egg-info
