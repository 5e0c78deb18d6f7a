//! # xsr-firmware: a small EL3 firmware for QEMU virt with `secure=on`
//!
//! So that a real suspend of the host (PSCI SYSTEM_SUSPEND from Xen) can be
//! tested on QEMU, whose own PSCI has no SYSTEM_SUSPEND. QEMU starts every
//! CPU at EL3 at address 0 of flash0 (`-bios fw.bin`) and provides no PSCI
//! of its own then. The firmware:
//!
//! - sets up EL3 and the secure side of the GIC (v2 or v3) so that every
//!   interrupt is non-secure Group 1 and the non-secure world owns the
//!   GIC; the other CPUs wait in a holding pen in secure RAM;
//! - enters Xen (loaded by QEMU at [`xsr_firmware::layout::XEN_ADDR`]) at non-secure EL2h,
//!   MMU off, x0 = the DTB at [`xsr_firmware::layout::DTB_ADDR`];
//! - serves PSCI 1.1 over SMC ([`xsr_firmware::psci`]), with a
//!   SYSTEM_SUSPEND that emulates a power loss of everything non-secure
//!   and waits for the PL031 RTC alarm or a timeout
//!   ([`xsr_firmware::suspend`]).
//!
//! It runs with its MMU off from flash (code, read-only data) and secure RAM
//! (data, stacks, PSCI state): all its data accesses are Device-nGnRnE, so
//! the target's strict alignment matters, and the exclusives of its
//! spinlock rely on QEMU (see [`xsr_firmware::spin`]). A test firmware for
//! QEMU, not for hardware.
//!
//! Layout: boot.rs (reset vector, EL3 vectors, entry to the non-secure
//! world), cpu.rs (system registers), gic.rs, console.rs (PL011 with
//! save/restore), board.rs (RTC, power, the [`xsr_firmware::psci::Platform`]
//! and [`xsr_firmware::suspend::SuspendOps`] implementations), fw.rs (boot,
//! pen, SMC dispatch).

#![cfg_attr(target_os = "none", no_std)]
#![cfg_attr(target_os = "none", no_main)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

#[cfg(target_os = "none")]
#[macro_use]
mod console;

#[cfg(target_os = "none")]
mod board;
#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod cpu;
#[cfg(target_os = "none")]
mod fw;
#[cfg(target_os = "none")]
mod gic;

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    match info.location() {
        Some(l) => console::fatal(format_args!("FW: panic at {}:{}", l.file(), l.line())),
        None => console::fatal(format_args!("FW: panic")),
    }
    cpu::halt()
}

/// The firmware only runs on aarch64-unknown-none-softfloat (see
/// ci/firmware.sh); the host build is an empty stub.
#[cfg(not(target_os = "none"))]
fn main() {}
