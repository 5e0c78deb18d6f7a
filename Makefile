# xen-suspend: suspend-to-RAM for Xen on arm64, in Rust.
#
#   make demo   build patched Xen 4.20 with the Rust layer, boot it on QEMU
#   make test   the whole test suite (what CI runs)
#
# Both install what they need first (ci/setup.sh). Everything built or
# downloaded goes under build/ (ignored by git).

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build
XEN_TREE := $(BUILD)/xen/xen
XEN_MAKE := $(MAKE) -C $(XEN_TREE) XEN_TARGET_ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- XSR_SRC=$(TOP)
RUST_TARGET := aarch64-unknown-none-softfloat
# The environment Xen's make gives cargo, for cargo commands run from here.
XEN_CARGO_ENV := XSR_XEN_CFLAGS_FILE=$(XEN_TREE)/arch/arm/rust/bindgen-cflags \
	XSR_XEN_OBJTREE=$(XEN_TREE)
MACHINES ?= virt-gicv3 virt-gicv2 zcu102
# `make e2e`: the guest scenarios on every machine.
SCENARIOS ?= guest-suspend-baremetal guest-refusals guest-irqs guest-wake guest-suspend-linux gic-selftest host-dry-run
# `make test` runs each scenario once per machine, and only where the
# machine can change the outcome (README: "make test runs"): what the GIC
# decides (MACHINE_SCENARIOS) on virt-gicv3 with the test aids (on
# virt-gicv2 the interrupts with the test aids, the self-test and the dry
# run in the debug batch: the same code with Xen's assertions on), the
# Cadence UART's dry run on zcu102; the guest suspend, wake and Linux domU
# on virt-gicv3 in the production batch (zcu102: the guest suspend and the
# Linux domU), wake and Linux domU on virt-gicv2 with the test aids (its
# guest suspend runs in the debug batch); the refusals (machine-independent)
# on virt-gicv3 in the production batch.
MACHINE_SCENARIOS ?= guest-irqs gic-selftest host-dry-run
GUEST_SCENARIOS ?= guest-suspend-baremetal guest-wake guest-suspend-linux
# What does not depend on the machine: once, on virt-gicv3 (host-refusal
# also under the test firmware, FW_SCENARIOS).
ONCE_SCENARIOS ?= boot guest-watchdog guest-reset-broken host-refusal guest-fuzz
TESTGUEST := rust/testguest
TESTGUEST32 := rust/testguest32
TESTGUEST_TARGET := $(BUILD)/testguest/target
RUST_TARGET32 := armv7a-none-eabi
FIRMWARE := rust/firmware
FIRMWARE_TARGET := $(BUILD)/firmware/target
# The real host suspend, under the project's EL3 test firmware.
FW_SCENARIOS ?= host-suspend-firmware host-suspend-nogic host-freeze host-wake-guest host-wake-window host-refusal
# `make test` runs all of them on virt-gicv3-fw, and on virt-gicv2-fw what
# the GIC decides (its save and restore, a guest's interrupt waking the
# host): freezing domains and the refusal policy are the same code there.
FW_GIC_SCENARIOS ?= host-suspend-firmware host-suspend-nogic host-wake-guest host-wake-window
# The debug hypervisor (CONFIG_DEBUG=y): these on GICv2 (the AArch32 guest
# with Xen's free pages counted over 8 32-bit domains); on GICv3 with 1 and
# with 4 CPUs the guest suspend (Xen's free pages counted over 6 domains)
# and 3 real host cycles with the firmware's scrambled power loss (the 50
# cycles of the soak run with 4 CPUs too). (host-freeze's
# clock tolerance does not hold there: with 4 emulated CPUs on 2 cores the
# busy domU's own sampling loop stalls over 2 s without any suspend.)
DEBUG_SCENARIOS ?= guest-suspend-baremetal guest-suspend-aarch32 gic-selftest host-dry-run
# Where the scenario does not depend on dom0's vCPUs, a machine with 4 CPUs
# gives dom0 2 of them (+dom0v2, dom0_max_vcpus=2; Xen keeps all 4 and
# runs the domUs on them): a dom0 with 4 vCPUs on 4 emulated
# CPUs runs 2 to 3 times slower under TCG on 2 host cores (zcu102's Linux
# domU scenario 121 s -> 38 s). dom0 keeps its 4 vCPUs in zcu102's dry run
# and the 4-CPU debug host cycles.
# The production hypervisor (no test aids, `make xen-prod`): what a user runs.
PROD_SCENARIOS ?= $(GUEST_SCENARIOS) guest-suspend-aarch32

.PHONY: all demo test bench size setup xen-src xen xen-debug xen-prod xen-plain xen-prod-gicv2 xen-prod-gicv3 dom0 firmware e2e fmt-check clippy host-test negative \
	header header-check lib-check fetch-check patch-check shell-check patch-tree patches clean distclean

