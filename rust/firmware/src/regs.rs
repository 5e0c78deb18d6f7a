//! Register values and GIC geometry, computed here so that the host tests
//! can check them: what the EL2 and EL1 system registers of the CPU that
//! suspends are left at ("reset" or "scrambled"), and how many list
//! registers, priority registers and interrupt lines a GIC has.
//!
//! "Reset" values are what this firmware hands over at a cold boot (the
//! architectural RES1 bits, MMU and caches off, most registers 0): a
//! suspend then looks exactly like a power cycle. "Scrambled" values are
//! fixed non-zero patterns for every register where any value is
//! architecturally allowed, so that whatever Xen does not set up again
//! after a resume shows; they keep the resume entry runnable: SCTLR_EL2
//! M, C, I and EE clear (EL2, MMU and caches off, little endian),
//! HCR_EL2.TGE and E2H clear, MDCR_EL2.HPMN within PMCR_EL0.N, the
//! timers masked, aligned addresses where alignment is required. The GIC
//! is left at its reset values in both modes (scrambled enable bits would
//! fire interrupts, not test a restore).

/// How SYSTEM_SUSPEND leaves the registers of the CPU that called it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WipeMode {
    Reset,
    Scrambled,
}

impl WipeMode {
    /// From the configuration word at [`crate::layout::CONFIG_ADDR`].
    pub fn from_config(word: u32) -> Self {
        if word == crate::layout::WIPE_SCRAMBLED_MAGIC {
            WipeMode::Scrambled
        } else {
            WipeMode::Reset
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            WipeMode::Reset => "reset",
            WipeMode::Scrambled => "scrambled",
        }
    }
}

/// The fixed pattern of scrambled registers.
pub const PATTERN: u64 = 0x5a5a_5a5a_5a5a_5a5a;

pub use xsr_arch::sysreg::{
    SCTLR_A, SCTLR_C, SCTLR_EE, SCTLR_EL1_RES1, SCTLR_EL2_RES1, SCTLR_I, SCTLR_M, SCTLR_SA,
    SCTLR_WXN,
};
/// TCR_EL2 (no VHE): RES1 bits 31, 23.
pub const TCR_EL2_RES1: u64 = 0x8080_0000;
/// VTCR_EL2: RES1 bit 31.
pub const VTCR_EL2_RES1: u64 = 0x8000_0000;
/// CPTR_EL2 (no VHE): RES1 bits 13, 12, 9-0.
pub const CPTR_EL2_RES1: u64 = 0x33ff;
pub const HCR_TGE: u64 = 1 << 27;
pub const HCR_E2H: u64 = 1 << 34;
/// CNTHCTL_EL2: EL1PCTEN | EL1PCEN (EL1 may use the physical counter and
/// timer), what this firmware hands over at boot.
pub const CNTHCTL_EL2_BOOT: u64 = 0b11;
/// SPSR_EL3 for an entry at EL2h with D, A, I, F masked.
pub const SPSR_EL2H_DAIF: u64 = 0x3c9;

/// What the register values depend on, read from the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuIds {
    pub midr: u64,
    pub mpidr: u64,
    /// PMCR_EL0.N, the number of event counters.
    pub pmcr_n: u64,
}

/// The EL2, EL1 and EL0 system registers the firmware writes before it
/// enters the non-secure world (cold boot, CPU_ON: reset values) and when
/// it emulates a power loss (SYSTEM_SUSPEND: reset or scrambled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct El2El1 {
    pub sctlr_el2: u64,
    pub tcr_el2: u64,
    pub ttbr0_el2: u64,
    pub mair_el2: u64,
    pub vbar_el2: u64,
    pub hcr_el2: u64,
    pub vtcr_el2: u64,
    pub vttbr_el2: u64,
    pub tpidr_el2: u64,
    pub cptr_el2: u64,
    pub mdcr_el2: u64,
    pub hstr_el2: u64,
    pub cnthctl_el2: u64,
    pub cntvoff_el2: u64,
    pub cnthp_ctl_el2: u64,
    pub cnthp_cval_el2: u64,
    pub elr_el2: u64,
    pub spsr_el2: u64,
    pub sp_el2: u64,
    pub esr_el2: u64,
    pub far_el2: u64,
    pub vpidr_el2: u64,
    pub vmpidr_el2: u64,
    pub sctlr_el1: u64,
    pub ttbr0_el1: u64,
    pub ttbr1_el1: u64,
    pub tcr_el1: u64,
    pub mair_el1: u64,
    pub vbar_el1: u64,
    pub contextidr_el1: u64,
    pub tpidr_el0: u64,
    pub tpidr_el1: u64,
    pub tpidrro_el0: u64,
    pub sp_el1: u64,
    pub sp_el0: u64,
    pub elr_el1: u64,
    pub spsr_el1: u64,
    pub esr_el1: u64,
    pub far_el1: u64,
    pub par_el1: u64,
    pub cntkctl_el1: u64,
    pub cntv_ctl_el0: u64,
    pub cntv_cval_el0: u64,
    pub cntp_ctl_el0: u64,
    pub cntp_cval_el0: u64,
}

