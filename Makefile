# Field Sampler: `make run` and `make test` each set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-slow test-fast test-bundle bench setup sysdeps lint-imports clean installer

setup: $(STAMP)

sysdeps:
	@bash scripts/sysdeps.sh

$(STAMP): pyproject.toml scripts/sysdeps.sh
	@bash scripts/sysdeps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[gui,server,dev]'
	@touch $(STAMP)

run: $(STAMP)
	@unset QT_QPA_PLATFORM; $(PY) -m app run-demo

lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

# The long randomized runs (500 fault schedules) are marked slow: `make test-slow`.
# Test files run in parallel, one worker per core up to 4 (pytest-xdist);
# `make test PARALLEL=` runs them in this one process.
PARALLEL ?= -n auto --maxprocesses 4 --dist loadfile
test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -m "not slow and not bundle" $(PARALLEL)

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not bundle" -x

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache artifacts

# The desktop app as one folder, dist/field-sampler/ (PyInstaller; installer/README.md).
BUNDLE_STAMP := $(VENV)/.bundle-installed

$(BUNDLE_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[gui,server,dev,bundle]'
	@touch $(BUNDLE_STAMP)

installer: $(BUNDLE_STAMP)
	@bash scripts/sysdeps.sh
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller installer/field-sampler.spec
	@echo "built dist/field-sampler/field-sampler ($$(du -sh dist/field-sampler | cut -f1))"

# Build the bundle, then run the BUILT executable (not the source): --version,
# documents with the bundled font, verify-seal, the GUI offscreen.
test-bundle: installer
	$(PY) -m pytest -q -m bundle tests/installer
