//! Xen hypercalls the test guest makes (arm64: `hvc #0xEA1`, the hypercall
//! number in x16, arguments in x0..x4, result in x0).

use core::arch::asm;

/// __HYPERVISOR_sched_op.
const HYPERVISOR_SCHED_OP: u64 = 29;
/// SCHEDOP_watchdog.
const SCHEDOP_WATCHDOG: u64 = 6;

/// struct sched_watchdog (xen/include/public/sched.h).
#[repr(C)]
struct SchedWatchdog {
    id: u32,
    timeout: u32,
}

/// SCHEDOP_watchdog: `id` 0 arms a new watchdog and returns its id (1 or
/// 2), another id kicks it (`timeout` seconds from now), `timeout` 0
/// disarms it. A negative errno on failure.
pub fn sched_watchdog(id: u32, timeout: u32) -> i64 {
    let arg = SchedWatchdog { id, timeout };
    let mut x0 = SCHEDOP_WATCHDOG;
    // SAFETY: the hypercall reads the struct Xen is given a pointer to
    // (guest memory, identity-mapped, alive across the call) and writes
    // x0; a debug Xen also scribbles over the argument registers and x16,
    // so all of them are declared clobbered.
    unsafe {
        asm!(
            "hvc #0xea1",
            inout("x0") x0,
            inout("x1") &arg as *const SchedWatchdog as u64 => _,
            inout("x2") 0u64 => _,
            inout("x3") 0u64 => _,
            inout("x4") 0u64 => _,
            inout("x5") 0u64 => _,
            inout("x16") HYPERVISOR_SCHED_OP => _,
            options(nostack),
        );
    }
    x0 as i64
}