/// The values for `mode` on the CPU described by `ids`.
pub fn el2_el1_values(mode: WipeMode, ids: CpuIds) -> El2El1 {
    let hpmn = ids.pmcr_n & 0x1f;
    match mode {
        WipeMode::Reset => El2El1 {
            sctlr_el2: SCTLR_EL2_RES1,
            tcr_el2: TCR_EL2_RES1,
            vtcr_el2: VTCR_EL2_RES1,
            cptr_el2: CPTR_EL2_RES1,
            mdcr_el2: hpmn,
            cnthctl_el2: CNTHCTL_EL2_BOOT,
            vpidr_el2: ids.midr & 0xffff_ffff,
            vmpidr_el2: ids.mpidr,
            sctlr_el1: SCTLR_EL1_RES1,
            ..El2El1::default()
        },
        WipeMode::Scrambled => scrambled(ids, hpmn),
    }
}

fn scrambled(_ids: CpuIds, hpmn: u64) -> El2El1 {
    const P: u64 = PATTERN;
    // Page-aligned table bases, 2 KB aligned vectors, 16-byte aligned
    // stacks, 4-byte aligned return addresses.
    let table = P & 0x0000_ffff_ffff_f000;
    let vectors = P & 0x0000_ffff_ffff_f800;
    let stack = P & !0xf;
    let code = P & !0x3;
    // VM, SWIO, FMO, IMO, AMO, BSU inner, TWI, TWE, TSC, TVM, RW: traps
    // and routing for EL1 only; TGE and E2H stay clear.
    let hcr = 1
        | (1 << 1)
        | (1 << 3)
        | (1 << 4)
        | (1 << 5)
        | (1 << 10)
        | (1 << 13)
        | (1 << 14)
        | (1 << 19)
        | (1 << 26)
        | (1 << 31);
    // T0SZ 25, IRGN/ORGN write-back, inner shareable, 4 KB granule.
    let tcr0 = 25 | (1 << 8) | (1 << 10) | (3 << 12);
    // The same for TTBR1 (4 KB granule is TG1 = 0b10), 36-bit IPS.
    let tcr1 = (25 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30);
    // ENABLE | IMASK: a timer that runs but cannot interrupt.
    let timer_ctl = 0b11;
    // NZCV set, D A I F masked, EL1h.
    let spsr = 0xf000_03c5;
    El2El1 {
        sctlr_el2: SCTLR_EL2_RES1 | SCTLR_A | SCTLR_SA | SCTLR_WXN,
        tcr_el2: TCR_EL2_RES1 | tcr0 | (1 << 16),
        ttbr0_el2: table,
        mair_el2: P,
        vbar_el2: vectors,
        hcr_el2: hcr,
        // T0SZ 25, SL0 level 1, write-back, inner shareable, 40-bit PA.
        vtcr_el2: VTCR_EL2_RES1 | tcr0 | (1 << 6) | (2 << 16),
        vttbr_el2: P & 0x00ff_ffff_ffff_f000,
        tpidr_el2: P,
        // Traps FP/SIMD, trace and CPACR accesses to EL2.
        cptr_el2: CPTR_EL2_RES1 | (1 << 10) | (1 << 20) | (1 << 31),
        // TPMCR, TPM, TDA, TDOSA, TDRA, and HPMN = N.
        mdcr_el2: hpmn | (1 << 5) | (1 << 6) | (1 << 9) | (1 << 10) | (1 << 11),
        // T4 and T14 are RES0.
        hstr_el2: P & 0xffff & !((1 << 4) | (1 << 14)),
        // Event stream on (EVNTI 10), EL1 access to the physical counter
        // and timer trapped.
        cnthctl_el2: (0xa << 4) | (1 << 2),
        cntvoff_el2: P,
        cnthp_ctl_el2: timer_ctl,
        cnthp_cval_el2: P,
        elr_el2: code,
        spsr_el2: spsr,
        sp_el2: stack,
        esr_el2: P & 0xffff_ffff,
        far_el2: P,
        vpidr_el2: P & 0xffff_ffff,
        // Bit 31 is RES1.
        vmpidr_el2: (1 << 31) | (P & 0xff_00ff_ffff & !(1 << 31)),
        sctlr_el1: SCTLR_EL1_RES1 | SCTLR_C | SCTLR_SA | SCTLR_I,
        ttbr0_el1: table,
        ttbr1_el1: table,
        tcr_el1: tcr0 | tcr1 | (1 << 32),
        mair_el1: P,
        vbar_el1: vectors,
        contextidr_el1: P & 0xffff_ffff,
        tpidr_el0: P,
        tpidr_el1: P,
        tpidrro_el0: P,
        sp_el1: stack,
        sp_el0: stack,
        elr_el1: code,
        spsr_el1: spsr,
        esr_el1: P & 0xffff_ffff,
        far_el1: P,
        par_el1: P & 0x0000_ffff_ffff_f000,
        cntkctl_el1: (0xa << 4) | (1 << 2),
        cntv_ctl_el0: timer_ctl,
        cntv_cval_el0: P,
        cntp_ctl_el0: timer_ctl,
        cntp_cval_el0: P,
    }
}

