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
SCENARIOS ?= guest-suspend-baremetal guest-refusals guest-irqs guest-wake guest-suspend-linux gic-selftest host-dry-run
# What does not depend on the machine: once, on virt-gicv3.
ONCE_SCENARIOS ?= boot guest-watchdog guest-reset-broken host-refusal guest-fuzz
TESTGUEST := rust/testguest
TESTGUEST_TARGET := $(BUILD)/testguest/target
FIRMWARE := rust/firmware
FIRMWARE_TARGET := $(BUILD)/firmware/target
# The real host suspend, under the project's EL3 test firmware.
FW_MACHINES ?= virt-gicv3-fw virt-gicv2-fw
FW_SCENARIOS ?= boot host-suspend-firmware host-suspend-scrambled host-suspend-nogic host-freeze host-wake-guest host-wake-window
# The debug hypervisor (CONFIG_DEBUG=y): on GICv3 with 4 CPUs, on GICv2, and
# on one CPU.
DEBUG_SCENARIOS ?= guest-suspend-baremetal gic-selftest host-dry-run

.PHONY: all demo test bench setup xen-src xen xen-debug dom0 firmware e2e fmt-check clippy host-test negative \
	header header-check lib-check fetch-check patch-check patch-tree patches clean distclean

all: xen dom0

setup:
	@bash ci/setup.sh

xen-src: setup
	@bash ci/fetch-xen.sh

# defconfig keeps CONFIG_RUST_SUSPEND at its default (y); the build fails if
# it is not set, so a configuration without the layer cannot pass for one.
xen: xen-src
	@printf '\n==> xen: configure and build (arm64, with the Rust layer)\n'
	@test -f $(XEN_TREE)/.config || $(XEN_MAKE) defconfig >/dev/null
	@grep -qx 'CONFIG_RUST_SUSPEND=y' $(XEN_TREE)/.config || \
		{ echo "ERROR: $(XEN_TREE)/.config lacks CONFIG_RUST_SUSPEND=y" >&2; exit 1; }
	@$(XEN_MAKE) -j$$(nproc) >$(BUILD)/xen-build.log 2>&1 || \
		{ tail -n 40 $(BUILD)/xen-build.log; echo "ERROR: Xen build failed (log: build/xen-build.log)" >&2; exit 1; }
	@echo "    built $(XEN_TREE)/xen ($$(stat -c %s $(XEN_TREE)/xen) bytes)"

# The same hypervisor built with CONFIG_DEBUG=y (assertions, lock checks) in
# its own tree: build/xen-debug/xen, for the +debug machine variants.
XEN_DEBUG_TREE := $(BUILD)/xen-debug/xen
XEN_DEBUG_MAKE := $(MAKE) -C $(XEN_DEBUG_TREE) XEN_TARGET_ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- XSR_SRC=$(TOP)
xen-debug: xen-src
	@bash ci/fetch-xen.sh --tree $(BUILD)/xen-debug >/dev/null
	@printf '\n==> xen-debug: configure and build with CONFIG_DEBUG=y\n'
	@test -f $(XEN_DEBUG_TREE)/.config || { $(XEN_DEBUG_MAKE) defconfig >/dev/null && \
		echo 'CONFIG_DEBUG=y' >>$(XEN_DEBUG_TREE)/.config && \
		$(XEN_DEBUG_MAKE) olddefconfig >/dev/null; }
	@grep -qx 'CONFIG_DEBUG=y' $(XEN_DEBUG_TREE)/.config && grep -qx 'CONFIG_DEBUG_LOCKS=y' $(XEN_DEBUG_TREE)/.config || \
		{ echo "ERROR: $(XEN_DEBUG_TREE)/.config lacks CONFIG_DEBUG=y or CONFIG_DEBUG_LOCKS=y" >&2; exit 1; }
	@$(XEN_DEBUG_MAKE) -j$$(nproc) >$(BUILD)/xen-debug-build.log 2>&1 || \
		{ tail -n 40 $(BUILD)/xen-debug-build.log; echo "ERROR: Xen debug build failed (log: build/xen-debug-build.log)" >&2; exit 1; }
	@echo "    built $(XEN_DEBUG_TREE)/xen ($$(stat -c %s $(XEN_DEBUG_TREE)/xen) bytes)"

dom0: xen-src
	@bash ci/dom0.sh

# The EL3 test firmware for QEMU virt (secure=on): build/firmware/fw.bin.
firmware: setup
	@bash ci/firmware.sh

demo: xen dom0
	@bash ci/demo.sh

