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

.PHONY: status demo test deps debian-packages venv test-venv unit lint sanity integration aws aws-platform aws-remote-hosts molecule terminate collection clean bench

demo: deps ## Whole lifecycle on this machine: init, artifacts, build, throughput
	$(BIN)/ansible-playbook playbooks/site.yml

# The local service controller's view of a cluster: copies, target against measured, decisions.
CLUSTER ?= demo
status: ## Copies of each service, its target and measured load, and the last decisions (local)
	@python3 /var/lib/loadbearing-ecs/$(CLUSTER)/controller/service_controller.py status \
	  --dir /var/lib/loadbearing-ecs/$(CLUSTER)/controller

terminate: deps ## Remove everything the demo made
	$(BIN)/ansible-playbook playbooks/terminate.yml

# Every test. The suites that measure load or time sessions run alone: the local lifecycle (its
# figures are throughput) and the remote hosts (their stand-ins' terminals fail under load). The
# rest mostly waits on AWS's modelled delays, so it shares the two cores: the AWS modules two at a
# time beside lint, sanity and molecule, each target's output printed whole when it ends.
test: deps test-venv ## Every test
	$(MAKE) --no-print-directory unit integration aws-remote-hosts
	$(MAKE) --no-print-directory -j2 --output-sync=target aws-platform lint sanity molecule

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

aws: aws-platform aws-remote-hosts ## The AWS platform's init, artifacts, build and terminate against moto's server

# Two test modules at a time, each on its own emulator: they wait on AWS's modelled delays more
# than they compute. The remote hosts' module runs alone after them: its stand-in instances'
# terminals have failed under the load of another module (an I/O error in a session's shell).
aws-platform: test-venv ## The AWS platform against moto's server, but the remote hosts
	$(BIN)/pytest -v --durations=15 -n 2 --dist loadfile --ignore=tests/aws/test_remote_hosts.py tests/aws

aws-remote-hosts: test-venv ## The build host and the load generator, through Session Manager to local stand-ins
	$(BIN)/pytest -v --durations=15 tests/aws/test_remote_hosts.py

molecule: test-venv ## One molecule scenario per local role, with its idempotence step
	tests/molecule/run $(CURDIR)/$(BIN)

bench: deps ## Sweep frontend copies x concurrency, with and without faults; writes docs/benchmarks.md
	$(BIN)/python tools/bench.py

collection: venv ## Build the collection artifact
	$(BIN)/ansible-galaxy collection build --force --output-path dist .

clean:
	rm -rf $(VENV) .ansible dist .pytest_cache
