# The two commands a fresh clone needs: `make demo` and `make test`. Both set up .venv first.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed
BIN := $(VENV)/bin
EMULATOR_PORT ?= 5000
# Rehearsal mode for the emulator `make demo` starts: `make demo REHEARSAL=2` gives AWS's waits and refusals
# (creating/deleting states, lingering network interfaces) at 2 seconds per AWS minute. Empty: off.
REHEARSAL ?=
export REHEARSAL
ENVS := dev staging prod
# Read from where they are set: the shared repository and its home (dev's) region, for the demo's placeholder image.
REPOSITORY = $(shell sed -n 's/^payment_ecr_repository: *//p' playbooks/group_vars/all.yml)
HOME_REGION = $(shell sed -n 's/^payment_aws_region: *//p' inventories/dev/group_vars/dev.yml)
INVENTORIES := $(foreach env,$(ENVS),-i inventories/$(env))
# Opt-in accelerator for every playbook run make starts (demo, test): `make demo ACCELERATOR=mitogen` uses
# Mitogen's mitogen_linear strategy (a persistent interpreter, no new Python per task). Off by default: ansible-core
# deprecates third-party strategies. Expanded at run time, so it also works right after `make venv`.
ACCELERATOR ?=
ifeq ($(ACCELERATOR),mitogen)
export ANSIBLE_STRATEGY_PLUGINS = $(shell ls -d $(CURDIR)/$(VENV)/lib/python3*/site-packages/ansible_mitogen/plugins/strategy 2>/dev/null)
export ANSIBLE_STRATEGY = mitogen_linear
else ifneq ($(ACCELERATOR),)
$(error ACCELERATOR=$(ACCELERATOR) is not known; the only accelerator is ACCELERATOR=mitogen)
endif

.PHONY: venv demo emulator emulator-reset stop test lint unit integration molecule sanity importer molecule-and-publishing bench clean

venv: $(STAMP) .collections/ansible_collections/payments/platform

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Lets ansible resolve payments.platform.* from this checkout (see ansible.cfg).
.collections/ansible_collections/payments/platform:
	mkdir -p $(@D)
	ln -sfn ../../.. $@

# Deploys dev, staging and prod to a local emulator, with dummy credentials only, as on a new account: a
# self-signed certificate for staging and prod in the emulator's ACM (they serve only HTTPS), the shared registry,
# then a placeholder image pushed through the ECR API (no Docker), then the deploy and the cross-environment report.
# A running emulator on EMULATOR_PORT is reused (and said so).
demo: venv
	@source scripts/emulator-env.sh start $(EMULATOR_PORT) && \
	  $(BIN)/python scripts/demo_certificates.py && \
	  $(BIN)/ansible-playbook playbooks/registry.yml $(INVENTORIES) && \
	  $(BIN)/python scripts/placeholder_image.py --region $(HOME_REGION) --repository $(REPOSITORY) --tag latest && \
	  $(BIN)/ansible-playbook site.yml $(INVENTORIES) && \
	  $(BIN)/ansible-playbook playbooks/compare.yml $(INVENTORIES) && \
	  source scripts/emulator-env.sh next-steps "$$AWS_ENDPOINT_URL"

# The emulator alone, by port (EMULATOR_PORT, default 5000): start it (or reuse a running one), empty it, stop it.
# `make stop` stops every emulator make started; `make stop EMULATOR_PORT=N` only the one on N.
emulator: venv
	@source scripts/emulator-env.sh start $(EMULATOR_PORT) && source scripts/emulator-env.sh export-line "$$AWS_ENDPOINT_URL"

emulator-reset:
	@source scripts/emulator-env.sh reset $(EMULATOR_PORT)

stop:
	@source scripts/emulator-env.sh stop $(if $(filter command line environment,$(origin EMULATOR_PORT)),$(EMULATOR_PORT))

unit: venv
	$(BIN)/pytest tests/unit --cov --cov-report=term-missing

lint: venv
	$(BIN)/ansible-lint --profile production
	$(BIN)/python scripts/role_readmes.py --check

# Everything: lint, the plugins' unit tests at 100% line and branch coverage, then side by side (each
# on its own emulator, started on a free loopback port) the integration tests and, one after another, every
# role's molecule scenario, ansible-test (sanity, units) and galaxy-importer; each side's output is shown
# when it ends, and any failure fails the run.
test: lint unit
	$(MAKE) --no-print-directory -j2 --output-sync=target integration molecule-and-publishing

# Molecule (~22 min) then the publishing checks (~7 min), in series: the other side, integration, is longer.
molecule-and-publishing:
	$(MAKE) --no-print-directory -j1 -k molecule sanity importer

# --durations: the 30 slowest tests and fixtures at the end, where the time of make test goes.
integration: venv
	$(BIN)/pytest --durations=30 tests/integration --ignore=tests/integration/test_molecule.py

molecule: venv
	$(BIN)/pytest -p no:cacheprovider tests/integration/test_molecule.py

# ansible-test sanity (every default test) and the unit tests under ansible-test, on a copy of the checkout
# at ansible_collections/payments/platform with amazon.aws and community.aws beside it (scripts/ansible-test.sh).
sanity: venv
	scripts/ansible-test.sh sanity --python 3.11 --color no
	scripts/ansible-test.sh units --python 3.11 --color no

# galaxy-importer (what Galaxy and Automation Hub run on upload) on the built tarball; its ansible-test step off.
importer: venv
	scripts/galaxy-importer.sh

# Not a test: wall time, changes and API calls of deploy, re-run and teardown (1 and 3 envs, default and Mitogen) -> reports/bench.json.
bench: venv
	$(BIN)/python tests/bench.py $(BENCH_ARGS)

clean: stop
	rm -rf $(VENV) .collections reports .emulator
