# The README's two commands: `make demo` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements-dev.lock | sha256sum | cut -c1-12)

.PHONY: demo test lint typecheck pytest system venv down bench clean deploy-check

demo: venv system
	$(BIN)/strangler up --seed

test: venv system lint typecheck pytest

venv: $(STAMP)

# the locked versions CI tested and the images install (requirements.lock); `make lock` refreshes both
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	rm -f $(VENV)/.installed-*
	touch $@

# System packages (apt-get when root, else the exact command to run) and the Kafka jars (Maven).
system: venv
	$(BIN)/python -m cli.stack.prerequisites

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/pytest

down: venv
	$(BIN)/strangler down

bench: venv system
	$(BIN)/python -m bench

# deploy/kubernetes: every overlay rendered (kubectl kustomize) and validated against three Kubernetes versions' schemas
deploy-check: venv
	$(BIN)/python -m cli.deploy_check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Container images (deploy/containers/README.md): Podman set up by the project's own files (Debian's
# packages, containers.conf, a debootstrapped base image), then every image deploy/kubernetes expects.
.PHONY: images lock
images: export CONTAINERS_CONF = $(CURDIR)/deploy/containers/containers.conf
images: venv
	PYTHON=$(BIN)/python deploy/containers/build-images.sh

# requirements.lock (what the images install) and requirements-dev.lock, from clean virtualenvs
lock:
	PYTHON=$(PYTHON) deploy/containers/lock-requirements.sh
