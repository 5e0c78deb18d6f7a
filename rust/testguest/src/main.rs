//! # testguest: a bare-metal arm64 Xen domU that tests PSCI SYSTEM_SUSPEND
//!
//! A raw arm64 Image (no_std, no heap) that Xen boots as a 64-bit EL1 domU
//! and that checks, from inside the guest, what the suspend layer does:
//!
//! - common: PSCI_VERSION is 1.1; PSCI_FEATURES reports SYSTEM_SUSPEND
//!   (SMC32 and SMC64) as supported;
//! - `mode=suspend` (1 vCPU): N cycles of SYSTEM_SUSPEND (SMC64); after
//!   each `xl resume` it checks that it restarted at its entry point with
//!   the context id in x0, the MMU and caches off, DAIF all masked, at EL1h,
//!   with TTBR0/TTBR1/TCR zero, and that its memory (a 64 KB pattern and
//!   its counters) survived; each suspend is made from a dirty state (MMU
//!   on, TTBR1_EL1 set, DAIF clear, SP_EL0 selected), so that a reset that
//!   did not happen shows;
//! - `mode=refusals` (2 vCPUs, vCPU1 offline at boot): DENIED while vCPU1
//!   is online (started with CPU_ON), INVALID_ADDRESS for an entry point
//!   with bit 0 set or outside RAM, then a SMC32 SYSTEM_SUSPEND with garbage
//!   in the upper halves of x1/x2, which must suspend and resume with the
//!   upper halves ignored and the same entry state;
//! - `mode=races` (3 vCPUs, vCPU1 and vCPU2 offline at boot): races
//!   SYSTEM_SUSPEND against CPU_ON/CPU_OFF. vCPU1 (the racer, started with
//!   CPU_ON) starts vCPU2 with CPU_ON over and over (vCPU2 powers itself
//!   off at once, silently) and waits for AFFINITY_INFO to say it is off,
//!   while vCPU0 makes at least N (`cycles=`) SYSTEM_SUSPEND (SMC64) calls,
//!   for at least 10 seconds, that must all be DENIED, since vCPU1 is
//!   online; a suspend among them is caught
//!   at the resume entry. Then vCPU0 stops the racer, checks that vCPU1
//!   and vCPU2 are off, and makes one SYSTEM_SUSPEND that must suspend and
//!   resume with the same entry state as above (`RESULT PASS races=N`);
//! - `mode=irqs` (2 vCPUs, vCPU1 offline at boot): N cycles (`cycles=`)
//!   of SYSTEM_SUSPEND (SMC64) with interrupts in flight, cycle k on
//!   vCPU (k-1)%2, one vCPU online at a time (the one that finished a
//!   cycle starts the other with CPU_ON and powers itself off; the other
//!   waits for AFFINITY_INFO to say so). It prints the GIC version it
//!   finds in the device tree (`gic v2` or `gic v3`); each cycle enables
//!   SGI 1, PPI 27 (virtual timer) and PPI 30 (EL1 physical timer) at one
//!   priority, takes PPI 30 and never EOIs it (left active), makes PPI 27
//!   and SGI 1 pending with IRQs masked, and suspends. After `xl resume`
//!   it checks the entry state and that the same vCPU resumed, sets its
//!   GIC CPU interface up again (as after a core powerdown: what was
//!   active is no longer) and requires, each within 1 s: PPI 27 and SGI 1
//!   delivered without being raised again (`pending-survived`), then each
//!   of the three raised again and delivered (`ptimer-again`,
//!   `vtimer-again`, `sgi-again`); `RESULT PASS irqs cycles=N`.
//! - `mode=fuzz` (2 vCPUs, vCPU1 offline at boot): for `cycles=` seconds,
//!   random PSCI calls through HVC and SMC (testguest::fuzz draws them:
//!   ids around the PSCI range with random arguments, CPU_ON of itself,
//!   of vCPU1, whose entry powers it off at once, and of absent vCPUs,
//!   SYSTEM_SUSPEND at good and bad entries with random context ids), each
//!   answer checked against what the PSCI specification allows; a suspend
//!   that happens is resumed by dom0 and checked at the resume entry (its
//!   context id included). Not drawn: SYSTEM_OFF, SYSTEM_RESET(2), CPU_OFF
//!   of vCPU0 and CPU_SUSPEND (it waits for an interrupt this mode does not
//!   set up). `seed=N` replays a run; the seed is printed either way;
//!   `RESULT PASS fuzz calls=N suspends=S seed=N`.
//!
//! Driven by `xl create` with:
//!
//! ```text
//! kernel = "testguest.img"      # ci/testguest.sh builds it
//! memory = 16
//! vcpus = 1                     # 2 for mode=refusals and mode=irqs,
//!                               # 3 for mode=races
//! vuart = "sbsa_uart"
//! cmdline = "mode=suspend cycles=10"   # or "mode=refusals",
//!                                      # or "mode=races cycles=1000",
//!                                      # or "mode=irqs cycles=10"
//! ```
//!
//! Every line it prints starts with `TG: ` and goes to the SBSA vUART,
//! which xenconsoled logs (the guest's vuart log). Each successful suspend
//! is announced by `TG: waiting for xl resume`; `xl resume` wakes the
//! guest. The last lines are exactly one `TG: RESULT PASS...` or
//! `TG: RESULT FAIL <first failure>`, then `TG: system_off` and PSCI
//! SYSTEM_OFF. A panic or an exception also ends in `TG: RESULT FAIL ...`
//! and SYSTEM_OFF, never in a hang.
//!
//! Layout: boot.rs (Image header, entry points, MMU, vectors; link.x gives
//! each vCPU a 64 KB stack), psci.rs, uart.rs (output), irq.rs (the GIC,
//! the timers and the IRQ handler of mode=irqs), modes.rs (the tests); the
//! FDT walk and the bootargs parser are in the library (lib.rs), tested on
//! the host by `cargo test`.

#![cfg_attr(target_os = "none", no_std)]
#![cfg_attr(target_os = "none", no_main)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

#[cfg(target_os = "none")]
#[macro_use]
mod uart;

#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod irq;
#[cfg(target_os = "none")]
mod modes;
#[cfg(target_os = "none")]
mod psci;
#[cfg(target_os = "none")]
mod xen;

#[cfg(target_os = "none")]
use core::cell::UnsafeCell;

/// A static the guest accesses through raw pointers only. Each user
/// documents why its accesses cannot race (in practice: one vCPU at a
/// time, vCPU0 or, in mode=irqs, the one online).
#[cfg(target_os = "none")]
pub struct RawCell<T>(UnsafeCell<T>);

// SAFETY: RawCell hands out raw pointers only; every dereference is an
// unsafe block of its own that justifies the absence of data races.
#[cfg(target_os = "none")]
unsafe impl<T: Send> Sync for RawCell<T> {}

#[cfg(target_os = "none")]
impl<T> RawCell<T> {
    pub const fn new(value: T) -> Self {
        RawCell(UnsafeCell::new(value))
    }

    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::sync::atomic::{AtomicBool, Ordering};
    static PANICKING: AtomicBool = AtomicBool::new(false);
    if PANICKING.swap(true, Ordering::Relaxed) {
        // A panic while reporting one: just power off.
        psci::system_off();
        boot::halt()
    }
    match info.location() {
        Some(l) => modes::abort(format_args!("panic {}:{}", l.file(), l.line())),
        None => modes::abort(format_args!("panic")),
    }
}

/// The guest only runs on aarch64-unknown-none-softfloat (see
/// ci/testguest.sh); the host build is an empty stub.
#[cfg(not(target_os = "none"))]
fn main() {}
