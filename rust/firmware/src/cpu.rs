//! System registers of the running CPU, read and written from EL3.
//!
//! The firmware keeps SCR_EL3.NS = 1 while it runs (EL3 is Secure
//! whatever SCR_EL3.NS says), so the GIC registers banked by security
//! state (ICC_CTLR_EL1, ICC_BPR1_EL1, ICC_IGRPEN1_EL1, ICC_AP1R<n>_EL1)
//! reach their non-secure copies, the ones Xen uses.

use core::arch::asm;

use xsr_firmware::regs::{gic as geom, CpuIds, El2El1};

/// Reads a system register by name.
macro_rules! mrs {
    ($reg:literal) => {{
        let v: u64;
        // SAFETY: reading a system register at EL3 has no side effect
        // (none of the registers read through this macro is one with
        // read side effects, such as ICC_IAR*).
        unsafe { core::arch::asm!(concat!("mrs {}, ", $reg), out(reg) v, options(nomem, nostack, preserves_flags)) };
        v
    }};
}

/// Writes a system register by name.
macro_rules! msr {
    ($reg:literal, $val:expr) => {{
        let v: u64 = $val;
        // SAFETY: the registers written through this macro configure EL3
        // itself (as boot.rs sets it up), the GIC's CPU interface, or the
        // EL2/EL1 state of the non-secure world, which is not running on
        // this CPU while the firmware does. None changes the memory the
        // firmware runs from or its stack.
        unsafe { core::arch::asm!(concat!("msr ", $reg, ", {}"), in(reg) v, options(nostack, preserves_flags)) };
    }};
}

pub(crate) use mrs;

/// Instruction synchronisation barrier.
pub fn isb() {
    // SAFETY: a barrier.
    unsafe { asm!("isb", options(nostack, preserves_flags)) };
}

/// Full-system data synchronisation barrier.
pub fn dsb() {
    // SAFETY: a barrier.
    unsafe { asm!("dsb sy", options(nostack, preserves_flags)) };
}

/// Wakes CPUs waiting in wfe (after a dsb, so that what they wait for is
/// visible).
pub fn sev() {
    dsb();
    // SAFETY: sends an event.
    unsafe { asm!("sev", options(nomem, nostack, preserves_flags)) };
}

pub fn wfe() {
    // SAFETY: waits for an event.
    unsafe { asm!("wfe", options(nomem, nostack, preserves_flags)) };
}

pub fn wfi() {
    dsb();
    // SAFETY: waits for an interrupt (masked at EL3: it only wakes).
    unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
}

/// Stops this CPU for good.
pub fn halt() -> ! {
    loop {
        wfi();
    }
}

/// This CPU's slot (TPIDR_EL3, set by boot.rs from MPIDR Aff0).
pub fn this_cpu() -> usize {
    mrs!("tpidr_el3") as usize
}

/// CNTPCT_EL0.
pub fn counter() -> u64 {
    isb();
    mrs!("cntpct_el0")
}

/// CNTFRQ_EL0.
pub fn counter_freq() -> u64 {
    mrs!("cntfrq_el0")
}

/// Busy-waits about `us` microseconds of the system counter.
pub fn udelay(us: u64) {
    let freq = match counter_freq() {
        0 => xsr_firmware::suspend::FALLBACK_FREQ,
        f => f,
    };
    let ticks = freq.saturating_mul(us) / 1_000_000;
    let start = counter();
    while counter().wrapping_sub(start) < ticks {
        core::hint::spin_loop();
    }
}

pub fn ids() -> CpuIds {
    CpuIds {
        midr: mrs!("midr_el1"),
        mpidr: mrs!("mpidr_el1"),
        pmcr_n: (mrs!("pmcr_el0") >> 11) & 0x1f,
    }
}

/// Does this CPU have the GICv3 system register interface
/// (ID_AA64PFR0_EL1.GIC)? QEMU sets it exactly when a GICv3 is connected.
pub fn has_gicv3_sysregs() -> bool {
    (mrs!("id_aa64pfr0_el1") >> 24) & 0xf != 0
}