/// GIC geometry from its ID and type registers.
pub mod gic {
    use xsr_arch::gic::{gicd, gich, gicr};

    /// Interrupt lines of a distributor (SGIs and PPIs included): 32 *
    /// (GICD_TYPER.ITLinesNumber + 1), at most 1020 (1024 slots).
    pub fn lines(gicd_typer: u32) -> u32 {
        gicd::lines(gicd_typer)
    }

    /// Extended SPIs of a GICv3.1 distributor: 32 * (ESPI_range + 1) when
    /// GICD_TYPER.ESPI is set, else none.
    pub fn espi_lines(gicd_typer: u32) -> u32 {
        gicd::espi_lines(gicd_typer)
    }

    /// GICv2: CPU interfaces (GICD_TYPER.CPUNumber + 1).
    pub fn v2_cpus(gicd_typer: u32) -> usize {
        gicd::v2_cpus(gicd_typer) as usize
    }

    /// Bytes between two GICv3 redistributors: two 64 KB frames, four
    /// with virtual LPIs (GICR_TYPER.VLPIS, GICv4).
    pub fn gicr_stride(gicr_typer_lo: u32) -> u64 {
        gicr::stride(u64::from(gicr_typer_lo)) as u64
    }

    /// Is this the last redistributor of its region (GICR_TYPER.Last)?
    pub fn gicr_last(gicr_typer_lo: u32) -> bool {
        gicr::is_last(u64::from(gicr_typer_lo))
    }

    /// Active priority registers (ICC_AP1R<n>_EL1, ICH_AP<m>R<n>_EL2) for
    /// a PRIbits field (priority bits minus 1): 1 for 5 bits, 2 for 6,
    /// 4 for 7 or 8.
    pub fn apr_count(pribits_field: u64) -> usize {
        match (pribits_field & 0x7) + 1 {
            0..=5 => 1,
            6 => 2,
            _ => 4,
        }
    }

    /// ICH_VTR_EL2: list registers (ListRegs + 1, at most 16).
    pub fn ich_lrs(ich_vtr: u64) -> usize {
        (((ich_vtr & 0x1f) + 1) as usize).min(16)
    }

    /// ICH_VTR_EL2: the PRIbits field (bits 31:29).
    pub fn ich_pribits(ich_vtr: u64) -> u64 {
        (ich_vtr >> 29) & 0x7
    }

