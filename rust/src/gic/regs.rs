//! GIC register layouts, offsets and bitfields, declared once.
//!
//! Each register block is laid out as a `#[repr(C)]` structure with
//! `tock_registers::register_structs!`, which checks every offset at compile
//! time. The structures are never instantiated and never placed over device
//! memory: they only fix the layout. The byte offsets the code uses are
//! derived from them with [`core::mem::offset_of!`] and checked once more
//! against the numbers of the architecture specification (IHI 0048B for
//! GICv2, IHI 0069H for GICv3 and the ITS), so a typo in either place stops
//! the build. Register access itself goes through [`super::Regs`].
//!
//! Array fields hold the largest number of registers the architecture
//! allows; which of them a given GIC implements is read from its TYPER.

use core::mem::offset_of;
use tock_registers::{register_bitfields, register_structs};

// ---------------------------------------------------------------------------
// GICv2

register_structs! {
    /// GICv2 distributor (GICD), 4 KB.
    pub GicdV2 {
        /// Distributor Control Register.
        (0x000 => pub ctlr: u32),
        /// Interrupt Controller Type Register (read-only).
        (0x004 => pub typer: u32),
        /// Distributor Implementer Identification Register (read-only).
        (0x008 => pub iidr: u32),
        (0x00C => _reserved0),
        /// Interrupt Group Registers, 1 bit per line.
        (0x080 => pub igroupr: [u32; 32]),
        /// Interrupt Set-Enable Registers, 1 bit per line (write 1 to set).
        (0x100 => pub isenabler: [u32; 32]),
        /// Interrupt Clear-Enable Registers, 1 bit per line (write 1 to clear).
        (0x180 => pub icenabler: [u32; 32]),
        /// Interrupt Set-Pending Registers.
        (0x200 => pub ispendr: [u32; 32]),
        /// Interrupt Clear-Pending Registers.
        (0x280 => pub icpendr: [u32; 32]),
        /// Interrupt Set-Active Registers, 1 bit per line (write 1 to set).
        (0x300 => pub isactiver: [u32; 32]),
        /// Interrupt Clear-Active Registers, 1 bit per line (write 1 to clear).
        (0x380 => pub icactiver: [u32; 32]),
        /// Interrupt Priority Registers, 1 byte per line (lines 0..1019).
        (0x400 => pub ipriorityr: [u32; 255]),
        (0x7FC => _reserved1),
        /// Interrupt Processor Targets Registers, 1 byte per line; 0-7
        /// (SGIs and PPIs) are read-only.
        (0x800 => pub itargetsr: [u32; 255]),
        (0xBFC => _reserved2),
        /// Interrupt Configuration Registers, 2 bits per line; 0 (SGIs) is
        /// read-only.
        (0xC00 => pub icfgr: [u32; 64]),
        (0xD00 => _reserved3),
        /// Software Generated Interrupt Register (write-only).
        (0xF00 => pub sgir: u32),
        (0xF04 => _reserved4),
        (0x1000 => @END),
    },

    /// GICv2 CPU interface (GICC), first 4 KB page.
    pub GiccV2 {
        /// CPU Interface Control Register.
        (0x00 => pub ctlr: u32),
        /// Interrupt Priority Mask Register.
        (0x04 => pub pmr: u32),
        /// Binary Point Register.
        (0x08 => pub bpr: u32),
        (0x0C => _reserved0),
        /// CPU Interface Identification Register (read-only).
        (0xFC => pub iidr: u32),
        (0x100 => @END),
    }
}

