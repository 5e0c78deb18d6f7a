//! Interrupts, for `mode=irqs`: Xen's virtual GIC (v2 or v3, at the
//! guest addresses of xen/include/public/arch-arm.h, a stable ABI), the
//! EL1 physical and virtual timers, and the IRQ handler with what it
//! records.
//!
//! The GIC registers sit in the first GB, which the boot page table maps
//! Device-nGnRnE; every access is aligned, volatile and 32-bit (64-bit for
//! GICR_TYPER), to a register Xen emulates or maps: none of them touches
//! guest RAM. The GICv3 CPU interface is reached through its system
//! registers (ICC_*, which the hardware redirects to the virtual CPU
//! interface).
//!
//! The handler ([`handle`]) runs on the interrupted vCPU's stack with IRQs
//! masked; it only records, per vCPU (MPIDR Aff0), in atomics (the MMU is
//! on whenever IRQs are unmasked), and never prints. Before
//! [`set_version`] (any mode but `mode=irqs`) an IRQ is not handled: the
//! caller reports it as a fatal exception.

use core::arch::asm;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use xsr_arch::gic::{gicc, gicd, gicr, Gicc, Gicd, Gicr};
use xsr_arch::mmio::Mmio;
use xsr_arch::reg::{Block, Reg32};

use crate::boot;

/// GICD_ISENABLER0 / GICD_ICENABLER0: the banked SGI and PPI enables of
/// the running vCPU (GICv2).
const ISENABLER0: Reg32<Gicd> = match gicd::ISENABLER.get(0) {
    Some(r) => r,
    None => panic!(),
};
const ICENABLER0: Reg32<Gicd> = match gicd::ICENABLER.get(0) {
    Some(r) => r,
    None => panic!(),
};

/// The interrupts of `mode=irqs`, all at [`PRIORITY`]: SGI 1, the virtual
/// timer's PPI (GUEST_TIMER_VIRT_PPI) and the EL1 physical timer's
/// (GUEST_TIMER_PHYS_NS_PPI).
pub const SGI: u32 = 1;
pub const PPI_VTIMER: u32 = 27;
pub const PPI_PTIMER: u32 = 30;
const USED: [u32; 3] = [SGI, PPI_VTIMER, PPI_PTIMER];
/// One priority for all three: none can preempt another.
const PRIORITY: u32 = 0xa0;
/// The priority mask: every priority unmasked.
const PMR_ALL: u32 = 0xff;
/// INTIDs 1020..=1023 are special (1023: spurious): nothing was
/// acknowledged, nothing to EOI.
const FIRST_SPECIAL: u32 = 1020;

// Where Xen puts the virtual GIC (xen/include/public/arch-arm.h):
// GUEST_GICD_BASE (= GUEST_GICV3_GICD_BASE), GUEST_GICC_BASE (the GICV
// frames of a GICv2 guest), GUEST_GICV3_GICR0_BASE (128 KB per vCPU: the
// RD_base frame, then the SGI_base frame).
const GICD_BASE: usize = 0x0300_1000;
const GICC_BASE: usize = 0x0300_2000;
const GICR_BASE: usize = 0x0302_0000;
/// How many redistributors the scan looks at, at most.
const GICR_MAX: usize = 8;
/// GICv2 GICD_CTLR: forward interrupts to the CPU interfaces.
const GICD_CTLR_V2_ENABLE: u32 = gicd::CTLR_ENABLE_GRP0;
/// GICv3 GICD_CTLR (non-secure view): ARE_NS | EnableGrp1NS.
const GICD_CTLR_V3: u32 = gicd::CTLR_ARE | gicd::CTLR_ENABLE_GRP1;
/// GICC_CTLR: group enable (the only group a GICv2 guest sees), EOImode 0.
const GICC_CTLR_ENABLE: u32 = 1;

/// ICC_IAR1_EL1: the INTID field.
const ICC_IAR_INTID: u64 = 0xff_ffff;

