//! The secure side of the GIC (what Xen, non-secure, cannot set up) and
//! the power-loss emulation of its non-secure state.
//!
//! Secure setup, as TF-A's QEMU platform does it: every interrupt is
//! non-secure Group 1 (GICD_IGROUPR all ones, GICD_IGRPMODR 0, the same
//! for the banked SGI/PPI registers of each CPU), the non-secure world
//! owns enables, priorities, routing.
//! - GICv3 (DS = 0): GICD_CTLR.ARE_S | ARE_NS (EnableGrp1NS is Xen's);
//!   each CPU wakes its redistributor (gicr::WAKER, RAZ/WI to non-secure
//!   accesses) and sets ICC_SRE_EL3 so that EL2 uses the system registers.
//! - GICv2 (security extensions): GICD_CTLR both groups; each CPU's
//!   secure GICC_CTLR: Group 0 enabled, signalled as FIQ, bypass disabled
//!   (Group 1 enable is Xen's, through its non-secure view), and GICC_PMR
//!   0xff at every power-up, the resume from SYSTEM_SUSPEND included: with
//!   the security extensions a non-secure write to GICC_PMR is ignored
//!   while it holds a value of the secure half (0x00-0x7f, its reset value
//!   0 among them), so only the firmware can open it (TF-A's
//!   gicv2_cpuif_enable does the same). A GICv3 with SCR_EL3.FIQ = 0 has
//!   no such rule: ICC_PMR_EL1 stays at its wiped value 0 after a resume,
//!   for Xen to restore.
//!
//! No interrupt is Group 0 or Secure Group 1, so nothing is ever routed to
//! EL3 (SCR_EL3.IRQ/FIQ are 0 anyway).

use core::sync::atomic::{AtomicU32, Ordering};

use xsr_firmware::layout::{
    GICC_BASE, GICD_BASE, GICH_BASE, GICR_BASE, GICR_REGION_SIZE, MAX_CPUS,
};
use xsr_firmware::regs::gic as geom;

use xsr_arch::gic::{gicc, gicd, gich, gicr, Gicc, Gicd, Gich, Gicr};
use xsr_arch::reg::{Bank32, Block, Reg32};

use crate::cpu;
use xsr_arch::mmio::Mmio;

// SAFETY: QEMU virt's GIC register blocks (64 KB distributor, the
// first redistributor of the region, the GICv2 CPU interface and GICH);
// the firmware touches the ones of the GIC version the machine has.
const GICD: Mmio<Gicd> = unsafe { Mmio::fixed(GICD_BASE as usize) };
// SAFETY: as above.
const GICR0: Mmio<Gicr> = unsafe { Mmio::fixed(GICR_BASE as usize) };
// SAFETY: as above.
const GICC: Mmio<Gicc> = unsafe { Mmio::fixed(GICC_BASE as usize) };
// SAFETY: as above.
const GICH: Mmio<Gich> = unsafe { Mmio::fixed(GICH_BASE as usize) };

/// GICD_CTLR in the secure view of a GICv3: EnableGrp1NS, ARE_S | ARE_NS.
const GICD_CTLR_G1NS: u32 = gicd::CTLR_ENABLE_GRP1;
const GICD_CTLR_ARE: u32 = gicd::CTLR_ARE | gicd::CTLR_ARE_NS;
/// GICv2 secure view: EnableGrp0, EnableGrp1.
const GICD_V2_GRP0: u32 = gicd::CTLR_ENABLE_GRP0;
const GICD_V2_GRP1: u32 = gicd::CTLR_ENABLE_GRP1;
/// EnableGrp0, FIQEn, FIQ/IRQ bypass disabled for both groups.
const GICC_CTLR_SECURE: u32 = 1 | (1 << 3) | (0xf << 5);

/// Bound on RWP / ChildrenAsleep polls (each an MMIO read).
const POLL_LIMIT: u32 = 1_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

/// 0 until [`init_global`], then 2 or 3.
static VERSION: AtomicU32 = AtomicU32::new(0);

/// The GIC version [`init_global`] found.
pub fn version() -> Version {
    if VERSION.load(Ordering::Relaxed) == 3 {
        Version::V3
    } else {
        Version::V2
    }
}

impl Version {
    pub fn name(self) -> &'static str {
        match self {
            Version::V2 => "GICv2",
            Version::V3 => "GICv3",
        }
    }
}

fn wait_clear<B: Block>(block: Mmio<B>, reg: Reg32<B>, bit: u32) -> bool {
    let mut n = 0;
    while block.read32(reg) & bit != 0 {
        n += 1;
        if n >= POLL_LIMIT {
            return false;
        }
    }
    true
}

/// Writes `value` to registers `start..end` of `bank` (those it has).
fn fill<B: Block>(m: Mmio<B>, bank: Bank32<B>, start: u64, end: u64, value: u32) {
    for r in bank.range(start as usize, end as usize) {
        m.write32(r, value);
    }
}