/// GICD_CTLR (GICv2).
pub const V2_GICD_CTLR: usize = offset_of!(GicdV2, ctlr);
/// GICD_TYPER (GICv2).
pub const V2_GICD_TYPER: usize = offset_of!(GicdV2, typer);
/// GICD_ISENABLER0 (GICv2).
pub const V2_GICD_ISENABLER: usize = offset_of!(GicdV2, isenabler);
/// GICD_ICENABLER0 (GICv2).
pub const V2_GICD_ICENABLER: usize = offset_of!(GicdV2, icenabler);
/// GICD_ISACTIVER0 (GICv2).
pub const V2_GICD_ISACTIVER: usize = offset_of!(GicdV2, isactiver);
/// GICD_ICACTIVER0 (GICv2).
pub const V2_GICD_ICACTIVER: usize = offset_of!(GicdV2, icactiver);
/// GICD_IPRIORITYR0 (GICv2).
pub const V2_GICD_IPRIORITYR: usize = offset_of!(GicdV2, ipriorityr);
/// GICD_ITARGETSR0 (GICv2).
pub const V2_GICD_ITARGETSR: usize = offset_of!(GicdV2, itargetsr);
/// GICD_ICFGR0 (GICv2).
pub const V2_GICD_ICFGR: usize = offset_of!(GicdV2, icfgr);
/// GICC_CTLR.
pub const V2_GICC_CTLR: usize = offset_of!(GiccV2, ctlr);
/// GICC_PMR.
pub const V2_GICC_PMR: usize = offset_of!(GiccV2, pmr);
/// GICC_BPR.
pub const V2_GICC_BPR: usize = offset_of!(GiccV2, bpr);
/// GICC_IIDR.
pub const V2_GICC_IIDR: usize = offset_of!(GiccV2, iidr);

const _: () = {
    assert!(V2_GICD_CTLR == 0x000);
    assert!(V2_GICD_TYPER == 0x004);
    assert!(V2_GICD_ISENABLER == 0x100);
    assert!(V2_GICD_ICENABLER == 0x180);
    assert!(V2_GICD_ISACTIVER == 0x300);
    assert!(V2_GICD_ICACTIVER == 0x380);
    assert!(V2_GICD_IPRIORITYR == 0x400);
    assert!(V2_GICD_ITARGETSR == 0x800);
    assert!(V2_GICD_ICFGR == 0xC00);
    assert!(V2_GICC_CTLR == 0x00);
    assert!(V2_GICC_PMR == 0x04);
    assert!(V2_GICC_BPR == 0x08);
    assert!(V2_GICC_IIDR == 0xFC);
};

// ---------------------------------------------------------------------------
// GICv3 distributor

register_structs! {
    /// GICv3 distributor (GICD), 64 KB.
    pub Gicd {
        /// Distributor Control Register.
        (0x0000 => pub ctlr: u32),
        /// Interrupt Controller Type Register (read-only).
        (0x0004 => pub typer: u32),
        /// Distributor Implementer Identification Register (read-only).
        (0x0008 => pub iidr: u32),
        /// Interrupt Controller Type Register 2 (read-only).
        (0x000C => pub typer2: u32),
        (0x0010 => _reserved0),
        /// Interrupt Group Registers, 1 bit per line.
        (0x0080 => pub igroupr: [u32; 32]),
        /// Interrupt Set-Enable Registers (write 1 to set).
        (0x0100 => pub isenabler: [u32; 32]),
        /// Interrupt Clear-Enable Registers (write 1 to clear).
        (0x0180 => pub icenabler: [u32; 32]),
        /// Interrupt Set-Pending Registers.
        (0x0200 => pub ispendr: [u32; 32]),
        /// Interrupt Clear-Pending Registers.
        (0x0280 => pub icpendr: [u32; 32]),
        /// Interrupt Set-Active Registers (write 1 to set).
        (0x0300 => pub isactiver: [u32; 32]),
        /// Interrupt Clear-Active Registers (write 1 to clear).
        (0x0380 => pub icactiver: [u32; 32]),
        /// Interrupt Priority Registers, 1 byte per line.
        (0x0400 => pub ipriorityr: [u32; 255]),
        (0x07FC => _reserved1),
        /// Interrupt Configuration Registers, 2 bits per line.
        (0x0C00 => pub icfgr: [u32; 64]),
        /// Interrupt Group Modifier Registers.
        (0x0D00 => pub igrpmodr: [u32; 32]),
        (0x0D80 => _reserved2),
        /// Interrupt Group Registers for extended SPIs.
        (0x1000 => pub igroupr_e: [u32; 32]),
        (0x1080 => _reserved3),
        /// Interrupt Set-Enable Registers for extended SPIs.
        (0x1200 => pub isenabler_e: [u32; 32]),
        (0x1280 => _reserved4),
        /// Interrupt Clear-Enable Registers for extended SPIs.
        (0x1400 => pub icenabler_e: [u32; 32]),
        (0x1480 => _reserved5),
        /// Interrupt Set-Active Registers for extended SPIs.
        (0x1A00 => pub isactiver_e: [u32; 32]),
        (0x1A80 => _reserved6),
        /// Interrupt Clear-Active Registers for extended SPIs.
        (0x1C00 => pub icactiver_e: [u32; 32]),
        (0x1C80 => _reserved7),
        /// Interrupt Priority Registers for extended SPIs.
        (0x2000 => pub ipriorityr_e: [u32; 256]),
        (0x2400 => _reserved8),
        /// Interrupt Configuration Registers for extended SPIs.
        (0x3000 => pub icfgr_e: [u32; 64]),
        (0x3100 => _reserved9),
        /// Interrupt Routing Registers, SPIs 32..1019 (IROUTER<n> at
        /// 0x6000 + 8n).
        (0x6100 => pub irouter: [u64; 988]),
        (0x7FE0 => _reserved10),
        /// Interrupt Routing Registers for extended SPIs 4096..5119.
        (0x8000 => pub irouter_e: [u64; 1024]),
        (0xA000 => _reserved11),
        (0x10000 => @END),
    }
}

