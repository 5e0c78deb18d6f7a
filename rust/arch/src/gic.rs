//! The GIC's memory-mapped registers (Arm IHI 0048B for GICv2, IHI 0069H
//! for GICv3/v4): each block, each register this project reads or writes,
//! and the register fields it uses. Offsets are the architecture's; the
//! compile-time checks of [`crate::reg`] keep each inside its block.

use crate::reg::{Bank, Bank32, Bank64, Block, Reg, Reg32, Reg64};

/// The distributor (GICD): 4 KB in GICv2, 64 KB in GICv3.
pub enum Gicd {}
impl Block for Gicd {
    const SIZE: usize = 0x1_0000;
}

/// A GICv3 redistributor: its RD_base frame and, 64 KB above, its SGI_base
/// frame (the SGIs and PPIs of its PE).
pub enum Gicr {}
impl Block for Gicr {
    const SIZE: usize = 0x2_0000;
}

/// The GICv2 CPU interface (GICC; in a guest, the virtual one).
pub enum Gicc {}
impl Block for Gicc {
    const SIZE: usize = 0x2000;
}

/// The GICv2 virtual interface control (GICH).
pub enum Gich {}
impl Block for Gich {
    const SIZE: usize = 0x1000;
}

/// The GICv3 ITS control frame.
pub enum Gits {}
impl Block for Gits {
    const SIZE: usize = 0x1_0000;
}

/// Distributor registers. Banks are indexed by register number `n` (the
/// architecture's GICD_xxx<n>); the per-interrupt ones cover INTIDs from 0,
/// the `_E` ones the extended SPIs from INTID 4096.
pub mod gicd {
    #![allow(missing_docs)]
    use super::*;

    pub const CTLR: Reg32<Gicd> = Reg::at(0x0000);
    pub const TYPER: Reg32<Gicd> = Reg::at(0x0004);
    pub const IIDR: Reg32<Gicd> = Reg::at(0x0008);
    pub const TYPER2: Reg32<Gicd> = Reg::at(0x000C);
    pub const IGROUPR: Bank32<Gicd> = Bank::at(0x0080, 32);
    pub const ISENABLER: Bank32<Gicd> = Bank::at(0x0100, 32);
    pub const ICENABLER: Bank32<Gicd> = Bank::at(0x0180, 32);
    pub const ISPENDR: Bank32<Gicd> = Bank::at(0x0200, 32);
    pub const ICPENDR: Bank32<Gicd> = Bank::at(0x0280, 32);
    pub const ISACTIVER: Bank32<Gicd> = Bank::at(0x0300, 32);
    pub const ICACTIVER: Bank32<Gicd> = Bank::at(0x0380, 32);
    pub const IPRIORITYR: Bank32<Gicd> = Bank::at(0x0400, 255);
    /// GICv2 only (GICv3 with affinity routing: IROUTER).
    pub const ITARGETSR: Bank32<Gicd> = Bank::at(0x0800, 255);
    pub const ICFGR: Bank32<Gicd> = Bank::at(0x0C00, 64);
    /// GICv3, as seen from the secure side.
    pub const IGRPMODR: Bank32<Gicd> = Bank::at(0x0D00, 32);
    /// Non-secure access control (2 bits per INTID; secure-only).
    pub const NSACR: Bank32<Gicd> = Bank::at(0x0E00, 64);
    /// GICv2 only.
    pub const SGIR: Reg32<Gicd> = Reg::at(0x0F00);
    /// GICv2 only.
    pub const CPENDSGIR: Bank32<Gicd> = Bank::at(0x0F10, 4);
    /// GICv2 only.
    pub const SPENDSGIR: Bank32<Gicd> = Bank::at(0x0F20, 4);
    pub const IGROUPR_E: Bank32<Gicd> = Bank::at(0x1000, 32);
    pub const ISENABLER_E: Bank32<Gicd> = Bank::at(0x1200, 32);
    pub const ICENABLER_E: Bank32<Gicd> = Bank::at(0x1400, 32);
    pub const ISPENDR_E: Bank32<Gicd> = Bank::at(0x1600, 32);
    pub const ICPENDR_E: Bank32<Gicd> = Bank::at(0x1800, 32);
    pub const ISACTIVER_E: Bank32<Gicd> = Bank::at(0x1A00, 32);
    pub const ICACTIVER_E: Bank32<Gicd> = Bank::at(0x1C00, 32);
    pub const IPRIORITYR_E: Bank32<Gicd> = Bank::at(0x2000, 256);
    pub const ICFGR_E: Bank32<Gicd> = Bank::at(0x3000, 64);
    pub const IGRPMODR_E: Bank32<Gicd> = Bank::at(0x3400, 32);
    pub const NSACR_E: Bank32<Gicd> = Bank::at(0x3600, 64);
    /// Indexed by INTID; 0-31 are reserved (SGIs and PPIs route with
    /// their redistributor).
    pub const IROUTER: Bank64<Gicd> = Bank::at(0x6000, 1020);
    pub const IROUTER_E: Bank64<Gicd> = Bank::at(0x8000, 1024);