fn lines() -> u64 {
    geom::lines(GICD.read32(gicd::TYPER)) as u64
}

fn espis() -> u64 {
    geom::espi_lines(GICD.read32(gicd::TYPER)) as u64
}

/// Every redistributor of the region, in order: (RD frame, GICR_TYPER).
fn redistributors() -> impl Iterator<Item = (Mmio<Gicr>, u64)> {
    let mut offset = 0u64;
    let mut done = false;
    core::iter::from_fn(move || {
        if done || offset + Gicr::SIZE as u64 > GICR_REGION_SIZE {
            return None;
        }
        // SAFETY: a redistributor's frames inside QEMU virt's
        // redistributor region (checked above), at the stride the
        // previous one's GICR_TYPER gave.
        let rd = unsafe { GICR0.above(offset as usize) }?;
        let typer = rd.read64(gicr::TYPER);
        if typer == 0 && offset > 0 {
            return None;
        }
        done = geom::gicr_last(typer as u32);
        offset += geom::gicr_stride(typer as u32);
        Some((rd, typer))
    })
}

/// The redistributor of the CPU with this MPIDR.
fn redistributor_of(mpidr: u64) -> Option<Mmio<Gicr>> {
    let aff = (mpidr & 0xff_ffff) | ((mpidr >> 8) & 0xff00_0000);
    redistributors()
        .find(|(_, typer)| typer >> 32 == aff)
        .map(|(rd, _)| rd)
}

/// How many CPUs the GIC has interfaces for.
pub fn cpu_count() -> usize {
    match version() {
        Version::V3 => redistributors().count(),
        Version::V2 => geom::v2_cpus(GICD.read32(gicd::TYPER)),
    }
    .min(MAX_CPUS)
}

/// Detects the GIC and does the distributor's secure setup (boot CPU, at
/// a cold start and after a SYSTEM_SUSPEND).
pub fn init_global() {
    let v = if cpu::has_gicv3_sysregs() { 3 } else { 2 };
    VERSION.store(v, Ordering::Relaxed);
    let lines = lines();
    match version() {
        Version::V3 => {
            let ctlr = GICD.read32(gicd::CTLR);
            if ctlr & GICD_CTLR_ARE != GICD_CTLR_ARE {
                // ARE may only change with every group disabled.
                GICD.write32(gicd::CTLR, 0);
                wait_clear(GICD, gicd::CTLR, gicd::CTLR_RWP);
                GICD.write32(gicd::CTLR, GICD_CTLR_ARE);
                wait_clear(GICD, gicd::CTLR, gicd::CTLR_RWP);
            }
            fill(GICD, gicd::IGROUPR, 1, lines / 32, !0);
            fill(GICD, gicd::IGRPMODR, 1, lines / 32, 0);
            fill(GICD, gicd::IGROUPR_E, 0, espis() / 32, !0);
            fill(GICD, gicd::IGRPMODR_E, 0, espis() / 32, 0);
        }
        Version::V2 => {
            fill(GICD, gicd::IGROUPR, 1, lines / 32, !0);
            let ctlr = GICD.read32(gicd::CTLR);
            GICD.write32(gicd::CTLR, ctlr | GICD_V2_GRP0 | GICD_V2_GRP1);
        }
    }
}

/// This CPU's secure setup: its redistributor awake and its SGIs/PPIs
/// non-secure Group 1 (v3), or its banked group register, secure CPU
/// interface and priority mask (v2). Returns false if the redistributor
/// was not found or did not wake.
pub fn init_cpu() -> bool {
    match version() {
        Version::V3 => {
            cpu::gicv3_sre_el3();
            let Some(rd) = redistributor_of(cpu::ids().mpidr) else {
                return false;
            };
            let waker = rd.read32(gicr::WAKER);
            rd.write32(gicr::WAKER, waker & !gicr::WAKER_PROCESSOR_SLEEP);
            let awake = wait_clear(rd, gicr::WAKER, gicr::WAKER_CHILDREN_ASLEEP);
            rd.write32(gicr::IGROUPR0, !0);
            rd.write32(gicr::IGRPMODR0, 0);
            awake
        }
        Version::V2 => {
            fill(GICD, gicd::IGROUPR, 0, 1, !0);
            GICC.write32(gicc::CTLR, GICC_CTLR_SECURE);
            GICC.write32(gicc::PMR, 0xff);
            true
        }
    }
}

/// CPU_OFF: the redistributor of this CPU goes to sleep, as TF-A does
/// before a core powers down (v3); nothing to do for v2.
pub fn cpu_off() {
    if version() == Version::V3 {
        if let Some(rd) = redistributor_of(cpu::ids().mpidr) {
            let waker = rd.read32(gicr::WAKER);
            rd.write32(gicr::WAKER, waker | gicr::WAKER_PROCESSOR_SLEEP);
            let mut n = 0;
            while rd.read32(gicr::WAKER) & gicr::WAKER_CHILDREN_ASLEEP == 0 && n < POLL_LIMIT {
                n += 1;
            }
        }
    }
}