/// GICD_CTLR.
pub const GICD_CTLR: usize = offset_of!(Gicd, ctlr);
/// GICD_TYPER.
pub const GICD_TYPER: usize = offset_of!(Gicd, typer);
/// GICD_IGROUPR0.
pub const GICD_IGROUPR: usize = offset_of!(Gicd, igroupr);
/// GICD_ISENABLER0.
pub const GICD_ISENABLER: usize = offset_of!(Gicd, isenabler);
/// GICD_ICENABLER0.
pub const GICD_ICENABLER: usize = offset_of!(Gicd, icenabler);
/// GICD_ISACTIVER0.
pub const GICD_ISACTIVER: usize = offset_of!(Gicd, isactiver);
/// GICD_ICACTIVER0.
pub const GICD_ICACTIVER: usize = offset_of!(Gicd, icactiver);
/// GICD_IPRIORITYR0.
pub const GICD_IPRIORITYR: usize = offset_of!(Gicd, ipriorityr);
/// GICD_ICFGR0.
pub const GICD_ICFGR: usize = offset_of!(Gicd, icfgr);
/// GICD_IROUTER32, the routing register of the first SPI.
pub const GICD_IROUTER32: usize = offset_of!(Gicd, irouter);
/// GICD_IGROUPR0E.
pub const GICD_IGROUPRE: usize = offset_of!(Gicd, igroupr_e);
/// GICD_ISENABLER0E.
pub const GICD_ISENABLERE: usize = offset_of!(Gicd, isenabler_e);
/// GICD_ICENABLER0E.
pub const GICD_ICENABLERE: usize = offset_of!(Gicd, icenabler_e);
/// GICD_ISACTIVER0E.
pub const GICD_ISACTIVERE: usize = offset_of!(Gicd, isactiver_e);
/// GICD_ICACTIVER0E.
pub const GICD_ICACTIVERE: usize = offset_of!(Gicd, icactiver_e);
/// GICD_IPRIORITYR0E.
pub const GICD_IPRIORITYRE: usize = offset_of!(Gicd, ipriorityr_e);
/// GICD_ICFGR0E.
pub const GICD_ICFGRE: usize = offset_of!(Gicd, icfgr_e);
/// GICD_IROUTER0E (extended SPI 4096).
pub const GICD_IROUTERE: usize = offset_of!(Gicd, irouter_e);