    /// GICD_CTLR: EnableGrp0, EnableGrp1 (GICv2: both groups; GICv3 with
    /// one security state or the non-secure view: EnableGrp1, EnableGrp1A).
    pub const CTLR_ENABLE_GRP0: u32 = 1 << 0;
    pub const CTLR_ENABLE_GRP1: u32 = 1 << 1;
    pub const CTLR_ENABLE_GRP1A: u32 = 1 << 2;
    /// ARE (ARE_S in the secure view), ARE_NS, DS.
    pub const CTLR_ARE: u32 = 1 << 4;
    pub const CTLR_ARE_NS: u32 = 1 << 5;
    pub const CTLR_DS: u32 = 1 << 6;
    /// Register write pending.
    pub const CTLR_RWP: u32 = 1 << 31;

    /// GICD_TYPER: ITLinesNumber (lines = 32 * (n + 1)), CPUNumber (GICv2),
    /// ESPI, ESPI_range (extended SPIs = 32 * (n + 1)).
    pub const TYPER_IT_LINES_MASK: u32 = 0x1f;
    pub const TYPER_CPU_NUMBER_SHIFT: u32 = 5;
    pub const TYPER_CPU_NUMBER_MASK: u32 = 0x7;
    pub const TYPER_ESPI: u32 = 1 << 8;
    pub const TYPER_ESPI_RANGE_SHIFT: u32 = 27;
    pub const TYPER_ESPI_RANGE_MASK: u32 = 0x1f;

    /// GICD_SGIR (GICv2) TargetListFilter 0b10: to the requesting CPU only.
    pub const SGIR_TO_SELF: u32 = 0b10 << 24;

    /// Interrupt lines of a distributor whose GICD_TYPER is `typer`, SGIs
    /// and PPIs included: 32 * (ITLinesNumber + 1), at most 1024 (of which
    /// 1020-1023 are special INTIDs, not lines).
    pub const fn lines(typer: u32) -> u32 {
        32 * ((typer & TYPER_IT_LINES_MASK) + 1)
    }

    /// Extended SPIs (GICv3.1): 32 * (ESPI_range + 1) when GICD_TYPER.ESPI
    /// is set, else none.
    pub const fn espi_lines(typer: u32) -> u32 {
        if typer & TYPER_ESPI == 0 {
            0
        } else {
            32 * (((typer >> TYPER_ESPI_RANGE_SHIFT) & TYPER_ESPI_RANGE_MASK) + 1)
        }
    }

    /// GICv2: CPU interfaces (GICD_TYPER.CPUNumber + 1).
    pub const fn v2_cpus(typer: u32) -> u32 {
        ((typer >> TYPER_CPU_NUMBER_SHIFT) & TYPER_CPU_NUMBER_MASK) + 1
    }
}

/// Redistributor registers; the SGI_base frame's at their offset from the
/// RD_base frame (64 KB + the architecture's offset).
pub mod gicr {
    #![allow(missing_docs)]
    use super::*;

    const SGI: usize = 0x1_0000;