/// SYSTEM_SUSPEND: everything non-secure in the GIC back to its reset
/// values, as a power loss would leave it (the caller is the only CPU
/// on). The secure configuration (groups, ARE) stays; [`init_global`]
/// and [`init_cpu`] set it up again anyway after the wake.
pub fn wipe() {
    let lines = lines();
    match version() {
        Version::V3 => {
            let ctlr = GICD.read32(gicd::CTLR);
            GICD.write32(gicd::CTLR, ctlr & !GICD_CTLR_G1NS);
            wait_clear(GICD, gicd::CTLR, gicd::CTLR_RWP);
            fill(GICD, gicd::ICENABLER, 1, lines / 32, !0);
            fill(GICD, gicd::ICPENDR, 1, lines / 32, !0);
            fill(GICD, gicd::ICACTIVER, 1, lines / 32, !0);
            wait_clear(GICD, gicd::CTLR, gicd::CTLR_RWP);
            fill(GICD, gicd::IPRIORITYR, 8, lines / 4, 0);
            fill(GICD, gicd::ICFGR, 2, lines / 16, 0);
            for r in gicd::IROUTER.range(32, lines as usize) {
                GICD.write64(r, 0);
            }
            let espis = espis();
            fill(GICD, gicd::ICENABLER_E, 0, espis / 32, !0);
            fill(GICD, gicd::ICPENDR_E, 0, espis / 32, !0);
            fill(GICD, gicd::ICACTIVER_E, 0, espis / 32, !0);
            fill(GICD, gicd::IPRIORITYR_E, 0, espis / 4, 0);
            fill(GICD, gicd::ICFGR_E, 0, espis / 16, 0);
            for r in gicd::IROUTER_E.first(espis as usize) {
                GICD.write64(r, 0);
            }
            wait_clear(GICD, gicd::CTLR, gicd::CTLR_RWP);
            for (rd, _) in redistributors() {
                rd.write32(gicr::CTLR, 0);
                wait_clear(rd, gicr::CTLR, gicr::CTLR_RWP);
                rd.write64(gicr::PROPBASER, 0);
                rd.write64(gicr::PENDBASER, 0);
                rd.write32(gicr::ICENABLER0, !0);
                wait_clear(rd, gicr::CTLR, gicr::CTLR_RWP);
                rd.write32(gicr::ICPENDR0, !0);
                rd.write32(gicr::ICACTIVER0, !0);
                fill(rd, gicr::IPRIORITYR, 0, 8, 0);
                // SGIs are edge-triggered (read-only); PPIs to level.
                rd.write32(gicr::ICFGR0, 0xaaaa_aaaa);
                rd.write32(gicr::ICFGR1, 0);
            }
            cpu::gicv3_cpuif_reset();
        }
        Version::V2 => {
            let ctlr = GICD.read32(gicd::CTLR);
            GICD.write32(gicd::CTLR, ctlr & !GICD_V2_GRP1);
            // Block 0 is this CPU's banked SGIs and PPIs.
            fill(GICD, gicd::ICENABLER, 0, lines / 32, !0);
            fill(GICD, gicd::ICPENDR, 0, lines / 32, !0);
            fill(GICD, gicd::ICACTIVER, 0, lines / 32, !0);
            fill(GICD, gicd::CPENDSGIR, 0, 4, !0);
            fill(GICD, gicd::IPRIORITYR, 0, lines / 4, 0);
            fill(GICD, gicd::ITARGETSR, 8, lines / 4, 0);
            fill(GICD, gicd::ICFGR, 1, lines / 16, 0);
            GICC.write32(gicc::CTLR, 0);
            GICC.write32(gicc::PMR, 0);
            // Below the minimum: clamped to the reset value.
            GICC.write32(gicc::ABPR, 0);
            fill(GICC, gicc::APR, 0, 4, 0);
            fill(GICC, gicc::NSAPR, 0, 4, 0);
            let lrs = geom::gich_lrs(GICH.read32(gich::VTR)) as u64;
            GICH.write32(gich::HCR, 0);
            GICH.write32(gich::VMCR, 0);
            GICH.write32(gich::APR, 0);
            fill(GICH, gich::LR, 0, lrs, 0);
        }
    }
}

/// What the firmware hands EL2 for ICC_SRE_EL2 (v3): system registers,
/// EL1 allowed to choose its own.
pub fn hand_over() {
    if version() == Version::V3 {
        cpu::gicv3_sre_el2(cpu::ICC_SRE_ALL);
    }
}

/// For the boot line: the distributor's lines (SPIs included).
pub fn describe() -> (Version, u64) {
    (version(), lines())
}
