# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test browser office clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt

# Debian's Chromium drives the browser tests; no browser is downloaded.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's chromium: apt-get install chromium" >&2; exit 1; fi; }

# Optional: LibreOffice recalculates and prints the giao ban workbook in
# tests/test_libreoffice.py and prints the meeting's Word documents in
# tests/test_documents.py (Writer; Liberation 2 has the Vietnamese glyphs that
# stand in for Times New Roman); poppler-utils reads the PDFs (skipped without
# them). CI installs them.
OFFICE_PACKAGES = libreoffice-calc-nogui libreoffice-writer-nogui fonts-liberation2 poppler-utils
office:
	@{ command -v soffice && command -v pdftotext && test -e /usr/lib/libreoffice/share/registry/writer.xcd \
	   && test -d /usr/share/fonts/truetype/liberation2; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES); \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES); \
	  else echo "The LibreOffice checks need $(OFFICE_PACKAGES)" >&2; exit 1; fi; }

run: install
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed-demo --if-empty
	@echo "Cổng giao ban chạy tại http://$(HOST):$(PORT)/login"
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# Two pytest-xdist workers, one per core of CI's machine; each has its own databases.
# loadgroup keeps each module that starts a server (gunicorn, Chromium) on one worker.
# One module on its own: make test PYTEST_ARGS="-p no:xdist tests/test_members.py"
PYTEST_ARGS ?= -n 2 --dist loadgroup

test: install-test browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