    pub const CTLR: Reg32<Gicr> = Reg::at(0x0000);
    pub const IIDR: Reg32<Gicr> = Reg::at(0x0004);
    pub const TYPER: Reg64<Gicr> = Reg::at(0x0008);
    pub const STATUSR: Reg32<Gicr> = Reg::at(0x0010);
    pub const WAKER: Reg32<Gicr> = Reg::at(0x0014);
    pub const PROPBASER: Reg64<Gicr> = Reg::at(0x0070);
    pub const PENDBASER: Reg64<Gicr> = Reg::at(0x0078);
    pub const IGROUPR0: Reg32<Gicr> = Reg::at(SGI + 0x0080);
    pub const ISENABLER0: Reg32<Gicr> = Reg::at(SGI + 0x0100);
    pub const ICENABLER0: Reg32<Gicr> = Reg::at(SGI + 0x0180);
    pub const ISPENDR0: Reg32<Gicr> = Reg::at(SGI + 0x0200);
    pub const ICPENDR0: Reg32<Gicr> = Reg::at(SGI + 0x0280);
    pub const ISACTIVER0: Reg32<Gicr> = Reg::at(SGI + 0x0300);
    pub const ICACTIVER0: Reg32<Gicr> = Reg::at(SGI + 0x0380);
    /// The priorities of the SGIs and PPIs (INTIDs 0-31).
    pub const IPRIORITYR: Bank32<Gicr> = Bank::at(SGI + 0x0400, 8);
    /// SGIs (read-only: edge-triggered).
    pub const ICFGR0: Reg32<Gicr> = Reg::at(SGI + 0x0C00);
    /// PPIs.
    pub const ICFGR1: Reg32<Gicr> = Reg::at(SGI + 0x0C04);
    pub const IGRPMODR0: Reg32<Gicr> = Reg::at(SGI + 0x0D00);
    pub const NSACR: Reg32<Gicr> = Reg::at(SGI + 0x0E00);

    pub const CTLR_ENABLE_LPIS: u32 = 1 << 0;
    pub const CTLR_RWP: u32 = 1 << 3;
    pub const WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
    pub const WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
    /// GICR_TYPER: VLPIS (a GICv4 redistributor has two more 64 KB
    /// frames), Last (the last one of its region), and the PE's affinity
    /// (Aff3.Aff2.Aff1.Aff0) in bits 63:32.
    pub const TYPER_VLPIS: u64 = 1 << 1;
    pub const TYPER_LAST: u64 = 1 << 4;
    pub const TYPER_AFFINITY_SHIFT: u32 = 32;

    /// Bytes from one redistributor of a region to the next: two 64 KB
    /// frames, four with virtual LPIs (GICR_TYPER.VLPIS, GICv4).
    pub const fn stride(typer: u64) -> usize {
        if typer & TYPER_VLPIS != 0 {
            0x4_0000
        } else {
            0x2_0000
        }
    }

    /// Is this the last redistributor of its region (GICR_TYPER.Last)?
    pub const fn is_last(typer: u64) -> bool {
        typer & TYPER_LAST != 0
    }

    /// The PE affinity (Aff3.Aff2.Aff1.Aff0) this redistributor serves.
    pub const fn affinity(typer: u64) -> u32 {
        (typer >> TYPER_AFFINITY_SHIFT) as u32
    }
}

/// GICv2 CPU interface registers.
pub mod gicc {
    #![allow(missing_docs)]
    use super::*;

    pub const CTLR: Reg32<Gicc> = Reg::at(0x0000);
    pub const PMR: Reg32<Gicc> = Reg::at(0x0004);
    pub const BPR: Reg32<Gicc> = Reg::at(0x0008);
    pub const IAR: Reg32<Gicc> = Reg::at(0x000C);
    pub const EOIR: Reg32<Gicc> = Reg::at(0x0010);
    pub const ABPR: Reg32<Gicc> = Reg::at(0x001C);
    pub const APR: Bank32<Gicc> = Bank::at(0x00D0, 4);
    pub const NSAPR: Bank32<Gicc> = Bank::at(0x00E0, 4);
    pub const IIDR: Reg32<Gicc> = Reg::at(0x00FC);

    /// GICC_IAR: the INTID field (an SGI's source CPU is above it).
    pub const IAR_INTID_MASK: u32 = 0x3ff;
}

