//! PSCI calls through the HVC (or SMC) conduit (SMCCC: function id in w0, arguments
//! in x1..x3, result in x0; x0..x17 may be clobbered).

use core::arch::asm;

use xsr_arch::psci::fid::{
    AFFINITY_INFO_64, CPU_OFF, CPU_ON_64, PSCI_FEATURES, PSCI_VERSION, SYSTEM_OFF,
};
pub use xsr_arch::psci::fid::{SYSTEM_SUSPEND_32, SYSTEM_SUSPEND_64};
pub use xsr_arch::psci::ret::{ALREADY_ON, DENIED, INVALID_ADDRESS, SUCCESS};

/// AFFINITY_INFO: the target is on / off / on, pending.
pub use xsr_arch::psci::affinity::{
    OFF as AFFINITY_OFF, ON as AFFINITY_ON, ON_PENDING as AFFINITY_ON_PENDING,
};

/// Raw call: `fid` in x0, `a1..a3` in x1..x3; returns x0 as the caller sees
/// it when (if) the call returns.
pub fn call(fid: u32, a1: u64, a2: u64, a3: u64) -> u64 {
    call_via(false, fid, a1, a2, a3)
}

/// Raw call through the SMC conduit when `smc` (Xen traps a guest's SMC
/// and handles PSCI there as through HVC), else through HVC: as [`call`].
pub fn call_via(smc: bool, fid: u32, a1: u64, a2: u64, a3: u64) -> u64 {
    let mut x0 = u64::from(fid);
    // SAFETY: HVC #0, or SMC #0 from EL1 (HCR_EL2.TSC), traps to Xen, which
    // implements the PSCI calls of this module, answers NOT_SUPPORTED to
    // other ids and touches no guest memory for them; all registers the
    // SMCCC lets the callee change are declared clobbered (the conduit
    // flag is an input, so it never shares one of them). A successful
    // SYSTEM_SUSPEND or CPU_OFF does not come back here at all: execution
    // resumes at an entry point of boot.rs on a fresh stack, so the state
    // of this frame no longer matters.
    unsafe {
        asm!(
            "cbnz {smc}, 1f",
            "hvc #0",
            "b 2f",
            "1:",
            "smc #0",
            "2:",
            smc = in(reg) u64::from(smc),
            inout("x0") x0,
            inout("x1") a1 => _,
            inout("x2") a2 => _,
            inout("x3") a3 => _,
            out("x4") _, out("x5") _, out("x6") _, out("x7") _,
            out("x8") _, out("x9") _, out("x10") _, out("x11") _,
            out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _,
            options(nostack),
        );
    }
    x0
}

/// A PSCI return code: an int32 in w0.
fn code(x0: u64) -> i32 {
    x0 as u32 as i32
}

/// PSCI_VERSION: major << 16 | minor.
pub fn version() -> u32 {
    call(PSCI_VERSION, 0, 0, 0) as u32
}

/// PSCI_FEATURES(`fid`).
pub fn features(fid: u32) -> i32 {
    code(call(PSCI_FEATURES, u64::from(fid), 0, 0))
}

/// CPU_ON (SMC64) of the vCPU with MPIDR affinity `target`.
pub fn cpu_on(target: u64, entry: u64, context: u64) -> i32 {
    code(call(CPU_ON_64, target, entry, context))
}

/// CPU_OFF of the calling vCPU: returns only on failure.
pub fn cpu_off() -> i32 {
    code(call(CPU_OFF, 0, 0, 0))
}

/// AFFINITY_INFO (SMC64): 0 ON, 1 OFF, 2 ON_PENDING, or an error.
pub fn affinity_info(target: u64, level: u64) -> i32 {
    code(call(AFFINITY_INFO_64, target, level, 0))
}

/// SYSTEM_SUSPEND with function id `fid` (SMC32 or SMC64): returns only on
/// failure; on success the guest later restarts at `entry` with `context`
/// in x0.
pub fn system_suspend(fid: u32, entry: u64, context: u64) -> i32 {
    code(call(fid, entry, context, 0))
}

/// SYSTEM_OFF: returns only on failure.
pub fn system_off() -> i32 {
    code(call(SYSTEM_OFF, 0, 0, 0))
}

/// TTBR1_EL1 written before a dirty suspend: no walk uses it (TCR_EL1.EPD1
/// is set), so any value works; the resume entry must find 0.
pub const DIRTY_TTBR1: u64 = 0x0000_0000_4242_0000;

/// SYSTEM_SUSPEND made from a dirty CPU state, so that the resume entry's
/// checks can see a reset that did not happen: TTBR1_EL1 nonzero, DAIF all
/// clear (interrupts unmasked) and the stack pointer SP_EL0 (SPSel 0). PSCI
/// says the caller's state is not kept: the entry must find TTBR1 0, DAIF
/// all masked and SPSel 1 (EL1h). Returns only on failure, with SPSel 1
/// again (TTBR1 and DAIF stay dirty: no walk uses TTBR1, and no interrupt
/// is enabled in the GIC where this is used).
pub fn system_suspend_dirty(fid: u32, entry: u64, context: u64) -> i32 {
    let mut x0 = u64::from(fid);
    // SAFETY: TTBR1_EL1 is unused (EPD1) and the guest's interrupts are
    // all disabled in its GIC, so the first two writes change nothing that
    // runs; SP_EL0 is set to the current stack pointer before SPSel
    // selects it, so the stack is the same one, and the block itself uses
    // no stack (nostack); SPSel is 1 again before the block ends. The HVC
    // is as in call(): a successful suspend does not come back here.
    unsafe {
        asm!(
            "msr ttbr1_el1, {ttbr1}",
            "isb",
            "msr daifclr, #0xf",
            "mov x9, sp",
            "msr sp_el0, x9",
            "msr spsel, #0",
            "hvc #0",
            "msr spsel, #1",
            ttbr1 = in(reg) DIRTY_TTBR1,
            inout("x0") x0,
            inout("x1") entry => _,
            inout("x2") context => _,
            inout("x3") 0u64 => _,
            out("x4") _, out("x5") _, out("x6") _, out("x7") _,
            out("x8") _, out("x9") _, out("x10") _, out("x11") _,
            out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _,
            options(nostack),
        );
    }
    code(x0)
}
