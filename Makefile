# The whole set-up on a fresh Debian machine: `make run` and `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release/opsshell
DEBUG_BIN := .build/debug/opsshell
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run test unit-test install-test build release install deb bench clean

## Start the shell (installs libedit-dev when missing, builds in release mode).
run: release
	@exec $(RELEASE_BIN)

## The release binary with Swift's standard library (and Foundation) linked
## in, so it runs on a Debian machine without a toolchain.
release:
	@scripts/install-deps.sh run
	$(SWIFT) build -c release --product opsshell --static-swift-stdlib

## Install the binary, bash/zsh/fish completion and the man page under PREFIX.
install: release
	scripts/install.sh $(RELEASE_BIN) "$(DESTDIR)$(PREFIX)"

## A Debian package of the same, in .build/deb/.
deb: release
	rm -rf .build/deb/root
	scripts/install.sh $(RELEASE_BIN) .build/deb/root/usr
	scripts/make-deb.sh .build/deb/root .build/deb

build:
	@scripts/install-deps.sh run
	$(SWIFT) build

## Run every test: Swift Testing suites, the installed binary and package,
## the rehearsal against the lab (through the shell, then exported to
## Ansible) and the lab's long-haul mode, in lanes that overlap
## (scripts/test.sh; each lane is also a target of its own below).
test:
	SWIFT="$(SWIFT)" scripts/test.sh

unit-test:
	@scripts/install-deps.sh test
	Tests/Standins/consul/selfcheck.sh
	$(SWIFT) build --build-tests
	Tests/lab/swift-test.sh

## make install and make deb, checked: no toolchain needed, dpkg -i and -r.
install-test:
	@scripts/install-deps.sh install
	scripts/install-test.sh

## Measure startup, completion and fan-out; prints one table.
bench: release
	@scripts/install-deps.sh bench
	@python3 scripts/bench.py $(RELEASE_BIN)

clean:
	rm -rf .build

# The rehearsal lab (make lab-up, lab-down, lab-test) lives in its own folder.
include lab/lab.mk