/// GICv2 virtual interface control registers.
pub mod gich {
    #![allow(missing_docs)]
    use super::*;

    pub const HCR: Reg32<Gich> = Reg::at(0x0000);
    pub const VTR: Reg32<Gich> = Reg::at(0x0004);
    pub const VMCR: Reg32<Gich> = Reg::at(0x0008);
    pub const APR: Reg32<Gich> = Reg::at(0x00F0);
    pub const LR: Bank32<Gich> = Bank::at(0x0100, 64);

    /// GICH_VTR.ListRegs: the number of list registers minus one.
    pub const VTR_LIST_REGS_MASK: u32 = 0x3f;

    /// List registers of a GICH whose GICH_VTR is `vtr` (at most 64).
    pub const fn list_regs(vtr: u32) -> u32 {
        (vtr & VTR_LIST_REGS_MASK) + 1
    }
}

/// ITS control registers.
pub mod gits {
    #![allow(missing_docs)]
    use super::*;

    pub const CTLR: Reg32<Gits> = Reg::at(0x0000);
    pub const IIDR: Reg32<Gits> = Reg::at(0x0004);
    pub const TYPER: Reg64<Gits> = Reg::at(0x0008);
    pub const CBASER: Reg64<Gits> = Reg::at(0x0080);
    pub const CWRITER: Reg64<Gits> = Reg::at(0x0088);
    pub const CREADR: Reg64<Gits> = Reg::at(0x0090);
    pub const BASER: Bank64<Gits> = Bank::at(0x0100, 8);

    pub const CTLR_ENABLED: u32 = 1 << 0;
    pub const CTLR_QUIESCENT: u32 = 1 << 31;
    pub const BASER_VALID: u64 = 1 << 63;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_offsets_from_the_specifications() {
        // GICv3 (IHI 0069H) tables 12-25, 12-27, 12-29; GICv2 (IHI 0048B)
        // tables 4-1, 4-2.
        assert_eq!(gicd::IPRIORITYR.get(254).map(Reg::offset), Some(0x7F8));
        assert_eq!(gicd::IROUTER.get(32).map(Reg::offset), Some(0x6100));
        assert_eq!(gicd::IROUTER.get(1019).map(Reg::offset), Some(0x7FD8));
        assert_eq!(gicd::IROUTER_E.get(1023).map(Reg::offset), Some(0x9FF8));
        assert_eq!(gicd::ICFGR_E.offset(), 0x3000);
        assert_eq!(gicr::ICFGR1.offset(), 0x1_0C04);
        assert_eq!(gicr::IPRIORITYR.get(7).map(Reg::offset), Some(0x1_041C));
        assert_eq!(gicc::IIDR.offset(), 0xFC);
        assert_eq!(gich::LR.get(63).map(Reg::offset), Some(0x1FC));
        assert_eq!(gits::BASER.get(7).map(Reg::offset), Some(0x138));
        // Every register, against the specifications' tables.
        let v: [(usize, usize); 45] = [
            (gicd::CTLR.offset(), 0x0000),
            (gicd::TYPER.offset(), 0x0004),
            (gicd::IGROUPR.offset(), 0x0080),
            (gicd::ISENABLER.offset(), 0x0100),
            (gicd::ICENABLER.offset(), 0x0180),
            (gicd::ISPENDR.offset(), 0x0200),
            (gicd::ICPENDR.offset(), 0x0280),
            (gicd::ISACTIVER.offset(), 0x0300),
            (gicd::ICACTIVER.offset(), 0x0380),
            (gicd::IPRIORITYR.offset(), 0x0400),
            (gicd::ITARGETSR.offset(), 0x0800),
            (gicd::ICFGR.offset(), 0x0C00),
            (gicd::IGRPMODR.offset(), 0x0D00),
            (gicd::SGIR.offset(), 0x0F00),
            (gicd::CPENDSGIR.offset(), 0x0F10),
            (gicd::IGROUPR_E.offset(), 0x1000),
            (gicd::ISENABLER_E.offset(), 0x1200),
            (gicd::ICENABLER_E.offset(), 0x1400),
            (gicd::ICPENDR_E.offset(), 0x1800),
            (gicd::ISACTIVER_E.offset(), 0x1A00),
            (gicd::ICACTIVER_E.offset(), 0x1C00),
            (gicd::IPRIORITYR_E.offset(), 0x2000),
            (gicd::IGRPMODR_E.offset(), 0x3400),
            (gicd::IROUTER_E.offset(), 0x8000),
            (gicr::CTLR.offset(), 0x0000),
            (gicr::TYPER.offset(), 0x0008),
            (gicr::WAKER.offset(), 0x0014),
            (gicr::PROPBASER.offset(), 0x0070),
            (gicr::PENDBASER.offset(), 0x0078),
            (gicr::IGROUPR0.offset(), 0x1_0080),
            (gicr::ISENABLER0.offset(), 0x1_0100),
            (gicr::ICENABLER0.offset(), 0x1_0180),
            (gicr::ISACTIVER0.offset(), 0x1_0300),
            (gicr::ICACTIVER0.offset(), 0x1_0380),
            (gicr::ICFGR0.offset(), 0x1_0C00),
            (gicr::IGRPMODR0.offset(), 0x1_0D00),
            (gicr::NSACR.offset(), 0x1_0E00),
            (gicd::NSACR.offset(), 0x0E00),
            (gicd::SPENDSGIR.offset(), 0x0F20),
            (gicd::ISPENDR_E.offset(), 0x1600),
            (gicd::NSACR_E.offset(), 0x3600),
            (gits::CTLR.offset(), 0x0000),
            (gits::TYPER.offset(), 0x0008),
            (gits::CBASER.offset(), 0x0080),
            (gits::CREADR.offset(), 0x0090),
        ];
        for (i, (got, want)) in v.into_iter().enumerate() {
            assert_eq!(got, want, "entry {i}");
        }
        assert_eq!(gicc::PMR.offset(), 0x04);
        assert_eq!(gicc::BPR.offset(), 0x08);
        assert_eq!(gicc::IAR.offset(), 0x0C);
        assert_eq!(gicc::EOIR.offset(), 0x10);
        assert_eq!(gicc::APR.offset(), 0xD0);
        assert_eq!(gich::VMCR.offset(), 0x08);
        assert_eq!(gich::APR.offset(), 0xF0);
        assert_eq!(gits::CWRITER.offset(), 0x0088);
    }