const _: () = {
    assert!(GICD_CTLR == 0x0000);
    assert!(GICD_TYPER == 0x0004);
    assert!(GICD_IGROUPR == 0x0080);
    assert!(GICD_ISENABLER == 0x0100);
    assert!(GICD_ICENABLER == 0x0180);
    assert!(GICD_ISACTIVER == 0x0300);
    assert!(GICD_ICACTIVER == 0x0380);
    assert!(GICD_IPRIORITYR == 0x0400);
    assert!(GICD_ICFGR == 0x0C00);
    assert!(GICD_IROUTER32 == 0x6000 + 8 * 32);
    assert!(GICD_IGROUPRE == 0x1000);
    assert!(GICD_ISENABLERE == 0x1200);
    assert!(GICD_ICENABLERE == 0x1400);
    assert!(GICD_ISACTIVERE == 0x1A00);
    assert!(GICD_ICACTIVERE == 0x1C00);
    assert!(GICD_IPRIORITYRE == 0x2000);
    assert!(GICD_ICFGRE == 0x3000);
    assert!(GICD_IROUTERE == 0x8000);
    // The registers both versions share sit at the same offsets.
    assert!(GICD_CTLR == V2_GICD_CTLR && GICD_TYPER == V2_GICD_TYPER);
    assert!(GICD_ISENABLER == V2_GICD_ISENABLER && GICD_ICENABLER == V2_GICD_ICENABLER);
    assert!(GICD_ISACTIVER == V2_GICD_ISACTIVER && GICD_ICACTIVER == V2_GICD_ICACTIVER);
    assert!(GICD_IPRIORITYR == V2_GICD_IPRIORITYR && GICD_ICFGR == V2_GICD_ICFGR);
};

// ---------------------------------------------------------------------------
// GICv3 redistributor

register_structs! {
    /// RD_base frame of a GICv3 redistributor, 64 KB.
    pub GicrRd {
        /// Redistributor Control Register.
        (0x0000 => pub ctlr: u32),
        /// Implementer Identification Register (read-only).
        (0x0004 => pub iidr: u32),
        /// Redistributor Type Register (read-only, 64-bit).
        (0x0008 => pub typer: u64),
        /// Error Reporting Status Register.
        (0x0010 => pub statusr: u32),
        /// Redistributor Wake Register.
        (0x0014 => pub waker: u32),
        (0x0018 => _reserved0),
        /// LPI configuration table base (64-bit).
        (0x0070 => pub propbaser: u64),
        /// LPI pending table base (64-bit).
        (0x0078 => pub pendbaser: u64),
        (0x0080 => _reserved1),
        (0x10000 => @END),
    },

    /// SGI_base frame of a GICv3 redistributor (SGIs and PPIs of its PE), 64 KB.
    pub GicrSgi {
        (0x0000 => _reserved0),
        /// Interrupt Group Register 0.
        (0x0080 => pub igroupr0: u32),
        (0x0084 => _reserved1),
        /// Interrupt Set-Enable Register 0 (write 1 to set).
        (0x0100 => pub isenabler0: u32),
        (0x0104 => _reserved2),
        /// Interrupt Clear-Enable Register 0 (write 1 to clear).
        (0x0180 => pub icenabler0: u32),
        (0x0184 => _reserved3),
        /// Interrupt Set-Active Register 0 (write 1 to set).
        (0x0300 => pub isactiver0: u32),
        (0x0304 => _reserved4),
        /// Interrupt Clear-Active Register 0 (write 1 to clear).
        (0x0380 => pub icactiver0: u32),
        (0x0384 => _reserved5),
        /// Interrupt Priority Registers 0-7 (SGIs and PPIs).
        (0x0400 => pub ipriorityr: [u32; 8]),
        (0x0420 => _reserved6),
        /// Interrupt Configuration Register 0 (SGIs, read-only).
        (0x0C00 => pub icfgr0: u32),
        /// Interrupt Configuration Register 1 (PPIs).
        (0x0C04 => pub icfgr1: u32),
        (0x0C08 => _reserved7),
        (0x10000 => @END),
    },

    /// One GICv3 redistributor: its two 64 KB frames, as one [`super::Regs`]
    /// sees them.
    pub Gicr {
        /// RD_base.
        (0x00000 => pub rd: GicrRd),
        /// SGI_base.
        (0x10000 => pub sgi: GicrSgi),
        (0x20000 => @END),
    }
}