all: xen dom0

setup:
	@bash ci/setup.sh

xen-src: setup
	@bash ci/fetch-xen.sh

# The hypervisor the suite boots: defconfig (with XSR_SRC given, so
# CONFIG_RUST_SUSPEND defaults to y) plus CONFIG_XSR_TEST_AIDS=y (the GIC
# self-test and the test-only options some scenarios use). ci/build-xen.sh
# stops when the configuration lacks what is asked, so that one
# configuration cannot pass for another.
xen: xen-src
	@printf '\n==> xen: configure and build (arm64, with the Rust layer and its test aids)\n'
	@bash ci/build-xen.sh xen $(BUILD)/xen --set CONFIG_XSR_TEST_AIDS=y --want CONFIG_RUST_SUSPEND=y

# The production hypervisor: defconfig with the layer and nothing else (no
# test aids), in its own tree: build/xen-prod/xen, for `make demo` and the
# +prod machine variants.
XEN_PROD_TREE := $(BUILD)/xen-prod/xen
xen-prod: xen-src
	@printf '\n==> xen-prod: configure and build the production hypervisor (defconfig, no test aids)\n'
	@bash ci/build-xen.sh xen-prod $(BUILD)/xen-prod --want CONFIG_RUST_SUSPEND=y --unwanted '^CONFIG_XSR_TEST_AIDS=y'

# Production hypervisors for one GIC, as a board configures them (a GIC-400
# on ZynqMP or R-Car Gen3: CONFIG_GICV3 off; a GICv3 board: CONFIG_GICV2
# off): the layer then carries only that GIC's suspend. For lib-check and
# the +gicv2only/+gicv3only machine variants.
xen-prod-gicv2: xen-src
	@printf '\n==> xen-prod-gicv2: the production hypervisor with the GICv2 driver only\n'
	@bash ci/build-xen.sh xen-prod-gicv2 $(BUILD)/xen-prod-gicv2 --set '# CONFIG_GICV3 is not set' \
		--want CONFIG_GICV2=y --want CONFIG_RUST_SUSPEND=y --unwanted '^CONFIG_XSR_TEST_AIDS=y'

xen-prod-gicv3: xen-src
	@printf '\n==> xen-prod-gicv3: the production hypervisor with the GICv3 driver only\n'
	@bash ci/build-xen.sh xen-prod-gicv3 $(BUILD)/xen-prod-gicv3 --set '# CONFIG_GICV2 is not set' \
		--want CONFIG_GICV3=y --want CONFIG_RUST_SUSPEND=y --unwanted '^CONFIG_XSR_TEST_AIDS=y'

# The patched tree configured by a plain `make defconfig`, without XSR_SRC:
# CONFIG_RUST_SUSPEND defaults to n and the series must build as plain Xen.
xen-plain: xen-src
	@printf '\n==> xen-plain: the patched tree without XSR_SRC builds as plain Xen\n'
	@bash ci/build-xen.sh xen-plain $(BUILD)/xen-plain --no-layer --want '# CONFIG_RUST_SUSPEND is not set'

# The same hypervisor built with CONFIG_DEBUG=y (assertions, lock checks) in
# its own tree, with the test aids: build/xen-debug/xen, for the +debug
# machine variants.
xen-debug: xen-src
	@printf '\n==> xen-debug: configure and build with CONFIG_DEBUG=y\n'
	@bash ci/build-xen.sh xen-debug $(BUILD)/xen-debug --set CONFIG_DEBUG=y --set CONFIG_XSR_TEST_AIDS=y \
		--want CONFIG_DEBUG_LOCKS=y --want CONFIG_RUST_SUSPEND=y

dom0: xen-src
	@bash ci/dom0.sh

# The EL3 test firmware for QEMU virt (secure=on): build/firmware/fw.bin.
firmware: setup
	@bash ci/firmware.sh

demo: xen-prod dom0
	@XEN_IMAGE=$(XEN_PROD_TREE)/xen bash ci/demo.sh

# The cost of the layer: stock against patched Xen, suspend/resume phases.
bench: xen xen-prod dom0 firmware
	@bash ci/bench.sh

# What the layer adds to the image against stock Xen 4.20, and where.
size: xen xen-prod xen-plain xen-prod-gicv2 xen-prod-gicv3
	@bash ci/build-stock.sh
	@printf '\n==> image size against stock Xen 4.20 (xen-syms, bytes)\n'
	@bash ci/image-size.sh "stock:$(BUILD)/xen-stock/xen" "production (make xen-prod):$(XEN_PROD_TREE)" \
		"with test aids (make xen):$(XEN_TREE)"
	@for g in gicv2 gicv3; do \
		bash ci/build-stock.sh $$g && \
		printf '\n==> with the %s driver only, against stock Xen 4.20 configured the same\n' $$g && \
		bash ci/image-size.sh "stock, $$g only:$(BUILD)/xen-stock-$$g/xen" \
			"production (make xen-prod-$$g):$(BUILD)/xen-prod-$$g/xen" || exit 1; \
	done
	@printf '\n==> the production layer by feature: its new functions and constants (against make xen-plain)\n'
	@python3 ci/size-features.py $(XEN_PROD_TREE) $(BUILD)/xen-plain/xen