// Timer control bits (CNTP_CTL_EL0, CNTV_CTL_EL0).
const CTL_ENABLE: u64 = 1 << 0;
pub const CTL_IMASK: u64 = 1 << 1;
pub const CTL_ISTATUS: u64 = 1 << 2;

/// The virtual GIC's version.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

impl Version {
    /// From the number the device tree gives
    /// ([`testguest::fdt::guest_gic_version`]).
    pub fn from_number(n: u32) -> Option<Self> {
        match n {
            2 => Some(Version::V2),
            3 => Some(Version::V3),
            _ => None,
        }
    }

    /// 2 or 3, as printed.
    pub const fn number(self) -> u32 {
        match self {
            Version::V2 => 2,
            Version::V3 => 3,
        }
    }
}

/// The GIC version (2 or 3) once mode=irqs set it; 0 before, and in every
/// other mode. Only vCPU0 sees the device tree, at boot: it stores the
/// version before any other vCPU runs or any IRQ is unmasked.
static VERSION: AtomicU32 = AtomicU32::new(0);

/// vCPU0 at boot in mode=irqs, IRQs masked: the GIC to drive from now on;
/// from here on an IRQ is handled, not fatal.
pub fn set_version(version: Version) {
    VERSION.store(version.number(), Ordering::Release);
}

fn version() -> Option<Version> {
    Version::from_number(VERSION.load(Ordering::Acquire))
}

/// vCPUs the records are kept for (as many as link.x has stacks); a
/// larger Aff0 shares the last slot.
const MAX_VCPUS: usize = 3;

/// Per vCPU, written by its handler: a bit per INTID below 32 delivered
/// since the last [`take_delivered`].
static DELIVERED: [AtomicU32; MAX_VCPUS] = [const { AtomicU32::new(0) }; MAX_VCPUS];
/// Per vCPU, written by its handler: how many interrupts it took (any
/// INTID but the special ones) since the last [`take_delivered`].
static COUNT: [AtomicU32; MAX_VCPUS] = [const { AtomicU32::new(0) }; MAX_VCPUS];
/// Per vCPU, written by its handler: the last INTID of 32 or more (an SPI
/// or LPI, none of which mode=irqs enables) delivered since the last
/// [`take_delivered`], plus one; 0: none.
static OTHER: [AtomicU32; MAX_VCPUS] = [const { AtomicU32::new(0) }; MAX_VCPUS];
/// Per vCPU: leave the next PPI 30 active (acknowledged, never EOI'd).
static LEAVE_ACTIVE: [AtomicBool; MAX_VCPUS] = [const { AtomicBool::new(false) }; MAX_VCPUS];
/// Per vCPU, written by its handler: a PPI 30 was left active.
static LEFT_ACTIVE: [AtomicBool; MAX_VCPUS] = [const { AtomicBool::new(false) }; MAX_VCPUS];

/// The record slot of the running vCPU: MPIDR Aff0.
fn slot() -> usize {
    ((boot::mpidr() & 0xff) as usize).min(MAX_VCPUS - 1)
}

// ------------------------------------------------------------------ MMIO

/// The distributor's first 4 KB (a GICv2 one has no more; the CPU
/// interface follows it).
// SAFETY: (this and the two below) where Xen emulates or maps the virtual
// GIC of every guest (its public arch-arm.h), mapped Device-nGnRnE by the
// boot page table and nothing else; reading them touches no guest memory
// (GICC_IAR acknowledges, which is the point) and writing them changes the
// virtual GIC's state only.
const GICD: Mmio<Gicd> = unsafe { Mmio::fixed_part(GICD_BASE, 0x1000) };
/// The GICv2 CPU interface.
// SAFETY: as above.
const GICC: Mmio<Gicc> = unsafe { Mmio::fixed(GICC_BASE) };
/// The first redistributor of the region.
// SAFETY: as above.
const GICR0: Mmio<Gicr> = unsafe { Mmio::fixed(GICR_BASE) };