/// Size of one redistributor (RD_base and SGI_base frames).
pub const GICR_SIZE: usize = core::mem::size_of::<Gicr>();
/// GICR_CTLR.
pub const GICR_CTLR: usize = offset_of!(Gicr, rd.ctlr);
/// GICR_TYPER (64-bit).
pub const GICR_TYPER: usize = offset_of!(Gicr, rd.typer);
/// GICR_WAKER.
pub const GICR_WAKER: usize = offset_of!(Gicr, rd.waker);
/// GICR_PROPBASER (64-bit).
pub const GICR_PROPBASER: usize = offset_of!(Gicr, rd.propbaser);
/// GICR_PENDBASER (64-bit).
pub const GICR_PENDBASER: usize = offset_of!(Gicr, rd.pendbaser);
/// GICR_IGROUPR0 (SGI frame).
pub const GICR_IGROUPR0: usize = offset_of!(Gicr, sgi.igroupr0);
/// GICR_ISENABLER0 (SGI frame).
pub const GICR_ISENABLER0: usize = offset_of!(Gicr, sgi.isenabler0);
/// GICR_ICENABLER0 (SGI frame).
pub const GICR_ICENABLER0: usize = offset_of!(Gicr, sgi.icenabler0);
/// GICR_ISACTIVER0 (SGI frame).
pub const GICR_ISACTIVER0: usize = offset_of!(Gicr, sgi.isactiver0);
/// GICR_ICACTIVER0 (SGI frame).
pub const GICR_ICACTIVER0: usize = offset_of!(Gicr, sgi.icactiver0);
/// GICR_IPRIORITYR0 (SGI frame); IPRIORITYR1-7 follow.
pub const GICR_IPRIORITYR: usize = offset_of!(Gicr, sgi.ipriorityr);
/// GICR_ICFGR0 (SGI frame, read-only).
pub const GICR_ICFGR0: usize = offset_of!(Gicr, sgi.icfgr0);
/// GICR_ICFGR1 (SGI frame).
pub const GICR_ICFGR1: usize = offset_of!(Gicr, sgi.icfgr1);
/// Number of GICR_IPRIORITYR registers (SGIs and PPIs).
pub const GICR_IPRIORITYR_COUNT: usize = 8;

const _: () = {
    assert!(GICR_SIZE == 0x20000);
    assert!(GICR_CTLR == 0x0000);
    assert!(GICR_TYPER == 0x0008);
    assert!(GICR_WAKER == 0x0014);
    assert!(GICR_PROPBASER == 0x0070);
    assert!(GICR_PENDBASER == 0x0078);
    assert!(GICR_IGROUPR0 == 0x10000 + 0x0080);
    assert!(GICR_ISENABLER0 == 0x10000 + 0x0100);
    assert!(GICR_ICENABLER0 == 0x10000 + 0x0180);
    assert!(GICR_ISACTIVER0 == 0x10000 + 0x0300);
    assert!(GICR_ICACTIVER0 == 0x10000 + 0x0380);
    assert!(GICR_IPRIORITYR == 0x10000 + 0x0400);
    assert!(GICR_ICFGR0 == 0x10000 + 0x0C00);
    assert!(GICR_ICFGR1 == 0x10000 + 0x0C04);
    assert!(core::mem::size_of::<[u32; GICR_IPRIORITYR_COUNT]>() == 0x20);
};

// ---------------------------------------------------------------------------
// ITS

