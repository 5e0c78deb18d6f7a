//! The secure side of the GIC (what Xen, non-secure, cannot set up) and
//! the power-loss emulation of its non-secure state.
//!
//! Secure setup, as TF-A's QEMU platform does it: every interrupt is
//! non-secure Group 1 (GICD_IGROUPR all ones, GICD_IGRPMODR 0, the same
//! for the banked SGI/PPI registers of each CPU), the non-secure world
//! owns enables, priorities, routing.
//! - GICv3 (DS = 0): GICD_CTLR.ARE_S | ARE_NS (EnableGrp1NS is Xen's);
//!   each CPU wakes its redistributor (GICR_WAKER, RAZ/WI to non-secure
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

use crate::cpu;
use crate::mmio::Mmio;

// SAFETY: QEMU virt's GIC register blocks (64 KB distributor, the
// redistributor region, the GICv2 CPU interface and GICH); the firmware
// touches the ones of the GIC version the machine has.
const GICD: Mmio = unsafe { Mmio::new(GICD_BASE, 0x1_0000) };
// SAFETY: as above.
const GICR: Mmio = unsafe { Mmio::new(GICR_BASE, GICR_REGION_SIZE) };
// SAFETY: as above.
const GICC: Mmio = unsafe { Mmio::new(GICC_BASE, 0x2000) };
// SAFETY: as above.
const GICH: Mmio = unsafe { Mmio::new(GICH_BASE, 0x1000) };

// Distributor.
const GICD_CTLR: u64 = 0x0000;
const GICD_TYPER: u64 = 0x0004;
const GICD_IGROUPR: u64 = 0x0080;
const GICD_ICENABLER: u64 = 0x0180;
const GICD_ICPENDR: u64 = 0x0280;
const GICD_ICACTIVER: u64 = 0x0380;
const GICD_IPRIORITYR: u64 = 0x0400;
const GICD_ITARGETSR: u64 = 0x0800;
const GICD_ICFGR: u64 = 0x0c00;
const GICD_IGRPMODR: u64 = 0x0d00;
const GICD_CPENDSGIR: u64 = 0x0f10;
const GICD_IGROUPRNE: u64 = 0x1000;
const GICD_ICENABLERNE: u64 = 0x1400;
const GICD_ICPENDRNE: u64 = 0x1800;
const GICD_ICACTIVERNE: u64 = 0x1c00;
const GICD_IPRIORITYRNE: u64 = 0x2000;
const GICD_ICFGRNE: u64 = 0x3000;
const GICD_IGRPMODRNE: u64 = 0x3400;
const GICD_IROUTER: u64 = 0x6000;
const GICD_IROUTERNE: u64 = 0x8000;
const GICD_CTLR_RWP: u32 = 1 << 31;
/// Secure view, DS = 0: EnableGrp1NS, ARE_S, ARE_NS.
const GICD_CTLR_G1NS: u32 = 1 << 1;
const GICD_CTLR_ARE: u32 = (1 << 4) | (1 << 5);
/// GICv2 secure view: EnableGrp0, EnableGrp1.
const GICD_V2_GRP0: u32 = 1 << 0;
const GICD_V2_GRP1: u32 = 1 << 1;

// Redistributor: RD frame, then the SGI frame 64 KB above.
const GICR_CTLR: u64 = 0x0000;
const GICR_TYPER: u64 = 0x0008;
const GICR_WAKER: u64 = 0x0014;
const GICR_PROPBASER: u64 = 0x0070;
const GICR_PENDBASER: u64 = 0x0078;
const GICR_SGI: u64 = 0x1_0000;
const GICR_CTLR_RWP: u32 = 1 << 3;
const WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
const WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;

// GICv2 CPU interface (secure view) and virtual interface control.
const GICC_CTLR: u64 = 0x00;
const GICC_PMR: u64 = 0x04;
const GICC_ABPR: u64 = 0x1c;
const GICC_APR: u64 = 0xd0;
const GICC_NSAPR: u64 = 0xe0;
/// EnableGrp0, FIQEn, FIQ/IRQ bypass disabled for both groups.
const GICC_CTLR_SECURE: u32 = 1 | (1 << 3) | (0xf << 5);
const GICH_HCR: u64 = 0x00;
const GICH_VTR: u64 = 0x04;
const GICH_VMCR: u64 = 0x08;
const GICH_APR: u64 = 0xf0;
const GICH_LR: u64 = 0x100;

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