e2e: xen dom0
	@bash ci/e2e.sh $(foreach m,$(MACHINES),-m $(m)) $(foreach s,$(SCENARIOS),-s $(s))

fmt-check:
	@printf '\n==> cargo fmt --check (the workspace: library, vocabulary, test guest, test firmware)\n'
	@cargo fmt --all -- --check

host-test:
	@printf '\n==> cargo test: the shared vocabulary (PSCI, GIC registers; host)\n'
	@cargo test --quiet -p xsr-arch 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0
	@printf '\n==> cargo test: the test guest'"'"'s parsers (host)\n'
	@cd $(TESTGUEST) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo test --quiet 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0
	@printf '\n==> cargo test: the AArch32 test guest'"'"'s plan and entry-state check (host)\n'
	@cd $(TESTGUEST32) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo test --quiet 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0
	@printf '\n==> cargo test: the test firmware'"'"'s PSCI and suspend logic (host)\n'
	@cd $(FIRMWARE) && CARGO_TARGET_DIR=$(FIRMWARE_TARGET) cargo test --quiet 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0
	@printf '\n==> cargo test: the library (host, no Xen tree)\n'
	@cargo test --quiet 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0

# Regenerate include/xen_suspend.h from rust/src/{abi,ffi}.rs.
header:
	@XSR_UPDATE_HEADER=1 cargo check --quiet

# build.rs fails any build whose checked-in header is stale.
header-check:
	@printf '\n==> header check (include/xen_suspend.h matches the Rust interface)\n'
	@cargo check --quiet && echo "    include/xen_suspend.h is up to date"

# clippy on the host build and on the target build (Xen's bindings), the
# latter with each set of features Xen's configuration can ask for: test
# aids or not, GICv2 and GICv3 drivers or one of them.
XSR_FEATURE_SETS := gicv2,gicv3 test-aids,gicv2,gicv3 gicv2 test-aids,gicv2 gicv3 test-aids,gicv3
clippy: xen
	@printf '\n==> cargo clippy -D warnings (host and %s)\n' $(RUST_TARGET)
	@cargo clippy --quiet --all-targets -- -D warnings
	@cargo clippy --quiet --all-targets -p xsr-arch -- -D warnings
	@for f in $(XSR_FEATURE_SETS); do \
		$(XEN_CARGO_ENV) cargo clippy --quiet --release --lib --target $(RUST_TARGET) --features "$$f" \
			--target-dir $(XEN_TREE)/arch/arm/rust/target -- -D warnings || exit 1; \
	done
	@cd $(TESTGUEST) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo clippy --quiet --all-targets -- -D warnings
	@cd $(TESTGUEST) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo clippy --quiet --release \
		--target $(RUST_TARGET) -- -D warnings
	@cd $(TESTGUEST32) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo clippy --quiet --all-targets -- -D warnings
	@cd $(TESTGUEST32) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo clippy --quiet --release \
		--target $(RUST_TARGET32) -- -D warnings
	@cd $(FIRMWARE) && CARGO_TARGET_DIR=$(FIRMWARE_TARGET) cargo clippy --quiet --all-targets -- -D warnings
	@cd $(FIRMWARE) && CARGO_TARGET_DIR=$(FIRMWARE_TARGET) cargo clippy --quiet --release \
		--target $(RUST_TARGET) -- -D warnings

lib-check: xen xen-prod xen-plain xen-prod-gicv2 xen-prod-gicv3
	@bash ci/check-lib.sh --selftest
	@bash ci/check-lib.sh $(XEN_TREE)
	@bash ci/check-lib.sh $(XEN_PROD_TREE) --production
	@bash ci/check-lib.sh $(BUILD)/xen-prod-gicv2/xen --production
	@bash ci/check-lib.sh $(BUILD)/xen-prod-gicv3/xen --production
	@printf '\n==> image size: what the layer adds to the production hypervisor (xen-syms, bytes)\n'
	@bash ci/image-size.sh --max ci/image-size.max "without the layer (make xen-plain):$(BUILD)/xen-plain/xen" \
		"production (make xen-prod):$(XEN_PROD_TREE)"

patch-check: setup
	@bash ci/check-patches.sh

# ShellCheck on every shell script (ci/, dom0's and the domU's); dom0's
# copier of guest consoles copies whole lines (ci/check-follow.sh).
shell-check: setup
	@bash ci/check-shell.sh
	@bash ci/check-follow.sh

