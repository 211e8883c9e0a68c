# The rehearsal lab (lab/README.md). Included by the top-level Makefile;
# also usable alone: make -f lab/lab.mk lab-up
LAB_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# The shell binary lab-test drives; the top-level Makefile may set another.
OPSSHELL ?= $(abspath .build/debug/opsshell)

.PHONY: lab-up lab-down lab-status lab-test lab-ansible-test lab-long-test lab-clean

# Install what is missing and bring the lab up (idempotent). The last two
# lines printed are `inventory: PATH` and `ssh_config: PATH`. LAB_LONG=1 (on
# a fresh lab/run) is the long-haul mode: throttled restores, pgbench on
# production, pg_wal on a small filesystem per node (lab/README.md).
lab-up:
	LAB_LONG="$(LAB_LONG)" $(LAB_DIR)/up.sh

# Stop everything lab-up started (by PID); data in lab/run is kept.
lab-down:
	$(LAB_DIR)/down.sh

# What is running; exit status 3 when some of it is not.
lab-status:
	$(LAB_DIR)/status.sh

# The restore rehearsal through opsshell: lab up, seed runbook steps 1-9,
# checks, lab down (always). Needs OPSSHELL = the opsshell binary.
lab-test:
	swift build --build-tests
	OPSSHELL="$(OPSSHELL)" $(LAB_DIR)/../Tests/lab/rehearse.sh

# The same rehearsal exported to Ansible (opsshell export ansible) and run by
# ansible-playbook against a fresh lab, with lab-test's checks; lab down (always).
lab-ansible-test:
	OPSSHELL="$(OPSSHELL)" $(LAB_DIR)/../Tests/lab/ansible.sh

# The step-9 disk danger in long-haul mode, and step 11 removing it: a fresh
# LAB_LONG=1 lab, the LongHaulLabTests suite (about ten minutes), lab down.
lab-long-test:
	swift build --build-tests
	$(LAB_DIR)/../Tests/lab/long-haul.sh

# lab-down, then remove the lab's data (lab/run); keeps lab/.venv and lab/cache.
lab-clean: lab-down
	rm -rf $(LAB_DIR)/run
