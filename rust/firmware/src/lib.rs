//! The portable part of the project's test firmware for QEMU virt
//! (`secure=on`), kept apart from the bare-metal binary (src/main.rs) so
//! that a plain `cargo test` on the host exercises it against fakes:
//!
//! - [`psci`]: the PSCI 1.1 decisions (every function id, every error
//!   code, the CPU_ON/CPU_OFF state machine, the SYSTEM_SUSPEND refusals)
//!   against a [`psci::Platform`] trait;
//! - [`suspend`]: the order of a SYSTEM_SUSPEND (wipe, announce, wait for
//!   the wake event, secure setup again, resume) against
//!   [`suspend::SuspendOps`], and the wake condition of the PL031 RTC;
//! - [`regs`]: the EL2/EL1 register values a suspend leaves behind
//!   ("reset" or "scrambled") and the GIC geometry computations;
//! - [`layout`]: the memory map and the constants the e2e runner relies on;
//! - [`spin`]: the spinlock that guards the PSCI state.
//!
//! No allocation; nothing here can panic on a value a caller of the
//! firmware (Xen) provides.

#![cfg_attr(not(test), no_std)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

pub mod layout;
pub mod psci;
pub mod regs;
pub mod spin;
pub mod suspend;