    /// GICH_VTR (GICv2): list registers (ListRegs + 1, at most 64).
    pub fn gich_lrs(gich_vtr: u32) -> usize {
        gich::list_regs(gich_vtr) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: CpuIds = CpuIds {
        midr: 0x411f_d070,
        mpidr: 0x8000_0000,
        pmcr_n: 6,
    };

    fn both() -> [El2El1; 2] {
        [
            el2_el1_values(WipeMode::Reset, IDS),
            el2_el1_values(WipeMode::Scrambled, IDS),
        ]
    }

    #[test]
    fn mode_from_config_word() {
        assert_eq!(WipeMode::from_config(0), WipeMode::Reset);
        assert_eq!(WipeMode::from_config(0x5343_524d), WipeMode::Scrambled);
        assert_eq!(WipeMode::from_config(0x4d52_4353), WipeMode::Reset);
        assert_eq!(WipeMode::from_config(u32::MAX), WipeMode::Reset);
        assert_eq!(WipeMode::Scrambled.name(), "scrambled");
        assert_eq!(WipeMode::Reset.name(), "reset");
    }

    #[test]
    fn resume_entry_stays_runnable() {
        for v in both() {
            // EL2 with the MMU and caches off, little endian.
            assert_eq!(v.sctlr_el2 & (SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_EE), 0);
            assert_eq!(v.sctlr_el2 & SCTLR_EL2_RES1, SCTLR_EL2_RES1);
            assert_eq!(v.sctlr_el1 & SCTLR_EL1_RES1, SCTLR_EL1_RES1);
            assert_eq!(v.sctlr_el1 & SCTLR_M, 0);
            assert_eq!(v.hcr_el2 & (HCR_TGE | HCR_E2H), 0);
            assert_eq!(v.tcr_el2 & TCR_EL2_RES1, TCR_EL2_RES1);
            assert_eq!(v.vtcr_el2 & VTCR_EL2_RES1, VTCR_EL2_RES1);
            assert_eq!(v.cptr_el2 & CPTR_EL2_RES1, CPTR_EL2_RES1);
            // HPMN must not exceed PMCR_EL0.N.
            assert_eq!(v.mdcr_el2 & 0x1f, IDS.pmcr_n);
            // Timers never interrupt: off, or masked.
            for ctl in [v.cnthp_ctl_el2, v.cntp_ctl_el0, v.cntv_ctl_el0] {
                assert!(ctl & 1 == 0 || ctl & 2 != 0, "{ctl:#x}");
            }
            // Alignment where it is required.
            assert_eq!(v.vbar_el2 & 0x7ff, 0);
            assert_eq!(v.vbar_el1 & 0x7ff, 0);
            for sp in [v.sp_el2, v.sp_el1, v.sp_el0] {
                assert_eq!(sp & 0xf, 0);
            }
            for t in [v.ttbr0_el2, v.ttbr0_el1, v.ttbr1_el1, v.vttbr_el2] {
                assert_eq!(t & 0xfff, 0);
            }
            assert_eq!(v.vmpidr_el2 & (1 << 31), 1 << 31);
        }
    }

    #[test]
    fn reset_is_the_boot_state() {
        let r = el2_el1_values(WipeMode::Reset, IDS);
        assert_eq!(r.sctlr_el2, SCTLR_EL2_RES1);
        assert_eq!(r.sctlr_el1, SCTLR_EL1_RES1);
        assert_eq!(r.hcr_el2, 0);
        assert_eq!(r.vbar_el2, 0);
        assert_eq!(r.ttbr0_el2, 0);
        assert_eq!(r.cnthctl_el2, CNTHCTL_EL2_BOOT);
        assert_eq!(r.vpidr_el2, IDS.midr);
        assert_eq!(r.vmpidr_el2, IDS.mpidr);
        assert_eq!(r.mdcr_el2, 6);
        assert_eq!((r.cnthp_ctl_el2, r.cntp_ctl_el0, r.cntv_ctl_el0), (0, 0, 0));
    }

    #[test]
    fn scrambled_differs_everywhere() {
        let [r, s] = both();
        // Every register a scrambled wipe writes differs from its reset
        // value (so a missing restore shows), field by field.
        let pairs = [
            (r.sctlr_el2, s.sctlr_el2),
            (r.tcr_el2, s.tcr_el2),
            (r.ttbr0_el2, s.ttbr0_el2),
            (r.mair_el2, s.mair_el2),
            (r.vbar_el2, s.vbar_el2),
            (r.hcr_el2, s.hcr_el2),
            (r.vtcr_el2, s.vtcr_el2),
            (r.vttbr_el2, s.vttbr_el2),
            (r.tpidr_el2, s.tpidr_el2),
            (r.cptr_el2, s.cptr_el2),
            (r.mdcr_el2, s.mdcr_el2),
            (r.hstr_el2, s.hstr_el2),
            (r.cnthctl_el2, s.cnthctl_el2),
            (r.cntvoff_el2, s.cntvoff_el2),
            (r.cnthp_ctl_el2, s.cnthp_ctl_el2),
            (r.cnthp_cval_el2, s.cnthp_cval_el2),
            (r.elr_el2, s.elr_el2),
            (r.spsr_el2, s.spsr_el2),
            (r.sp_el2, s.sp_el2),
            (r.esr_el2, s.esr_el2),
            (r.far_el2, s.far_el2),
            (r.vpidr_el2, s.vpidr_el2),
            (r.vmpidr_el2, s.vmpidr_el2),
            (r.sctlr_el1, s.sctlr_el1),
            (r.ttbr0_el1, s.ttbr0_el1),
            (r.ttbr1_el1, s.ttbr1_el1),
            (r.tcr_el1, s.tcr_el1),
            (r.mair_el1, s.mair_el1),
            (r.vbar_el1, s.vbar_el1),
            (r.contextidr_el1, s.contextidr_el1),
            (r.tpidr_el0, s.tpidr_el0),
            (r.tpidr_el1, s.tpidr_el1),
            (r.tpidrro_el0, s.tpidrro_el0),
            (r.sp_el1, s.sp_el1),
            (r.sp_el0, s.sp_el0),
            (r.elr_el1, s.elr_el1),
            (r.spsr_el1, s.spsr_el1),
            (r.esr_el1, s.esr_el1),
            (r.far_el1, s.far_el1),
            (r.par_el1, s.par_el1),
            (r.cntkctl_el1, s.cntkctl_el1),
            (r.cntv_ctl_el0, s.cntv_ctl_el0),
            (r.cntv_cval_el0, s.cntv_cval_el0),
            (r.cntp_ctl_el0, s.cntp_ctl_el0),
            (r.cntp_cval_el0, s.cntp_cval_el0),
        ];
        for (i, (a, b)) in pairs.iter().enumerate() {
            assert_ne!(a, b, "register #{i}");
        }
    }

    #[test]
    fn gic_geometry() {
        use gic::*;
        assert_eq!(lines(0), 32);
        assert_eq!(lines(8), 288); // QEMU virt: 256 SPIs + 32
        assert_eq!(lines(0x1f), 1024);
        assert_eq!(lines(0xffff_ffe0), 32);
        assert_eq!(espi_lines(0x1f), 0);
        assert_eq!(espi_lines(1 << 8), 32);
        assert_eq!(espi_lines((1 << 8) | (31 << 27)), 1024);
        assert_eq!(v2_cpus(0), 1);
        assert_eq!(v2_cpus(1 << 5), 2);
        assert_eq!(v2_cpus(7 << 5), 8);
        assert_eq!(gicr_stride(0), 0x2_0000);
        assert_eq!(gicr_stride(2), 0x4_0000);
        assert!(gicr_last(0x10) && !gicr_last(0x0f));
        assert_eq!(apr_count(4), 1);
        assert_eq!(apr_count(5), 2);
        assert_eq!(apr_count(6), 4);
        assert_eq!(apr_count(7), 4);
        assert_eq!(apr_count(0), 1);
        // QEMU's Cortex-A57: 4 list registers, 5 priority bits.
        let vtr = (4u64 << 29) | 3;
        assert_eq!(ich_lrs(vtr), 4);
        assert_eq!(apr_count(ich_pribits(vtr)), 1);
        assert_eq!(ich_lrs(0xffff_ffff), 16);
        assert_eq!(gich_lrs(3), 4);
        assert_eq!(gich_lrs(u32::MAX), 64);
    }
}
