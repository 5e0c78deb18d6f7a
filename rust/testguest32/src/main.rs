//! # testguest32: a bare-metal AArch32 Xen domU that tests PSCI SYSTEM_SUSPEND
//!
//! An arm32 zImage (no_std, no heap) that Xen on arm64 boots as a 32-bit
//! EL1 domU, the first client of the SMC32 SYSTEM_SUSPEND id and of the
//! AArch32 resume state. In order:
//!
//! - at boot: SCTLR is at its reset value (0x00c50078) and CPSR is SVC
//!   with A, I, F masked (what Xen gives a 32-bit vCPU);
//! - PSCI_VERSION is 1.1; PSCI_FEATURES reports SYSTEM_SUSPEND (SMC32) as
//!   supported and the SMC64 id as NOT_SUPPORTED; a call of the SMC64 id
//!   is refused as an unknown function and does not suspend;
//! - refusals (2 vCPUs, vCPU1 offline at boot): with vCPU1 online
//!   (CPU_ON, A32 entry, its context id checked) SYSTEM_SUSPEND is DENIED
//!   (HVC and SMC, A32 and T32 entries); with vCPU1 off again
//!   (AFFINITY_INFO), an entry outside RAM is INVALID_ADDRESS, with and
//!   without bit 0;
//! - N suspend cycles (`cycles=N`, default 10), each resumed by dom0's
//!   `xl resume`: every combination of an A32 or a T32 entry (bit 0 set)
//!   and HVC or SMC in any 4 cycles, each made from a dirty state (System,
//!   Abort, Undefined or IRQ mode with A, I, F unmasked; MMU and caches on,
//!   alignment checks on or CP15BEN off; a new context id). The entry
//!   records r0, the PC as its first instruction reads it, CPSR, SCTLR,
//!   MPIDR, TTBR0 and TTBCR before anything else, and the guest checks them
//!   (testguest32::check) and a 64 KB memory pattern.
//!
//! Driven by `xl create` with (ci/dom0/guests/testguest32.cfg):
//!
//! ```text
//! kernel = "testguest32.img"    # ci/testguest.sh builds it
//! memory = 16
//! vcpus = 2
//! vuart = "sbsa_uart"
//! cmdline = "cycles=10"
//! ```
//!
//! Every line starts with `TG: ` and goes to the SBSA vUART; each suspend
//! is announced by `TG: cycle k: suspending ...`. The last lines are one
//! `TG: RESULT PASS aarch32 cycles=N` or `TG: RESULT FAIL <first failure>`,
//! then `TG: system_off` and PSCI SYSTEM_OFF. A panic or an exception also
//! ends in `TG: RESULT FAIL ...` and SYSTEM_OFF, never in a hang.

#![cfg_attr(target_os = "none", no_std)]
#![cfg_attr(target_os = "none", no_main)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

#[cfg(target_os = "none")]
mod guest;

/// On the host there is no guest: `cargo test` covers the library.
#[cfg(not(target_os = "none"))]
fn main() {}
