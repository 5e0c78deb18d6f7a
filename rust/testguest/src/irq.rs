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
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::boot;

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

// vGICv2 / vGICv3 distributor (GUEST_GICD_BASE = GUEST_GICV3_GICD_BASE).
const GICD_BASE: usize = 0x0300_1000;
/// Size of the vGICv2 distributor (the v3 one is 64 KB; only the first
/// page is used).
const GICD_SIZE: usize = 0x1000;
const GICD_CTLR: usize = 0x000;
const GICD_ISENABLER0: usize = 0x100;
const GICD_ICENABLER0: usize = 0x180;
const GICD_IPRIORITYR: usize = 0x400;
const GICD_SGIR: usize = 0xf00;
/// GICv2 GICD_CTLR: forward interrupts to the CPU interfaces.
const GICD_CTLR_V2_ENABLE: u32 = 1;
/// GICv3 GICD_CTLR: ARE_NS (bit 4) | EnableGrp1NS (bit 1).
const GICD_CTLR_V3: u32 = (1 << 4) | (1 << 1);
/// GICv2 GICD_SGIR TargetListFilter 0b10: to the requesting CPU only.
const GICD_SGIR_SELF: u32 = 0b10 << 24;

// vGICv2 CPU interface (GUEST_GICC_BASE: Xen maps the GICV frames there).
const GICC_BASE: usize = 0x0300_2000;
const GICC_SIZE: usize = 0x2000;
const GICC_CTLR: usize = 0x000;
const GICC_PMR: usize = 0x004;
const GICC_IAR: usize = 0x00c;
const GICC_EOIR: usize = 0x010;
/// GICC_CTLR: group enable (the only group a GICv2 guest sees), EOImode 0.
const GICC_CTLR_ENABLE: u32 = 1;
/// GICC_IAR: the INTID field (the CPUID of an SGI's source is above it).
const GICC_IAR_INTID: u32 = 0x3ff;

// vGICv3 redistributors (GUEST_GICV3_GICR0_BASE): 128 KB per vCPU, the
// RD_base frame then the SGI_base frame.
const GICR_BASE: usize = 0x0302_0000;
const GICR_STRIDE: usize = 0x2_0000;
const GICR_SGI_FRAME: usize = 0x1_0000;
const GICR_FRAME_SIZE: usize = 0x1_0000;
/// How many redistributors the scan looks at, at most.
const GICR_MAX: usize = 8;
const GICR_TYPER: usize = 0x008;
/// GICR_TYPER.Last: the last redistributor of the region.
const GICR_TYPER_LAST: u64 = 1 << 4;
const GICR_IGROUPR0: usize = 0x080;
const GICR_ISENABLER0: usize = 0x100;
const GICR_ICENABLER0: usize = 0x180;
const GICR_IPRIORITYR: usize = 0x400;
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

/// Reads the distributor register at `off`.
fn gicd_read(off: usize) -> u32 {
    assert!(off < GICD_SIZE && off % 4 == 0);
    // SAFETY: an aligned 32-bit register of the virtual distributor page,
    // mapped Device-nGnRnE by the boot page table and emulated by Xen;
    // reading it touches no guest memory.
    unsafe { ptr::read_volatile((GICD_BASE + off) as *const u32) }
}

/// Writes the distributor register at `off`.
fn gicd_write(off: usize, value: u32) {
    assert!(off < GICD_SIZE && off % 4 == 0);
    // SAFETY: as in gicd_read; Xen emulates the write, which changes the
    // virtual GIC's state only.
    unsafe { ptr::write_volatile((GICD_BASE + off) as *mut u32, value) }
}

/// Reads the GICv2 CPU interface register at `off`.
fn gicc_read(off: usize) -> u32 {
    assert!(off < GICC_SIZE && off % 4 == 0);
    // SAFETY: an aligned 32-bit register of the virtual CPU interface
    // (Xen maps the GICV frames there), mapped Device-nGnRnE; reading it
    // touches no guest memory (GICC_IAR acknowledges, which is the point).
    unsafe { ptr::read_volatile((GICC_BASE + off) as *const u32) }
}

/// Writes the GICv2 CPU interface register at `off`.
fn gicc_write(off: usize, value: u32) {
    assert!(off < GICC_SIZE && off % 4 == 0);
    // SAFETY: as in gicc_read; the write changes the GIC's state only.
    unsafe { ptr::write_volatile((GICC_BASE + off) as *mut u32, value) }
}