    #[test]
    fn geometry_from_the_id_registers() {
        assert_eq!(gicd::lines(0), 32);
        assert_eq!(gicd::lines(0x1f), 1024);
        assert_eq!(gicd::espi_lines(0x1f << 27), 0);
        assert_eq!(gicd::espi_lines(1 << 8), 32);
        assert_eq!(gicd::espi_lines((1 << 8) | (0x1f << 27)), 1024);
        assert_eq!(gicd::v2_cpus(0x7 << 5), 8);
        assert_eq!(gicr::stride(0), 0x2_0000);
        assert_eq!(gicr::stride(1 << 1), 0x4_0000);
        assert!(gicr::is_last(1 << 4) && !gicr::is_last(1 << 3));
        assert_eq!(gicr::affinity(0x0102_0304_0000_0010), 0x0102_0304);
        assert_eq!(gich::list_regs(0xffff_ffc3), 4);
    }

    #[test]
    fn fields_match_the_specifications() {
        assert_eq!(gicd::CTLR_RWP, 1 << 31);
        assert_eq!(gicd::CTLR_ARE | gicd::CTLR_ARE_NS | gicd::CTLR_DS, 0x70);
        assert_eq!(gicd::TYPER_ESPI, 1 << 8);
        assert_eq!(gicr::CTLR_ENABLE_LPIS | gicr::CTLR_RWP, 0b1001);
        assert_eq!(
            gicr::WAKER_PROCESSOR_SLEEP | gicr::WAKER_CHILDREN_ASLEEP,
            0b110
        );
        assert_eq!(gits::CTLR_QUIESCENT | gits::CTLR_ENABLED, 0x8000_0001);
        assert_eq!(gits::BASER_VALID, 1 << 63);
    }
}