/// A vGICv3 redistributor, one of the [`GICR_MAX`] slots of the region;
/// only [`Redist::find`] makes one.
#[derive(Clone, Copy)]
struct Redist(Mmio<Gicr>);

impl Redist {
    /// The running vCPU's redistributor: the one whose GICR_TYPER
    /// affinity is the vCPU's MPIDR Aff3.Aff2.Aff1.Aff0. The scan stops at
    /// the one marked Last (the others are not emulated).
    fn find() -> Option<Self> {
        let mpidr = boot::mpidr();
        let affinity = (((mpidr >> 32) & 0xff) << 24) | (mpidr & 0xff_ffff);
        for i in 0..GICR_MAX {
            // SAFETY: slot i of the region, below the one marked Last (or
            // the first), as GICD etc. above.
            let Some(rd) = (unsafe { GICR0.above(i * Gicr::SIZE) }) else {
                break;
            };
            let typer = rd.read64(gicr::TYPER);
            if u64::from(gicr::affinity(typer)) == affinity {
                return Some(Redist(rd));
            }
            if gicr::is_last(typer) {
                break;
            }
        }
        None
    }
}

/// `word` with the priority byte of `intid` set to [`PRIORITY`].
fn with_priority(word: u32, intid: u32) -> u32 {
    let shift = (intid % 4) * 8;
    (word & !(0xff << shift)) | (PRIORITY << shift)
}

/// The ISENABLER0 bits of [`USED`].
fn used_mask() -> u32 {
    USED.iter().fold(0, |m, &i| m | (1 << i))
}

// ----------------------------------------------------- GICv3 CPU interface

/// ICC_SRE_EL1 |= SRE: the system register interface (RAO/WI under Xen).
fn icc_sre_enable() {
    // SAFETY: ICC_SRE_EL1 (S3_0_C12_C12_5) only selects the CPU interface
    // access method; the isb makes the change visible to what follows.
    unsafe {
        asm!(
            "mrs {t}, S3_0_C12_C12_5",
            "orr {t}, {t}, #1",
            "msr S3_0_C12_C12_5, {t}",
            "isb",
            t = out(reg) _,
            options(nomem, nostack),
        )
    }
}

/// The GICv3 CPU interface: priority mask, binary point 0, ICC_CTLR_EL1 0
/// (EOImode 0: an EOI drops the priority and deactivates), group 1 on.
fn icc_init() {
    icc_sre_enable();
    // SAFETY: writes to this vCPU's (virtual) CPU interface registers
    // ICC_PMR_EL1 (S3_0_C4_C6_0), ICC_BPR1_EL1 (S3_0_C12_C12_3),
    // ICC_CTLR_EL1 (S3_0_C12_C12_4) and ICC_IGRPEN1_EL1 (S3_0_C12_C12_7);
    // they change which interrupts the vCPU takes, no memory.
    unsafe {
        asm!(
            "msr S3_0_C4_C6_0, {pmr}",
            "msr S3_0_C12_C12_3, xzr",
            "msr S3_0_C12_C12_4, xzr",
            "msr S3_0_C12_C12_7, {one}",
            "isb",
            pmr = in(reg) u64::from(PMR_ALL),
            one = in(reg) 1u64,
            options(nomem, nostack),
        )
    }
}

/// ICC_IAR1_EL1: acknowledges the highest priority pending interrupt.
fn icc_ack() -> u64 {
    let value: u64;
    // SAFETY: reads ICC_IAR1_EL1 (S3_0_C12_C12_0), which acknowledges an
    // interrupt in the CPU interface; the dsb completes the acknowledgment
    // before what follows. No memory is touched.
    unsafe {
        asm!(
            "mrs {}, S3_0_C12_C12_0",
            "dsb sy",
            out(reg) value,
            options(nomem, nostack),
        )
    };
    value
}