register_structs! {
    /// ITS control frame (ITS_base), 64 KB.
    pub Gits {
        /// ITS Control Register.
        (0x0000 => pub ctlr: u32),
        /// ITS Identification Register (read-only).
        (0x0004 => pub iidr: u32),
        /// ITS Type Register (read-only, 64-bit).
        (0x0008 => pub typer: u64),
        (0x0010 => _reserved0),
        /// Command queue base (64-bit).
        (0x0080 => pub cbaser: u64),
        /// Command queue write pointer (64-bit).
        (0x0088 => pub cwriter: u64),
        /// Command queue read pointer (64-bit, read-only).
        (0x0090 => pub creadr: u64),
        (0x0098 => _reserved1),
        /// ITS translation table descriptors, 64-bit each.
        (0x0100 => pub baser: [u64; 8]),
        (0x0140 => _reserved2),
        (0x10000 => @END),
    }
}

/// GITS_CTLR.
pub const GITS_CTLR: usize = offset_of!(Gits, ctlr);
/// GITS_TYPER (64-bit).
pub const GITS_TYPER: usize = offset_of!(Gits, typer);
/// GITS_CBASER (64-bit).
pub const GITS_CBASER: usize = offset_of!(Gits, cbaser);
/// GITS_CWRITER (64-bit).
pub const GITS_CWRITER: usize = offset_of!(Gits, cwriter);
/// GITS_CREADR (64-bit).
pub const GITS_CREADR: usize = offset_of!(Gits, creadr);
/// GITS_BASER0 (64-bit); BASER1-7 follow.
pub const GITS_BASER: usize = offset_of!(Gits, baser);

const _: () = {
    assert!(GITS_CTLR == 0x0000);
    assert!(GITS_TYPER == 0x0008);
    assert!(GITS_CBASER == 0x0080);
    assert!(GITS_CWRITER == 0x0088);
    assert!(GITS_CREADR == 0x0090);
    assert!(GITS_BASER == 0x0100);
};

// ---------------------------------------------------------------------------
// Bitfields (crate-internal: the macro's items carry no documentation)

register_bitfields![u32,
    /// GICD_TYPER (both versions).
    pub(crate) GICD_TYPER [
        /// Number of implemented lines is 32 * (ITLinesNumber + 1), at most 1020.
        ITLinesNumber OFFSET(0) NUMBITS(5) [],
        /// Extended SPIs implemented (GICv3.1).
        ESPI OFFSET(8) NUMBITS(1) [],
        /// Number of extended SPIs is 32 * (ESPI_range + 1).
        ESPI_range OFFSET(27) NUMBITS(5) []
    ],
    /// GICD_CTLR as Non-secure software sees it (GICv2 uses bit 0 only).
    /// With DS=0 bit 0 is EnableGrp1 and bit 1 EnableGrp1A; with DS=1 bit 0
    /// is EnableGrp0 and bit 1 EnableGrp1; the Secure view has EnableGrp1S at
    /// bit 2 and ARE_NS at bit 5.
    pub(crate) GICD_CTLR [
        /// Group enable, bit 0.
        Enable0 OFFSET(0) NUMBITS(1) [],
        /// Group enable, bit 1.
        Enable1 OFFSET(1) NUMBITS(1) [],
        /// Group enable, bit 2 (Secure view: EnableGrp1S).
        Enable2 OFFSET(2) NUMBITS(1) [],
        /// Affinity routing enable (ARE_NS in the Non-secure view, ARE with
        /// DS=1, ARE_S in the Secure view).
        ARE OFFSET(4) NUMBITS(1) [],
        /// ARE_NS in the Secure view.
        ARE_NS_S OFFSET(5) NUMBITS(1) [],
        /// Disable Security (single security state).
        DS OFFSET(6) NUMBITS(1) [],
        /// Register Write Pending (read-only).
        RWP OFFSET(31) NUMBITS(1) []
    ],
    /// GICR_CTLR.
    pub(crate) GICR_CTLR [
        /// LPIs enabled.
        EnableLPIs OFFSET(0) NUMBITS(1) [],
        /// Register Write Pending (read-only).
        RWP OFFSET(3) NUMBITS(1) []
    ],
    /// GICR_WAKER.
    pub(crate) GICR_WAKER [
        /// The connected PE is asleep (written by software).
        ProcessorSleep OFFSET(1) NUMBITS(1) [],
        /// The redistributor's interface to the PE is quiescent.
        ChildrenAsleep OFFSET(2) NUMBITS(1) []
    ],
    /// GITS_CTLR.
    pub(crate) GITS_CTLR [
        /// ITS enabled.
        Enabled OFFSET(0) NUMBITS(1) [],
        /// ITS quiescent (read-only).
        Quiescent OFFSET(31) NUMBITS(1) []
    ]
];