/// A vGICv3 redistributor: the base of its RD_base frame, one of the
/// [`GICR_MAX`] slots of the region; only [`Redist::find`] makes one.
#[derive(Clone, Copy)]
struct Redist(usize);

impl Redist {
    /// The running vCPU's redistributor: the one whose GICR_TYPER
    /// affinity is the vCPU's MPIDR Aff3.Aff2.Aff1.Aff0. The scan stops at
    /// the one marked Last (the others are not emulated).
    fn find() -> Option<Self> {
        let mpidr = boot::mpidr();
        let affinity = (((mpidr >> 32) & 0xff) << 24) | (mpidr & 0xff_ffff);
        for i in 0..GICR_MAX {
            let rd = Redist(GICR_BASE + i * GICR_STRIDE);
            let typer = rd.typer();
            if typer >> 32 == affinity {
                return Some(rd);
            }
            if typer & GICR_TYPER_LAST != 0 {
                break;
            }
        }
        None
    }

    fn typer(self) -> u64 {
        // SAFETY: GICR_TYPER of a redistributor slot below the Last one
        // (or the first), an aligned 64-bit register in the first GB,
        // mapped Device-nGnRnE, emulated by Xen; reading it touches no
        // guest memory.
        unsafe { ptr::read_volatile((self.0 + GICR_TYPER) as *const u64) }
    }

    fn sgi_read(self, off: usize) -> u32 {
        assert!(off < GICR_FRAME_SIZE && off % 4 == 0);
        // SAFETY: an aligned 32-bit register of this vCPU's redistributor
        // SGI_base frame, mapped Device-nGnRnE, emulated by Xen; reading
        // it touches no guest memory.
        unsafe { ptr::read_volatile((self.0 + GICR_SGI_FRAME + off) as *const u32) }
    }

    fn sgi_write(self, off: usize, value: u32) {
        assert!(off < GICR_FRAME_SIZE && off % 4 == 0);
        // SAFETY: as in sgi_read; the write changes the GIC's state only.
        unsafe { ptr::write_volatile((self.0 + GICR_SGI_FRAME + off) as *mut u32, value) }
    }
}

/// `word` with the priority byte of `intid` set to [`PRIORITY`].
fn with_priority(word: u32, intid: u32) -> u32 {
    let shift = (intid % 4) * 8;
    (word & !(0xff << shift)) | (PRIORITY << shift)
}

/// The offset of the IPRIORITYR word holding `intid`'s byte.
fn priority_word(intid: u32) -> usize {
    (intid as usize / 4) * 4
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
                gicd_write(GICD_CTLR, GICD_CTLR_V2_ENABLE);
            }
            // SGIs and PPIs: the banked registers of this vCPU.
            for intid in USED {
                let off = GICD_IPRIORITYR + priority_word(intid);
                gicd_write(off, with_priority(gicd_read(off), intid));
            }
            gicd_write(GICD_ISENABLER0, used_mask());
        }
        Version::V3 => {
            if distributor {
                gicd_write(GICD_CTLR, GICD_CTLR_V3);
            }
            let rd = Redist::find().ok_or("no redistributor for this vCPU")?;
            rd.sgi_write(GICR_IGROUPR0, u32::MAX);
            for intid in USED {
                let off = GICR_IPRIORITYR + priority_word(intid);
                rd.sgi_write(off, with_priority(rd.sgi_read(off), intid));
            }
            rd.sgi_write(GICR_ISENABLER0, used_mask());
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
            gicc_write(GICC_PMR, PMR_ALL);
            gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
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
        Some(Version::V2) => gicd_write(if on { GICD_ISENABLER0 } else { GICD_ICENABLER0 }, mask),
        Some(Version::V3) => {
            if let Some(rd) = Redist::find() {
                rd.sgi_write(if on { GICR_ISENABLER0 } else { GICR_ICENABLER0 }, mask);
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
        Some(Version::V2) => gicd_write(GICD_SGIR, GICD_SGIR_SELF | (intid & 0xf)),
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
            let iar = gicc_read(GICC_IAR);
            (u64::from(iar), iar & GICC_IAR_INTID)
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
        Version::V2 => gicc_write(GICC_EOIR, iar as u32),
        Version::V3 => icc_eoi(iar),
    }
    true
}
