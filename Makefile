# loadbearing.ecs: `make demo` runs the whole lifecycle on this machine, `make test` the test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What the local platform and the tests run (Debian 12); sudo, curl and python3-boto3 are what
# the AWS tests' stand-in for a remote host uses (a build host installs them itself), and
# docker-registry the registry of the sidecar test, which pushes as the AWS build host does (the
# local platform runs its registry in a container, from the same package).
DEBIAN_PACKAGES := podman runc packer haproxy apache2-utils mmdebstrap \
	busybox-static iproute2 procps ca-certificates git \
	sudo curl python3-boto3 docker-registry
# Keep Ansible's own files inside the checkout, not in ~/.ansible.
export ANSIBLE_HOME := $(CURDIR)/.ansible
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_FORCE_COLOR ?= 0

.PHONY: status demo test deps debian-packages venv test-venv unit lint sanity integration aws molecule terminate collection clean bench

demo: deps ## Whole lifecycle on this machine: init, artifacts, build, throughput
	$(BIN)/ansible-playbook playbooks/site.yml

# The local service controller's view of a cluster: copies, target against measured, decisions.
CLUSTER ?= demo
status: ## Copies of each service, its target and measured load, and the last decisions (local)
	@python3 /var/lib/loadbearing-ecs/$(CLUSTER)/controller/service_controller.py status \
	  --dir /var/lib/loadbearing-ecs/$(CLUSTER)/controller

terminate: deps ## Remove everything the demo made
	$(BIN)/ansible-playbook playbooks/terminate.yml

test: deps test-venv unit lint sanity integration aws molecule ## Every test

deps: debian-packages venv

debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "Missing Debian packages:" $$missing "- run as root (sudo make ...) to install them." >&2; exit 1; fi; \
	  echo "Installing Debian packages:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/ansible-galaxy collection install --offline -r requirements.yml >/dev/null
	touch $@

test-venv: $(BIN)/.test-installed

$(BIN)/.test-installed: $(BIN)/.installed requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

unit: test-venv ## Unit tests of module_utils, filters and modules
	$(BIN)/pytest -q tests/unit

lint: test-venv ## ansible-lint, production profile
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/ansible-lint --profile production

sanity: test-venv ## ansible-test sanity on a copy laid out as ansible_collections/loadbearing/ecs
	tests/sanity/run $(CURDIR)/$(BIN)

integration: test-venv ## The whole local lifecycle, with its own cluster name and ports
	$(BIN)/pytest -v --durations=15 tests/integration

aws: test-venv ## The AWS platform's init, artifacts, build and terminate against moto's server
	$(BIN)/pytest -v --durations=15 tests/aws

molecule: test-venv ## One molecule scenario per local role, with its idempotence step
	tests/molecule/run $(CURDIR)/$(BIN)

bench: deps ## Sweep frontend copies x concurrency, with and without faults; writes docs/benchmarks.md
	$(BIN)/python tools/bench.py

collection: venv ## Build the collection artifact
	$(BIN)/ansible-galaxy collection build --force --output-path dist .

clean:
	rm -rf $(VENV) .ansible dist .pytest_cache