fn wait_clear(block: Mmio, reg: u64, bit: u32) -> bool {
    let mut n = 0;
    while block.read(reg) & bit != 0 {
        n += 1;
        if n >= POLL_LIMIT {
            return false;
        }
    }
    true
}

fn lines() -> u64 {
    geom::lines(GICD.read(GICD_TYPER)) as u64
}

fn espis() -> u64 {
    geom::espi_lines(GICD.read(GICD_TYPER)) as u64
}

/// Every redistributor of the region, in order: (RD frame, GICR_TYPER).
fn redistributors() -> impl Iterator<Item = (Mmio, u64)> {
    let mut offset = 0u64;
    let mut done = false;
    core::iter::from_fn(move || {
        if done || offset >= GICR_REGION_SIZE {
            return None;
        }
        let rd = GICR.sub(offset, 0x4_0000);
        let typer = rd.read64(GICR_TYPER);
        if typer == 0 && offset > 0 {
            return None;
        }
        done = geom::gicr_last(typer as u32);
        offset += geom::gicr_stride(typer as u32);
        Some((rd, typer))
    })
}

/// The redistributor of the CPU with this MPIDR.
fn redistributor_of(mpidr: u64) -> Option<Mmio> {
    let aff = (mpidr & 0xff_ffff) | ((mpidr >> 8) & 0xff00_0000);
    redistributors()
        .find(|(_, typer)| typer >> 32 == aff)
        .map(|(rd, _)| rd)
}

/// How many CPUs the GIC has interfaces for.
pub fn cpu_count() -> usize {
    match version() {
        Version::V3 => redistributors().count(),
        Version::V2 => geom::v2_cpus(GICD.read(GICD_TYPER)),
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
            let ctlr = GICD.read(GICD_CTLR);
            if ctlr & GICD_CTLR_ARE != GICD_CTLR_ARE {
                // ARE may only change with every group disabled.
                GICD.write(GICD_CTLR, 0);
                wait_clear(GICD, GICD_CTLR, GICD_CTLR_RWP);
                GICD.write(GICD_CTLR, GICD_CTLR_ARE);
                wait_clear(GICD, GICD_CTLR, GICD_CTLR_RWP);
            }
            for n in 1..lines / 32 {
                GICD.write(GICD_IGROUPR + 4 * n, !0);
                GICD.write(GICD_IGRPMODR + 4 * n, 0);
            }
            for n in 0..espis() / 32 {
                GICD.write(GICD_IGROUPRNE + 4 * n, !0);
                GICD.write(GICD_IGRPMODRNE + 4 * n, 0);
            }
        }
        Version::V2 => {
            for n in 1..lines / 32 {
                GICD.write(GICD_IGROUPR + 4 * n, !0);
            }
            let ctlr = GICD.read(GICD_CTLR);
            GICD.write(GICD_CTLR, ctlr | GICD_V2_GRP0 | GICD_V2_GRP1);
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
            let waker = rd.read(GICR_WAKER);
            rd.write(GICR_WAKER, waker & !WAKER_PROCESSOR_SLEEP);
            let awake = wait_clear(rd, GICR_WAKER, WAKER_CHILDREN_ASLEEP);
            let sgi = rd.sub(GICR_SGI, 0x1_0000);
            sgi.write(GICD_IGROUPR, !0);
            sgi.write(GICD_IGRPMODR, 0);
            awake
        }
        Version::V2 => {
            GICD.write(GICD_IGROUPR, !0);
            GICC.write(GICC_CTLR, GICC_CTLR_SECURE);
            GICC.write(GICC_PMR, 0xff);
            true
        }
    }
}