/// ICC_EOIR1_EL1: priority drop and deactivation (EOImode 0).
fn icc_eoi(iar: u64) {
    // SAFETY: writes ICC_EOIR1_EL1 (S3_0_C12_C12_1) with a value its
    // ICC_IAR1_EL1 returned; it changes the CPU interface's state only.
    unsafe {
        asm!(
            "msr S3_0_C12_C12_1, {}",
            "isb",
            in(reg) iar,
            options(nomem, nostack),
        )
    }
}

// ----------------------------------------------------------------- setup

/// Step 1 of a cycle, on the running vCPU: the distributor if `distributor`
/// (the first cycle only), then this vCPU's SGI/PPI configuration ([`USED`]
/// enabled, at [`PRIORITY`], group 1) and its CPU interface. `Err` names
/// what is missing.
pub fn init(distributor: bool) -> Result<(), &'static str> {
    let Some(version) = version() else {
        return Err("no GIC version");
    };
    match version {
        Version::V2 => {
            if distributor {
                GICD.write32(gicd::CTLR, GICD_CTLR_V2_ENABLE);
            }
            // SGIs and PPIs: the banked registers of this vCPU.
            for intid in USED {
                if let Some(r) = gicd::IPRIORITYR.get(intid as usize / 4) {
                    GICD.write32(r, with_priority(GICD.read32(r), intid));
                }
            }
            GICD.write32(ISENABLER0, used_mask());
        }
        Version::V3 => {
            if distributor {
                GICD.write32(gicd::CTLR, GICD_CTLR_V3);
            }
            let rd = Redist::find().ok_or("no redistributor for this vCPU")?;
            rd.0.write32(gicr::IGROUPR0, u32::MAX);
            for intid in USED {
                if let Some(r) = gicr::IPRIORITYR.get(intid as usize / 4) {
                    rd.0.write32(r, with_priority(rd.0.read32(r), intid));
                }
            }
            rd.0.write32(gicr::ISENABLER0, used_mask());
        }
    }
    init_cpu_interface();
    Ok(())
}

/// This vCPU's CPU interface alone, as after a core powerdown: priority
/// mask 0xff, group enabled, EOImode 0. The distributor and redistributor
/// configuration is left alone.
pub fn init_cpu_interface() {
    match version() {
        Some(Version::V2) => {
            GICC.write32(gicc::PMR, PMR_ALL);
            GICC.write32(gicc::CTLR, GICC_CTLR_ENABLE);
        }
        Some(Version::V3) => icc_init(),
        None => {}
    }
}

/// Enables (`on`) or disables the SGIs/PPIs of `mask` (bit n: INTID n)
/// for the running vCPU, in its banked distributor registers (v2) or its
/// redistributor (v3). A disabled interrupt keeps its pending state.
pub fn set_enabled(mask: u32, on: bool) {
    match version() {
        Some(Version::V2) => GICD.write32(if on { ISENABLER0 } else { ICENABLER0 }, mask),
        Some(Version::V3) => {
            if let Some(rd) = Redist::find() {
                rd.0.write32(
                    if on {
                        gicr::ISENABLER0
                    } else {
                        gicr::ICENABLER0
                    },
                    mask,
                );
            }
        }
        None => {}
    }
}

/// Sends SGI `intid` to the running vCPU alone.
pub fn send_sgi_self(intid: u32) {
    // Memory writes before the SGI are visible to its handler.
    // SAFETY: a barrier only.
    unsafe { asm!("dsb sy", options(nostack)) };
    match version() {
        Some(Version::V2) => GICD.write32(gicd::SGIR, gicd::SGIR_TO_SELF | (intid & 0xf)),
        Some(Version::V3) => {
            let mpidr = boot::mpidr();
            let aff0 = mpidr & 0xf;
            let aff1 = (mpidr >> 8) & 0xff;
            let aff2 = (mpidr >> 16) & 0xff;
            let aff3 = (mpidr >> 32) & 0xff;
            let sgi1r = (aff3 << 48)
                | (aff2 << 32)
                | (u64::from(intid & 0xf) << 24)
                | (aff1 << 16)
                | (1 << aff0);
            // SAFETY: writes ICC_SGI1R_EL1 (S3_0_C12_C11_5), which Xen
            // traps and turns into a virtual SGI; no memory is touched.
            unsafe {
                asm!(
                    "msr S3_0_C12_C11_5, {}",
                    "isb",
                    in(reg) sgi1r,
                    options(nomem, nostack),
                )
            }
        }
        None => {}
    }
}