/// Writes every EL2, EL1 and EL0 register of `v`.
pub fn write_el2_el1(v: &El2El1) {
    msr!("sctlr_el2", v.sctlr_el2);
    msr!("hcr_el2", v.hcr_el2);
    msr!("tcr_el2", v.tcr_el2);
    msr!("ttbr0_el2", v.ttbr0_el2);
    msr!("mair_el2", v.mair_el2);
    msr!("vbar_el2", v.vbar_el2);
    msr!("vtcr_el2", v.vtcr_el2);
    msr!("vttbr_el2", v.vttbr_el2);
    msr!("tpidr_el2", v.tpidr_el2);
    msr!("cptr_el2", v.cptr_el2);
    msr!("mdcr_el2", v.mdcr_el2);
    msr!("hstr_el2", v.hstr_el2);
    msr!("cnthctl_el2", v.cnthctl_el2);
    msr!("cntvoff_el2", v.cntvoff_el2);
    msr!("cnthp_ctl_el2", v.cnthp_ctl_el2);
    msr!("cnthp_cval_el2", v.cnthp_cval_el2);
    msr!("elr_el2", v.elr_el2);
    msr!("spsr_el2", v.spsr_el2);
    msr!("sp_el2", v.sp_el2);
    msr!("esr_el2", v.esr_el2);
    msr!("far_el2", v.far_el2);
    msr!("vpidr_el2", v.vpidr_el2);
    msr!("vmpidr_el2", v.vmpidr_el2);
    msr!("sctlr_el1", v.sctlr_el1);
    msr!("ttbr0_el1", v.ttbr0_el1);
    msr!("ttbr1_el1", v.ttbr1_el1);
    msr!("tcr_el1", v.tcr_el1);
    msr!("mair_el1", v.mair_el1);
    msr!("vbar_el1", v.vbar_el1);
    msr!("contextidr_el1", v.contextidr_el1);
    msr!("tpidr_el0", v.tpidr_el0);
    msr!("tpidr_el1", v.tpidr_el1);
    msr!("tpidrro_el0", v.tpidrro_el0);
    msr!("sp_el1", v.sp_el1);
    msr!("sp_el0", v.sp_el0);
    msr!("elr_el1", v.elr_el1);
    msr!("spsr_el1", v.spsr_el1);
    msr!("esr_el1", v.esr_el1);
    msr!("far_el1", v.far_el1);
    msr!("par_el1", v.par_el1);
    msr!("cntkctl_el1", v.cntkctl_el1);
    msr!("cntv_ctl_el0", v.cntv_ctl_el0);
    msr!("cntv_cval_el0", v.cntv_cval_el0);
    msr!("cntp_ctl_el0", v.cntp_ctl_el0);
    msr!("cntp_cval_el0", v.cntp_cval_el0);
    isb();
}

/// ICC_SRE_EL3: SRE, DFB, DIB, Enable (EL2 may use ICC_SRE_EL2).
pub const ICC_SRE_ALL: u64 = 0xf;

/// GICv3: the firmware's own CPU interface setup (system registers at
/// EL3 and below, EL2 allowed to use them).
pub fn gicv3_sre_el3() {
    msr!("icc_sre_el3", ICC_SRE_ALL);
    isb();
}

/// GICv3: ICC_SRE_EL2 as the firmware hands it over: SRE, DFB, DIB,
/// Enable (EL1 may set its own SRE).
pub fn gicv3_sre_el2(value: u64) {
    msr!("icc_sre_el2", value);
    isb();
}

/// GICv3: the non-secure CPU interface registers of this CPU and its
/// virtual interface (ICH_*) to their reset values; ICC_SRE_EL2 last.
pub fn gicv3_cpuif_reset() {
    msr!("icc_igrpen1_el1", 0);
    msr!("icc_ctlr_el1", 0);
    msr!("icc_pmr_el1", 0);
    // Below the minimum: the CPU interface clamps it to its reset value.
    msr!("icc_bpr1_el1", 0);
    let aprs = geom::apr_count((mrs!("icc_ctlr_el3") >> 8) & 0x7);
    msr!("icc_ap1r0_el1", 0);
    if aprs >= 2 {
        msr!("icc_ap1r1_el1", 0);
    }
    if aprs >= 4 {
        msr!("icc_ap1r2_el1", 0);
        msr!("icc_ap1r3_el1", 0);
    }
    let vtr = mrs!("ich_vtr_el2");
    msr!("ich_hcr_el2", 0);
    msr!("ich_vmcr_el2", 0);
    let vaprs = geom::apr_count(geom::ich_pribits(vtr));
    msr!("ich_ap0r0_el2", 0);
    msr!("ich_ap1r0_el2", 0);
    if vaprs >= 2 {
        msr!("ich_ap0r1_el2", 0);
        msr!("ich_ap1r1_el2", 0);
    }
    if vaprs >= 4 {
        msr!("ich_ap0r2_el2", 0);
        msr!("ich_ap1r2_el2", 0);
        msr!("ich_ap0r3_el2", 0);
        msr!("ich_ap1r3_el2", 0);
    }
    for n in 0..geom::ich_lrs(vtr) {
        write_ich_lr(n, 0);
    }
    isb();
    gicv3_sre_el2(0);
}

/// ICH_LR<n>_EL2 (n < 16; others are ignored).
fn write_ich_lr(n: usize, v: u64) {
    match n {
        0 => msr!("ich_lr0_el2", v),
        1 => msr!("ich_lr1_el2", v),
        2 => msr!("ich_lr2_el2", v),
        3 => msr!("ich_lr3_el2", v),
        4 => msr!("ich_lr4_el2", v),
        5 => msr!("ich_lr5_el2", v),
        6 => msr!("ich_lr6_el2", v),
        7 => msr!("ich_lr7_el2", v),
        8 => msr!("ich_lr8_el2", v),
        9 => msr!("ich_lr9_el2", v),
        10 => msr!("ich_lr10_el2", v),
        11 => msr!("ich_lr11_el2", v),
        12 => msr!("ich_lr12_el2", v),
        13 => msr!("ich_lr13_el2", v),
        14 => msr!("ich_lr14_el2", v),
        15 => msr!("ich_lr15_el2", v),
        _ => {}
    }
}