# The cost of the layer: stock against patched Xen, suspend/resume phases.
bench: xen dom0 firmware
	@bash ci/bench.sh

e2e: xen dom0
	@bash ci/e2e.sh $(foreach m,$(MACHINES),-m $(m)) $(foreach s,$(SCENARIOS),-s $(s))

fmt-check:
	@printf '\n==> cargo fmt --check (library, test guest, test firmware)\n'
	@cargo fmt --all -- --check
	@cd $(TESTGUEST) && cargo fmt --all -- --check
	@cd $(FIRMWARE) && cargo fmt --all -- --check

host-test:
	@printf '\n==> cargo test: the test guest'"'"'s parsers (host)\n'
	@cd $(TESTGUEST) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo test --quiet 2>&1 | tail -n 5; test $${PIPESTATUS[0]} -eq 0
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

# clippy on the host build and on the target build (Xen's bindings).
clippy: xen
	@printf '\n==> cargo clippy -D warnings (host and %s)\n' $(RUST_TARGET)
	@cargo clippy --quiet --all-targets -- -D warnings
	@$(XEN_CARGO_ENV) cargo clippy --quiet --release --lib --target $(RUST_TARGET) \
		--target-dir $(XEN_TREE)/arch/arm/rust/target -- -D warnings
	@cd $(TESTGUEST) && CARGO_TARGET_DIR=$(TESTGUEST_TARGET) cargo clippy --quiet --release \
		--target $(RUST_TARGET) -- -D warnings
	@cd $(FIRMWARE) && CARGO_TARGET_DIR=$(FIRMWARE_TARGET) cargo clippy --quiet --all-targets -- -D warnings
	@cd $(FIRMWARE) && CARGO_TARGET_DIR=$(FIRMWARE_TARGET) cargo clippy --quiet --release \
		--target $(RUST_TARGET) -- -D warnings

lib-check: xen
	@bash ci/check-lib.sh --selftest
	@bash ci/check-lib.sh $(XEN_TREE)

patch-check: setup
	@bash ci/check-patches.sh

# ci/fetch-xen.sh against a local Debian mirror: the pin, its fallback, refusals.
fetch-check: setup
	@bash ci/check-fetch.sh

# Each check above must reject a deliberately broken copy of the project.
negative: setup
	@bash ci/check-negative.sh

test: setup fmt-check host-test header-check fetch-check patch-check negative xen xen-debug clippy lib-check dom0 firmware
	@printf '\n==> end-to-end: %s on %s\n' "$(SCENARIOS)" "$(MACHINES)"
	@bash ci/e2e.sh $(foreach m,$(MACHINES),-m $(m)) $(foreach s,$(SCENARIOS),-s $(s))
	@printf '\n==> end-to-end: %s, races and soak on virt-gicv3\n' "$(ONCE_SCENARIOS)"
	@bash ci/e2e.sh -m virt-gicv3 $(foreach s,$(ONCE_SCENARIOS),-s $(s)) -s guest-races -s guest-soak -s guest-wake-races
	@printf '\n==> end-to-end: a real device wakes a Linux domU (PL031 passed through)\n'
	@bash ci/e2e.sh -m virt-gicv3 -m virt-gicv2 -s guest-wake-linux
	@printf '\n==> end-to-end, real host suspend under the test firmware: %s on %s\n' \
		"$(FW_SCENARIOS)" "$(FW_MACHINES)"
	@bash ci/e2e.sh $(foreach m,$(FW_MACHINES),-m $(m)) $(foreach s,$(FW_SCENARIOS),-s $(s))
	@bash ci/check-runner.sh
	@printf '\n==> end-to-end, debug hypervisor (CONFIG_DEBUG=y): GICv3 with 4 CPUs, GICv2, 1 CPU\n'
	@bash ci/e2e.sh -m virt-gicv3+smp4+debug -m virt-gicv2+debug $(foreach s,$(DEBUG_SCENARIOS),-s $(s))
	@bash ci/e2e.sh -m virt-gicv3-fw+smp4+debug -m virt-gicv2-fw+debug -m virt-gicv3-fw+smp1+debug -s host-suspend-firmware
	@bash ci/e2e.sh -m virt-gicv3+smp1+debug -s boot -s host-dry-run
	@printf '\n==> soaks: 50 dry runs and 50 real host cycles, Xen'"'"'s free pages counted\n'
	@bash ci/e2e.sh -m virt-gicv3+smp4 -m virt-gicv2 -s host-dry-soak
	@bash ci/e2e.sh -m virt-gicv3-fw+smp4 -m virt-gicv2-fw -s host-soak
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