// ---------------------------------------------------------------- timers

/// The virtual counter (CNTVCT_EL0).
fn virtual_counter() -> u64 {
    let value: u64;
    // SAFETY: reads a register; the isb orders it after earlier code.
    unsafe { asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nomem, nostack)) };
    value
}

/// Arms the EL1 physical timer to fire now: CNTP_CVAL_EL0 = CNTPCT_EL0,
/// CNTP_CTL_EL0 = ENABLE (Xen emulates both).
pub fn ptimer_fire_now() {
    let now = boot::counter();
    // SAFETY: writes the EL1 physical timer's registers (trapped and
    // emulated by Xen); they raise PPI 30, touch no memory.
    unsafe {
        asm!(
            "msr cntp_cval_el0, {now}",
            "msr cntp_ctl_el0, {ctl}",
            "isb",
            now = in(reg) now,
            ctl = in(reg) CTL_ENABLE,
            options(nomem, nostack),
        )
    }
}

/// Disables the EL1 physical timer.
pub fn ptimer_disable() {
    // SAFETY: writes CNTP_CTL_EL0 (emulated by Xen); no memory.
    unsafe { asm!("msr cntp_ctl_el0, xzr", "isb", options(nomem, nostack)) }
}

/// Arms the virtual timer to fire now: CNTV_CVAL_EL0 = CNTVCT_EL0,
/// CNTV_CTL_EL0 = ENABLE.
pub fn vtimer_fire_now() {
    let now = virtual_counter();
    // SAFETY: writes the virtual timer's registers; they raise PPI 27,
    // touch no memory.
    unsafe {
        asm!(
            "msr cntv_cval_el0, {now}",
            "msr cntv_ctl_el0, {ctl}",
            "isb",
            now = in(reg) now,
            ctl = in(reg) CTL_ENABLE,
            options(nomem, nostack),
        )
    }
}

/// Arms the virtual timer to fire `ms` milliseconds from now; returns the
/// virtual counter value it fires at.
pub fn vtimer_fire_in(ms: u64) -> u64 {
    let freq = match boot::counter_frequency() {
        0 => 62_500_000,
        f => f,
    };
    let at = virtual_counter().wrapping_add(freq / 1000 * ms);
    // SAFETY: writes the virtual timer's registers; they raise PPI 27,
    // touch no memory.
    unsafe {
        asm!(
            "msr cntv_cval_el0, {at}",
            "msr cntv_ctl_el0, {ctl}",
            "isb",
            at = in(reg) at,
            ctl = in(reg) CTL_ENABLE,
            options(nomem, nostack),
        )
    }
    at
}

/// The virtual counter (CNTVCT_EL0), as the guest sees time.
pub fn now() -> u64 {
    virtual_counter()
}

/// Disables the virtual timer.
pub fn vtimer_disable() {
    // SAFETY: writes CNTV_CTL_EL0; no memory.
    unsafe { asm!("msr cntv_ctl_el0, xzr", "isb", options(nomem, nostack)) }
}

/// CNTV_CTL_EL0. Xen sets IMASK itself when it takes the timer's
/// interrupt and injects PPI 27, so ENABLE | IMASK | ISTATUS means: fired,
/// and pending in the virtual GIC.
pub fn vtimer_ctl() -> u64 {
    let value: u64;
    // SAFETY: reads a register; the isb orders it after earlier code.
    unsafe { asm!("isb", "mrs {}, cntv_ctl_el0", out(reg) value, options(nomem, nostack)) };
    value
}