register_bitfields![u64,
    /// GITS_BASER<n>.
    pub(crate) GITS_BASER [
        /// The table is allocated and in use.
        Valid OFFSET(63) NUMBITS(1) []
    ]
];

const fn mask32<R: tock_registers::RegisterLongName>(
    f: tock_registers::fields::Field<u32, R>,
) -> u32 {
    f.mask << f.shift
}

/// GICD_TYPER.ITLinesNumber.
pub(crate) const TYPER_IT_LINES: tock_registers::fields::Field<u32, GICD_TYPER::Register> =
    GICD_TYPER::ITLinesNumber;
/// GICD_TYPER.ESPI.
pub(crate) const TYPER_ESPI: u32 = mask32(GICD_TYPER::ESPI);
/// GICD_TYPER.ESPI_range.
pub(crate) const TYPER_ESPI_RANGE: tock_registers::fields::Field<u32, GICD_TYPER::Register> =
    GICD_TYPER::ESPI_range;
/// The group enable bits of GICD_CTLR, in every view.
pub(crate) const CTLR_ENABLES: u32 =
    mask32(GICD_CTLR::Enable0) | mask32(GICD_CTLR::Enable1) | mask32(GICD_CTLR::Enable2);
/// GICD_CTLR.ARE (ARE_NS as Xen sees it).
pub(crate) const CTLR_ARE: u32 = mask32(GICD_CTLR::ARE);
/// GICD_CTLR.ARE_NS in the Secure view.
pub(crate) const CTLR_ARE_NS_S: u32 = mask32(GICD_CTLR::ARE_NS_S);
/// GICD_CTLR.DS.
pub(crate) const CTLR_DS: u32 = mask32(GICD_CTLR::DS);
/// GICD_CTLR.RWP.
pub(crate) const CTLR_RWP: u32 = mask32(GICD_CTLR::RWP);
/// GICR_CTLR.EnableLPIs.
pub(crate) const GICR_CTLR_ENABLE_LPIS: u32 = mask32(GICR_CTLR::EnableLPIs);
/// GICR_CTLR.RWP.
pub(crate) const GICR_CTLR_RWP: u32 = mask32(GICR_CTLR::RWP);
/// GICR_WAKER.ProcessorSleep.
pub(crate) const WAKER_PS: u32 = mask32(GICR_WAKER::ProcessorSleep);
/// GICR_WAKER.ChildrenAsleep.
pub(crate) const WAKER_CA: u32 = mask32(GICR_WAKER::ChildrenAsleep);
/// GITS_CTLR.Enabled.
pub(crate) const GITS_CTLR_ENABLED: u32 = mask32(GITS_CTLR::Enabled);
/// GITS_CTLR.Quiescent.
pub(crate) const GITS_CTLR_QUIESCENT: u32 = mask32(GITS_CTLR::Quiescent);
/// GITS_BASER<n>.Valid.
pub(crate) const GITS_BASER_VALID: u64 = GITS_BASER::Valid.mask << GITS_BASER::Valid.shift;

const _: () = {
    assert!(CTLR_ENABLES == 0b111);
    assert!(CTLR_ARE == 1 << 4 && CTLR_ARE_NS_S == 1 << 5 && CTLR_DS == 1 << 6);
    assert!(CTLR_RWP == 1 << 31 && TYPER_ESPI == 1 << 8);
    assert!(GICR_CTLR_ENABLE_LPIS == 1 && GICR_CTLR_RWP == 1 << 3);
    assert!(WAKER_PS == 1 << 1 && WAKER_CA == 1 << 2);
    assert!(GITS_CTLR_ENABLED == 1 && GITS_CTLR_QUIESCENT == 1 << 31);
    assert!(GITS_BASER_VALID == 1 << 63);
};
