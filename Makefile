# The whole set-up on a fresh Debian machine: `make run` and `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release/opsshell
DEBUG_BIN := .build/debug/opsshell

.PHONY: run test unit-test build release bench clean

## Start the shell (installs libedit-dev when missing, builds in release mode).
run: release
	@exec $(RELEASE_BIN)

release:
	@scripts/install-deps.sh run
	$(SWIFT) build -c release --product opsshell

build:
	@scripts/install-deps.sh run
	$(SWIFT) build

## Run every test: Swift Testing suites, then the rehearsal against the lab.
test: unit-test lab-test

unit-test:
	@scripts/install-deps.sh test
	Tests/Standins/consul/selfcheck.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test

## Measure startup, completion and fan-out; prints one table.
bench: release
	@scripts/install-deps.sh bench
	@python3 scripts/bench.py $(RELEASE_BIN)

clean:
	rm -rf .build

# The rehearsal lab (make lab-up, lab-down, lab-test) lives in its own folder.
include lab/lab.mk