/// CPU_OFF: the redistributor of this CPU goes to sleep, as TF-A does
/// before a core powers down (v3); nothing to do for v2.
pub fn cpu_off() {
    if version() == Version::V3 {
        if let Some(rd) = redistributor_of(cpu::ids().mpidr) {
            let waker = rd.read(GICR_WAKER);
            rd.write(GICR_WAKER, waker | WAKER_PROCESSOR_SLEEP);
            let mut n = 0;
            while rd.read(GICR_WAKER) & WAKER_CHILDREN_ASLEEP == 0 && n < POLL_LIMIT {
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
            let ctlr = GICD.read(GICD_CTLR);
            GICD.write(GICD_CTLR, ctlr & !GICD_CTLR_G1NS);
            wait_clear(GICD, GICD_CTLR, GICD_CTLR_RWP);
            for n in 1..lines / 32 {
                GICD.write(GICD_ICENABLER + 4 * n, !0);
                GICD.write(GICD_ICPENDR + 4 * n, !0);
                GICD.write(GICD_ICACTIVER + 4 * n, !0);
            }
            wait_clear(GICD, GICD_CTLR, GICD_CTLR_RWP);
            for n in 8..lines / 4 {
                GICD.write(GICD_IPRIORITYR + 4 * n, 0);
            }
            for n in 2..lines / 16 {
                GICD.write(GICD_ICFGR + 4 * n, 0);
            }
            for i in 32..lines {
                GICD.write64(GICD_IROUTER + 8 * i, 0);
            }
            let espis = espis();
            for n in 0..espis / 32 {
                GICD.write(GICD_ICENABLERNE + 4 * n, !0);
                GICD.write(GICD_ICPENDRNE + 4 * n, !0);
                GICD.write(GICD_ICACTIVERNE + 4 * n, !0);
            }
            for n in 0..espis / 4 {
                GICD.write(GICD_IPRIORITYRNE + 4 * n, 0);
            }
            for n in 0..espis / 16 {
                GICD.write(GICD_ICFGRNE + 4 * n, 0);
            }
            for i in 0..espis {
                GICD.write64(GICD_IROUTERNE + 8 * i, 0);
            }
            wait_clear(GICD, GICD_CTLR, GICD_CTLR_RWP);
            for (rd, _) in redistributors() {
                rd.write(GICR_CTLR, 0);
                wait_clear(rd, GICR_CTLR, GICR_CTLR_RWP);
                rd.write64(GICR_PROPBASER, 0);
                rd.write64(GICR_PENDBASER, 0);
                let sgi = rd.sub(GICR_SGI, 0x1_0000);
                sgi.write(GICD_ICENABLER, !0);
                wait_clear(rd, GICR_CTLR, GICR_CTLR_RWP);
                sgi.write(GICD_ICPENDR, !0);
                sgi.write(GICD_ICACTIVER, !0);
                for n in 0..8 {
                    sgi.write(GICD_IPRIORITYR + 4 * n, 0);
                }
                // SGIs are edge-triggered (read-only); PPIs to level.
                sgi.write(GICD_ICFGR, 0xaaaa_aaaa);
                sgi.write(GICD_ICFGR + 4, 0);
            }
            cpu::gicv3_cpuif_reset();
        }
        Version::V2 => {
            let ctlr = GICD.read(GICD_CTLR);
            GICD.write(GICD_CTLR, ctlr & !GICD_V2_GRP1);
            // Block 0 is this CPU's banked SGIs and PPIs.
            for n in 0..lines / 32 {
                GICD.write(GICD_ICENABLER + 4 * n, !0);
                GICD.write(GICD_ICPENDR + 4 * n, !0);
                GICD.write(GICD_ICACTIVER + 4 * n, !0);
            }
            for n in 0..4 {
                GICD.write(GICD_CPENDSGIR + 4 * n, !0);
            }
            for n in 0..lines / 4 {
                GICD.write(GICD_IPRIORITYR + 4 * n, 0);
            }
            for n in 8..lines / 4 {
                GICD.write(GICD_ITARGETSR + 4 * n, 0);
            }
            for n in 1..lines / 16 {
                GICD.write(GICD_ICFGR + 4 * n, 0);
            }
            GICC.write(GICC_CTLR, 0);
            GICC.write(GICC_PMR, 0);
            // Below the minimum: clamped to the reset value.
            GICC.write(GICC_ABPR, 0);
            for n in 0..4 {
                GICC.write(GICC_APR + 4 * n, 0);
                GICC.write(GICC_NSAPR + 4 * n, 0);
            }
            let lrs = geom::gich_lrs(GICH.read(GICH_VTR)) as u64;
            GICH.write(GICH_HCR, 0);
            GICH.write(GICH_VMCR, 0);
            GICH.write(GICH_APR, 0);
            for n in 0..lrs {
                GICH.write(GICH_LR + 4 * n, 0);
            }
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