# ci/fetch-xen.sh against a local Debian mirror: the pin, its fallback, refusals.
fetch-check: setup
	@bash ci/check-fetch.sh

# Each check above must reject a deliberately broken copy of the project.
negative: setup
	@bash ci/check-negative.sh

test: setup fmt-check shell-check host-test header-check fetch-check patch-check negative xen xen-debug xen-prod xen-plain xen-prod-gicv2 xen-prod-gicv3 clippy lib-check dom0 firmware
	@printf '\n==> end-to-end, the production hypervisor (no test aids): %s\n' "$(PROD_SCENARIOS)"
	@bash ci/e2e.sh -m virt-gicv3+prod $(foreach s,$(PROD_SCENARIOS),-s $(s))
	@bash ci/e2e.sh -m zcu102+prod+dom0v2 $(foreach s,$(filter-out guest-wake,$(PROD_SCENARIOS)),-s $(s))
	@bash ci/e2e.sh -m virt-gicv3+prod -s guest-refusals -s qemu-aarch32-spsr
	@bash ci/e2e.sh -m virt-gicv3-fw+prod -s host-suspend-firmware
	@printf '\n==> end-to-end, production hypervisors with one GIC driver: host-suspend-firmware\n'
	@bash ci/e2e.sh -m virt-gicv2-fw+gicv2only -m virt-gicv3-fw+gicv3only -s host-suspend-firmware
	@printf '\n==> end-to-end: %s on virt-gicv3, host-dry-run on zcu102, guest-irqs guest-wake and guest-suspend-linux on virt-gicv2\n' "$(MACHINE_SCENARIOS)"
	@bash ci/e2e.sh -m virt-gicv3 $(foreach s,$(MACHINE_SCENARIOS),-s $(s))
	@bash ci/e2e.sh -m zcu102 -s host-dry-run
	@bash ci/e2e.sh -m virt-gicv2 -s guest-irqs $(foreach s,$(filter-out guest-suspend-baremetal,$(GUEST_SCENARIOS)),-s $(s))
	@printf '\n==> end-to-end: %s, races and soak on virt-gicv3\n' "$(ONCE_SCENARIOS)"
	@bash ci/e2e.sh -m virt-gicv3 $(foreach s,$(ONCE_SCENARIOS),-s $(s)) -s guest-races -s guest-soak -s guest-wake-races
	@printf '\n==> end-to-end: a real device wakes a Linux domU (PL031 passed through)\n'
	@bash ci/e2e.sh -m virt-gicv3 -s guest-wake-linux
	@printf '\n==> end-to-end, real host suspend under the test firmware: %s on %s\n' \
		"$(FW_SCENARIOS)" virt-gicv3-fw
	@bash ci/e2e.sh -m virt-gicv3-fw $(foreach s,$(FW_SCENARIOS),-s $(s))
	@printf '\n==> end-to-end, real host suspend under the test firmware: %s on virt-gicv2-fw\n' "$(FW_GIC_SCENARIOS)"
	@bash ci/e2e.sh -m virt-gicv2-fw $(foreach s,$(FW_GIC_SCENARIOS),-s $(s))
	@bash ci/e2e.sh -m virt-gicv3-fw -s host-pv-devices
	@bash ci/check-runner.sh
	@printf '\n==> end-to-end, debug hypervisor (CONFIG_DEBUG=y): GICv2, GICv3 with 1 and 4 CPUs\n'
	@bash ci/e2e.sh -m virt-gicv2+debug $(foreach s,$(DEBUG_SCENARIOS),-s $(s))
	@bash ci/e2e.sh -m virt-gicv3+smp1+debug -m virt-gicv3+smp4+debug+dom0v2 -s guest-suspend-baremetal
	@bash ci/e2e.sh -m virt-gicv3-fw+smp1+debug -m virt-gicv3-fw+smp4+debug -s host-suspend-scrambled
	@printf '\n==> soak: 50 real host cycles (GICv3; 4 CPUs, and the debug hypervisor with 1 and 4), Xen'"'"'s free pages counted\n'
	@bash ci/e2e.sh -m virt-gicv3-fw+smp4+dom0v2 -m virt-gicv3-fw+smp1+debug -m virt-gicv3-fw+smp4+debug+dom0v2 -s host-soak
	@printf '\nALL TESTS PASSED\n'

# A git tree of Xen with the patch series as commits (build/xen-dev), for
# working on the patches; `make patches` writes them back to xen-patches/.
patch-tree: xen-src
	@bash ci/patch-tree.sh init

patches:
	@bash ci/patch-tree.sh export

clean:
	-@test -d $(XEN_TREE) && $(XEN_MAKE) clean >/dev/null 2>&1 || true
	cargo clean

distclean:
	rm -rf $(BUILD) target
