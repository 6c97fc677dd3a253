# The two commands a fresh clone needs: `make demo` and `make test`. Both set up .venv first.
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed
BIN := $(VENV)/bin
EMULATOR_PORT ?= 5000
ENVS := dev staging prod
INVENTORIES := $(foreach env,$(ENVS),-i inventories/$(env))

.PHONY: venv demo stop test lint unit clean

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

# Deploys dev, staging and prod to a local emulator, with dummy credentials only.
demo: venv
	@source scripts/emulator-env.sh start $(EMULATOR_PORT) && \
	  $(BIN)/ansible-playbook site.yml $(INVENTORIES) && \
	  echo && echo "Deployed to the emulator at $$AWS_ENDPOINT_URL. Outputs: reports/outputs-{dev,staging,prod}.json" && \
	  echo "Inspect: AWS_ENDPOINT_URL=$$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\" && \
	  echo "  $(BIN)/python -c \"import boto3; print(boto3.client('ec2', region_name='eu-west-1').describe_vpcs()['Vpcs'])\"" && \
	  echo "The emulator keeps running in the background; 'make stop' stops it."

stop:
	@source scripts/emulator-env.sh stop

unit: venv
	$(BIN)/pytest tests/unit --cov --cov-report=term-missing

lint: venv
	$(BIN)/ansible-lint --profile production

# Everything: lint, the plugins' unit tests at 100% line and branch coverage, then the integration
# suite, which starts and stops its own emulator on a free loopback port.
test: lint unit
	$(BIN)/pytest tests/integration

clean: stop
	rm -rf $(VENV) .collections reports .emulator
