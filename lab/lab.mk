# The rehearsal lab (lab/README.md). Included by the top-level Makefile;
# also usable alone: make -f lab/lab.mk lab-up
LAB_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# The shell binary lab-test drives; the top-level Makefile may set another.
OPSSHELL ?= $(abspath .build/debug/opsshell)

.PHONY: lab-up lab-down lab-status lab-test lab-clean

# Install what is missing and bring the lab up (idempotent). The last two
# lines printed are `inventory: PATH` and `ssh_config: PATH`.
lab-up:
	$(LAB_DIR)/up.sh

# Stop everything lab-up started (by PID); data in lab/run is kept.
lab-down:
	$(LAB_DIR)/down.sh

# What is running; exit status 3 when some of it is not.
lab-status:
	$(LAB_DIR)/status.sh

# The restore rehearsal through opsshell: lab up, seed runbook steps 1-9,
# checks, lab down (always). Needs OPSSHELL = the opsshell binary.
lab-test:
	OPSSHELL="$(OPSSHELL)" $(LAB_DIR)/../Tests/lab/rehearse.sh

# lab-down, then remove the lab's data (lab/run); keeps lab/.venv and lab/cache.
lab-clean: lab-down
	rm -rf $(LAB_DIR)/run