// ------------------------------------------------------------------ IRQs

/// Unmasks IRQs (PSTATE.I clear). Also a compiler barrier: the handler
/// may run from here on.
pub fn unmask() {
    // SAFETY: changes PSTATE.I only; the vectors are installed and the
    // MMU is on, as the handler needs.
    unsafe { asm!("msr daifclr, #2", options(nostack)) }
}

/// Masks IRQs (PSTATE.I set). Also a compiler barrier.
pub fn mask() {
    // SAFETY: changes PSTATE.I only.
    unsafe { asm!("msr daifset, #2", options(nostack)) }
}

/// The INTIDs below 32 this vCPU took since the last [`take_delivered`].
pub fn delivered() -> u32 {
    DELIVERED[slot()].load(Ordering::Acquire)
}

/// What this vCPU took since the last call, and clears it: the INTIDs
/// below 32 as a mask, how many interrupts, and the last INTID of 32 or
/// more, if any.
pub fn take_delivered() -> (u32, u32, Option<u32>) {
    let s = slot();
    let mask = DELIVERED[s].swap(0, Ordering::AcqRel);
    let count = COUNT[s].swap(0, Ordering::AcqRel);
    let other = OTHER[s].swap(0, Ordering::AcqRel);
    (mask, count, other.checked_sub(1))
}

/// Whether the handler leaves the next PPI 30 on this vCPU active.
pub fn leave_next_ptimer_active(leave: bool) {
    LEAVE_ACTIVE[slot()].store(leave, Ordering::Release);
}

/// Whether a PPI 30 was left active on this vCPU since the last
/// [`take_left_active`].
pub fn left_active() -> bool {
    LEFT_ACTIVE[slot()].load(Ordering::Acquire)
}

/// [`left_active`], and clears it.
pub fn take_left_active() -> bool {
    LEFT_ACTIVE[slot()].swap(false, Ordering::AcqRel)
}

/// The IRQ handler (boot.rs's IRQ vector; IRQs masked, MMU on): false if
/// no GIC is set up (not mode=irqs), and nothing was done. Otherwise it
/// acknowledges one interrupt, masks the timer behind PPI 27/30 (by
/// disabling it), records the INTID for this vCPU, and EOIs it, except a
/// PPI 30 it was told to leave active.
pub fn handle() -> bool {
    let Some(version) = version() else {
        return false;
    };
    let (iar, intid) = match version {
        Version::V2 => {
            let iar = GICC.read32(gicc::IAR);
            (u64::from(iar), iar & gicc::IAR_INTID_MASK)
        }
        Version::V3 => {
            let iar = icc_ack();
            (iar, (iar & ICC_IAR_INTID) as u32)
        }
    };
    if intid >= FIRST_SPECIAL {
        // Spurious (or special): nothing acknowledged.
        return true;
    }
    match intid {
        PPI_PTIMER => ptimer_disable(),
        PPI_VTIMER => vtimer_disable(),
        _ => {}
    }
    let s = slot();
    COUNT[s].fetch_add(1, Ordering::AcqRel);
    if intid < 32 {
        DELIVERED[s].fetch_or(1 << intid, Ordering::AcqRel);
    } else {
        OTHER[s].store(intid + 1, Ordering::Release);
    }
    if intid == PPI_PTIMER && LEAVE_ACTIVE[s].swap(false, Ordering::AcqRel) {
        // Acknowledged, never EOI'd: active until the vCPU goes down.
        LEFT_ACTIVE[s].store(true, Ordering::Release);
        return true;
    }
    match version {
        Version::V2 => GICC.write32(gicc::EOIR, iar as u32),
        Version::V3 => icc_eoi(iar),
    }
    true
}
