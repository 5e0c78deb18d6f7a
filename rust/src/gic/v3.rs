//! GICv3: distributor, redistributors and the calling CPU's CPU interface
//! across a power loss.
//!
//! Xen runs Non-secure at EL2 with affinity routing on (GICD_CTLR.ARE_NS,
//! bit 4 in the Non-secure view): SGIs and PPIs live in each CPU's
//! redistributor (SGI_base frame), SPIs in the distributor and are routed
//! with GICD_IROUTER<n>. Extended SPIs (GICv3.1) are covered when
//! GICD_TYPER.ESPI says they exist.
//!
//! Each redistributor is one [`Regs`] covering its two 64 KB frames: RD_base
//! at offset 0, SGI_base at offset 0x10000 (`xsr_arch::gic::Gicr`).

use xsr_arch::gic::{gicd, gicr, Gicd, Gicr};
use xsr_arch::reg::{Bank32, Bank64};

use super::{
    fill_words, poll, restore_words, save_words, typer_lines, words_1bit, words_2bit, words_8bit,
    GicError, IccReg, IccRegs, Regs, Regs64,
};

/// GICD_CTLR: every group enable.
const CTLR_ENABLES: u32 = gicd::CTLR_ENABLE_GRP0 | gicd::CTLR_ENABLE_GRP1 | gicd::CTLR_ENABLE_GRP1A;

/// Most SPIs: lines 32..1019.
pub const V3_MAX_SPIS: usize = 988;
/// Most extended SPIs: lines 4096..5119 (GICD_TYPER.ESPI_range = 31).
pub const V3_MAX_ESPIS: usize = 1024;
/// Most redistributors a [`V3Context`] holds. Xen's NR_CPUS for the boards
/// this layer targets is at most 8; a GIC with more redistributors is
/// refused with [`GicError::ContextTooSmall`] before anything is touched.
pub const V3_MAX_CPUS: usize = 8;

/// Most lines in the SPI numbering (SGIs and PPIs included).
const SPI_END: usize = 32 + V3_MAX_SPIS;

/// The registers of one range of lines: SPIs (numbered from 0, the first
/// 32 lines belonging to the redistributors) or extended SPIs (numbered
/// from 0 = INTID 4096).
struct Bank {
    igroupr: Bank32<Gicd>,
    isenabler: Bank32<Gicd>,
    icenabler: Bank32<Gicd>,
    isactiver: Bank32<Gicd>,
    icactiver: Bank32<Gicd>,
    ipriorityr: Bank32<Gicd>,
    icfgr: Bank32<Gicd>,
    /// GICD_IROUTER, indexed by line in this numbering.
    irouter: Bank64<Gicd>,
    /// First line the distributor handles in this numbering.
    first: usize,
}

const SPI: Bank = Bank {
    igroupr: gicd::IGROUPR,
    isenabler: gicd::ISENABLER,
    icenabler: gicd::ICENABLER,
    isactiver: gicd::ISACTIVER,
    icactiver: gicd::ICACTIVER,
    ipriorityr: gicd::IPRIORITYR,
    icfgr: gicd::ICFGR,
    irouter: gicd::IROUTER,
    first: 32,
};

const ESPI: Bank = Bank {
    igroupr: gicd::IGROUPR_E,
    isenabler: gicd::ISENABLER_E,
    icenabler: gicd::ICENABLER_E,
    isactiver: gicd::ISACTIVER_E,
    icactiver: gicd::ICACTIVER_E,
    ipriorityr: gicd::IPRIORITYR_E,
    icfgr: gicd::ICFGR_E,
    irouter: gicd::IROUTER_E,
    first: 0,
};

/// GICR_IPRIORITYR0-7: the priorities of a redistributor's SGIs and PPIs.
const PRIO0: usize = gicr::IPRIORITYR.len();

/// 1-bit registers of a bank (both banks: 32).
const W1: usize = 32;
/// 2-bit registers of a bank (both banks: 64).
const W2: usize = 64;
/// 8-bit registers of the SPI bank.
const W8_SPI: usize = words_8bit(SPI_END);
/// 8-bit registers of the extended SPI bank.
const W8_ESPI: usize = words_8bit(V3_MAX_ESPIS);

const _: () = {
    assert!(words_1bit(SPI_END) == W1 && words_1bit(V3_MAX_ESPIS) == W1);
    assert!(words_2bit(SPI_END) == W2 && words_2bit(V3_MAX_ESPIS) == W2);
    assert!(SPI_END == super::V2_MAX_LINES);
};

/// Distributor state of one bank, indexed by register number in the bank
/// (for SPIs the registers of lines 0-31 stay unused), and IROUTER by line
/// minus the bank's first line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Lines<const P: usize, const R: usize> {
    /// Kept although Xen puts every interrupt in group 1: a power loss
    /// resets GICD_IGROUPR<n> to 0 (group 0), which a Non-secure
    /// hypervisor would then never see.
    igroupr: [u32; W1],
    isenabler: [u32; W1],
    isactiver: [u32; W1],
    ipriorityr: [u32; P],
    icfgr: [u32; W2],
    irouter: [u64; R],
}

impl<const P: usize, const R: usize> Lines<P, R> {
    const fn new() -> Self {
        Lines {
            igroupr: [0; W1],
            isenabler: [0; W1],
            isactiver: [0; W1],
            ipriorityr: [0; P],
            icfgr: [0; W2],
            irouter: [0; R],
        }
    }
}

/// Register ranges of `bank` for lines up to `end` (bank numbering).
struct Span {
    w1: (usize, usize),
    w2: (usize, usize),
    w8: (usize, usize),
    routes: usize,
}

impl Bank {
    fn span(&self, end: usize) -> Option<Span> {
        if end <= self.first {
            return None;
        }
        Some(Span {
            w1: (self.first / 32, words_1bit(end)),
            w2: (self.first / 16, words_2bit(end)),
            w8: (self.first / 4, words_8bit(end)),
            routes: end - self.first,
        })
    }

    fn save<D: Regs64<Gicd> + ?Sized, const P: usize, const R: usize>(
        &self,
        d: &D,
        end: usize,
        s: &mut Lines<P, R>,
    ) {
        let Some(sp) = self.span(end) else { return };
        save_words(d, self.igroupr, &mut s.igroupr, sp.w1.0, sp.w1.1);
        save_words(d, self.isenabler, &mut s.isenabler, sp.w1.0, sp.w1.1);
        save_words(d, self.isactiver, &mut s.isactiver, sp.w1.0, sp.w1.1);
        save_words(d, self.ipriorityr, &mut s.ipriorityr, sp.w8.0, sp.w8.1);
        save_words(d, self.icfgr, &mut s.icfgr, sp.w2.0, sp.w2.1);
        let routes = self.irouter.range(self.first, self.first + sp.routes);
        for (slot, reg) in s.irouter.iter_mut().zip(routes) {
            *slot = d.read64(reg);
        }
    }

    /// Configuration first, then enables (all cleared, RWP, then set), then
    /// active bits (all cleared, then set).
    fn restore<D: Regs64<Gicd> + ?Sized, const P: usize, const R: usize>(
        &self,
        d: &mut D,
        end: usize,
        s: &Lines<P, R>,
    ) -> Result<(), GicError> {
        let Some(sp) = self.span(end) else {
            return Ok(());
        };
        restore_words(d, self.igroupr, &s.igroupr, sp.w1.0, sp.w1.1);
        restore_words(d, self.icfgr, &s.icfgr, sp.w2.0, sp.w2.1);
        restore_words(d, self.ipriorityr, &s.ipriorityr, sp.w8.0, sp.w8.1);
        let routes = self.irouter.range(self.first, self.first + sp.routes);
        for (val, reg) in s.irouter.iter().zip(routes) {
            d.write64(reg, *val);
        }
        fill_words(d, self.icenabler, u32::MAX, sp.w1.0, sp.w1.1);
        let rwp = wait_gicd_rwp(d);
        restore_words(d, self.isenabler, &s.isenabler, sp.w1.0, sp.w1.1);
        fill_words(d, self.icactiver, u32::MAX, sp.w1.0, sp.w1.1);
        restore_words(d, self.isactiver, &s.isactiver, sp.w1.0, sp.w1.1);
        rwp
    }

    /// Power-loss values: group 0, level, priority 0, routed to affinity
    /// 0, disabled, inactive.
    fn reset<D: Regs64<Gicd> + ?Sized>(&self, d: &mut D, end: usize) {
        let Some(sp) = self.span(end) else { return };
        fill_words(d, self.igroupr, 0, sp.w1.0, sp.w1.1);
        fill_words(d, self.icfgr, 0, sp.w2.0, sp.w2.1);
        fill_words(d, self.ipriorityr, 0, sp.w8.0, sp.w8.1);
        for reg in self.irouter.range(self.first, self.first + sp.routes) {
            d.write64(reg, 0);
        }
        fill_words(d, self.icenabler, u32::MAX, sp.w1.0, sp.w1.1);
        // Bounded; a timeout shows up in the restore that follows.
        let _ = wait_gicd_rwp(d);
        fill_words(d, self.icactiver, u32::MAX, sp.w1.0, sp.w1.1);
    }
}

/// State of one redistributor and its CPU's SGIs and PPIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Redist {
    ctlr: u32,
    propbaser: u64,
    pendbaser: u64,
    igroupr0: u32,
    isenabler0: u32,
    isactiver0: u32,
    ipriorityr: [u32; PRIO0],
    /// ICFGR1 (PPIs); ICFGR0 (SGIs) is read-only.
    icfgr1: u32,
    /// GICR_WAKER.ProcessorSleep was already set at save time (its CPU is
    /// off): restore leaves it asleep, as found; the CPU wakes it when it
    /// comes back online.
    asleep: bool,
}

impl Redist {
    const fn new() -> Self {
        Redist {
            ctlr: 0,
            propbaser: 0,
            pendbaser: 0,
            igroupr0: 0,
            isenabler0: 0,
            isactiver0: 0,
            ipriorityr: [0; PRIO0],
            icfgr1: 0,
            asleep: false,
        }
    }

    fn save<R: Regs64<Gicr> + ?Sized>(&mut self, r: &R) {
        self.ctlr = r.read32(gicr::CTLR) & !gicr::CTLR_RWP;
        self.propbaser = r.read64(gicr::PROPBASER);
        self.pendbaser = r.read64(gicr::PENDBASER);
        self.igroupr0 = r.read32(gicr::IGROUPR0);
        self.isenabler0 = r.read32(gicr::ISENABLER0);
        self.isactiver0 = r.read32(gicr::ISACTIVER0);
        save_words(r, gicr::IPRIORITYR, &mut self.ipriorityr, 0, PRIO0);
        self.icfgr1 = r.read32(gicr::ICFGR1);
    }

    /// GICR_PROPBASER/PENDBASER are written only while GICR_CTLR.EnableLPIs
    /// reads 0 (after a power loss; writing them with LPIs enabled is
    /// UNPREDICTABLE, and then they still hold the saved values), before
    /// GICR_CTLR; then the SGI frame: configuration, enables, active bits.
    fn restore<R: Regs64<Gicr> + ?Sized>(&self, r: &mut R) -> Result<(), GicError> {
        if r.read32(gicr::CTLR) & gicr::CTLR_ENABLE_LPIS == 0 {
            r.write64(gicr::PROPBASER, self.propbaser);
            r.write64(gicr::PENDBASER, self.pendbaser);
        }
        r.write32(gicr::CTLR, self.ctlr);
        let rwp = wait_gicr_rwp(r);
        r.write32(gicr::IGROUPR0, self.igroupr0);
        r.write32(gicr::ICFGR1, self.icfgr1);
        restore_words(r, gicr::IPRIORITYR, &self.ipriorityr, 0, PRIO0);
        r.write32(gicr::ICENABLER0, u32::MAX);
        let rwp = rwp.and(wait_gicr_rwp(r));
        r.write32(gicr::ISENABLER0, self.isenabler0);
        r.write32(gicr::ICACTIVER0, u32::MAX);
        r.write32(gicr::ISACTIVER0, self.isactiver0);
        rwp
    }

    fn reset<R: Regs64<Gicr> + ?Sized>(r: &mut R) {
        r.write32(gicr::CTLR, 0);
        let _ = wait_gicr_rwp(r);
        if r.read32(gicr::CTLR) & gicr::CTLR_ENABLE_LPIS == 0 {
            r.write64(gicr::PROPBASER, 0);
            r.write64(gicr::PENDBASER, 0);
        }
        r.write32(gicr::IGROUPR0, 0);
        r.write32(gicr::ICFGR1, 0);
        fill_words(r, gicr::IPRIORITYR, 0, 0, PRIO0);
        r.write32(gicr::ICENABLER0, u32::MAX);
        let _ = wait_gicr_rwp(r);
        r.write32(gicr::ICACTIVER0, u32::MAX);
    }
}

/// The GICv3 state a power loss destroys (IHI 0069), for up to
/// [`V3_MAX_SPIS`] SPIs, [`V3_MAX_ESPIS`] extended SPIs and
/// [`V3_MAX_CPUS`] redistributors. [`v3_save`] fills it, [`v3_restore`]
/// writes it back.
///
/// It is about 20 KB: never build one on a Xen stack (32 KB). Use a
/// `static` initialised with the `const` [`V3Context::new`], or memory
/// allocated zeroed at boot: all-zero bytes are a valid, empty context
/// (integers, arrays of integers and `false`).
///
/// Covered: GICD_CTLR; per SPI (and extended SPI) GICD_IGROUPR, ICFGR,
/// IPRIORITYR, IROUTER, ISENABLER, ISACTIVER; per redistributor GICR_CTLR,
/// PROPBASER, PENDBASER and, in the SGI frame, IGROUPR0, ISENABLER0,
/// ISACTIVER0, IPRIORITYR0-7, ICFGR1; the calling CPU's ICC_CTLR_EL1,
/// ICC_PMR_EL1, ICC_BPR1_EL1, ICC_SRE_EL2, ICC_IGRPEN1_EL1. GICD_IGROUPR is
/// a superset of what the reviewed C series saves: Xen puts everything in
/// group 1, and a power loss resets it to group 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V3Context {
    saved: bool,
    /// Lines in the SPI numbering (SPIs + 32).
    lines: usize,
    /// Extended SPIs.
    espis: usize,
    /// Redistributors saved.
    redists: usize,
    gicd_ctlr: u32,
    spi: Lines<W8_SPI, V3_MAX_SPIS>,
    espi: Lines<W8_ESPI, V3_MAX_ESPIS>,
    redist: [Redist; V3_MAX_CPUS],
    icc_ctlr: u64,
    icc_pmr: u64,
    icc_bpr1: u64,
    icc_sre_el2: u64,
    icc_igrpen1: u64,
}

impl V3Context {
    /// An empty context (all zero, nothing saved).
    pub const fn new() -> Self {
        V3Context {
            saved: false,
            lines: 0,
            espis: 0,
            redists: 0,
            gicd_ctlr: 0,
            spi: Lines::new(),
            espi: Lines::new(),
            redist: [Redist::new(); V3_MAX_CPUS],
            icc_ctlr: 0,
            icc_pmr: 0,
            icc_bpr1: 0,
            icc_sre_el2: 0,
            icc_igrpen1: 0,
        }
    }

    /// Whether the context holds a complete save.
    pub fn is_saved(&self) -> bool {
        self.saved
    }

    /// Lines (SPIs + 32) covered by the last save.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Extended SPIs covered by the last save.
    pub fn espi_lines(&self) -> usize {
        self.espis
    }

    /// Redistributors covered by the last save.
    pub fn redists(&self) -> usize {
        self.redists
    }
}

impl Default for V3Context {
    fn default() -> Self {
        Self::new()
    }
}

/// Lines the distributor implements in the SPI numbering: 32 *
/// (GICD_TYPER.ITLinesNumber + 1), capped at 1020 (SPIs + 32).
pub fn v3_lines(dist: &impl Regs<Gicd>) -> usize {
    typer_lines(dist.read32(gicd::TYPER))
}

/// Extended SPIs the distributor implements: 0 without GICD_TYPER.ESPI,
/// else 32 * (GICD_TYPER.ESPI_range + 1).
pub fn v3_espi_lines(dist: &impl Regs<Gicd>) -> usize {
    (gicd::espi_lines(dist.read32(gicd::TYPER)) as usize).min(V3_MAX_ESPIS)
}

fn wait_gicd_rwp<D: Regs<Gicd> + ?Sized>(d: &D) -> Result<(), GicError> {
    if poll(|| d.read32(gicd::CTLR) & gicd::CTLR_RWP == 0) {
        Ok(())
    } else {
        Err(GicError::RwpTimeout)
    }
}

fn wait_gicr_rwp<R: Regs<Gicr> + ?Sized>(r: &R) -> Result<(), GicError> {
    if poll(|| r.read32(gicr::CTLR) & gicr::CTLR_RWP == 0) {
        Ok(())
    } else {
        Err(GicError::RwpTimeout)
    }
}

/// Write GICD_CTLR and wait for the write to take effect.
fn write_gicd_ctlr<D: Regs<Gicd> + ?Sized>(d: &mut D, val: u32) -> Result<(), GicError> {
    d.write32(gicd::CTLR, val & !gicd::CTLR_RWP);
    wait_gicd_rwp(d)
}

/// Clear GICR_WAKER.ProcessorSleep and wait for ChildrenAsleep to clear.
fn wake<R: Regs<Gicr> + ?Sized>(r: &mut R, cpu: usize) -> Result<(), GicError> {
    let waker = r.read32(gicr::WAKER) & !gicr::WAKER_CHILDREN_ASLEEP;
    r.write32(gicr::WAKER, waker & !gicr::WAKER_PROCESSOR_SLEEP);
    if poll(|| r.read32(gicr::WAKER) & gicr::WAKER_CHILDREN_ASLEEP == 0) {
        Ok(())
    } else {
        Err(GicError::WakerTimeout { cpu })
    }
}

/// Keep the first error of a sequence that goes on regardless.
fn keep(first: &mut Option<GicError>, res: Result<(), GicError>) {
    if let Err(e) = res {
        first.get_or_insert(e);
    }
}

/// Save the GIC into `ctx` and quiesce it: on success the distributor's
/// group enables are clear (affinity routing stays on), the calling CPU's
/// ICC_IGRPEN1_EL1 is 0 and, when GICD_CTLR.DS is set, every redistributor
/// is asleep (GICR_WAKER.ProcessorSleep, ChildrenAsleep seen).
///
/// `redists` are all the redistributors, index = CPU; `icc` is the calling
/// CPU's interface (the only CPU online).
///
/// Order: read GICD_CTLR; clear its group enables, keeping ARE, and wait
/// for RWP; save SPIs and extended SPIs; save each redistributor; save the
/// ICC registers and write ICC_IGRPEN1_EL1 = 0; then put the redistributors
/// to sleep. The CPU interface is disabled before its redistributor sleeps,
/// as the architecture's power-down sequence asks.
///
/// The GICR_WAKER handshake is done only when GICD_CTLR.DS is set: with
/// DS=0, GICR_WAKER is RAZ/WI to Non-secure software (the firmware owns
/// it). Each wait is bounded by [`POLL_LIMIT`](super::POLL_LIMIT) reads.
///
/// # Errors
///
/// - [`GicError::ContextTooSmall`]: more than [`V3_MAX_CPUS`]
///   redistributors; nothing touched.
/// - [`GicError::RwpTimeout`]: disabling the distributor did not complete;
///   GICD_CTLR is written back.
/// - [`GicError::WakerTimeout`]: a redistributor did not report
///   ChildrenAsleep; its ProcessorSleep is cleared again, the ones put to
///   sleep before it are woken, ICC_IGRPEN1_EL1 and GICD_CTLR are written
///   back.
///
/// On error the context is marked not saved.
pub fn v3_save(
    dist: &mut impl Regs64<Gicd>,
    redists: &mut [&mut dyn Regs64<Gicr>],
    icc: &mut impl IccRegs,
    ctx: &mut V3Context,
) -> Result<(), GicError> {
    ctx.saved = false;
    if redists.len() > V3_MAX_CPUS {
        return Err(GicError::ContextTooSmall);
    }
    let lines = v3_lines(dist);
    let espis = v3_espi_lines(dist);
    let ctlr = dist.read32(gicd::CTLR) & !gicd::CTLR_RWP;
    if let Err(e) = write_gicd_ctlr(dist, ctlr & !CTLR_ENABLES) {
        dist.write32(gicd::CTLR, ctlr);
        return Err(e);
    }
    ctx.gicd_ctlr = ctlr;
    ctx.lines = lines;
    ctx.espis = espis;
    ctx.redists = redists.len();

    SPI.save(dist, lines, &mut ctx.spi);
    ESPI.save(dist, espis, &mut ctx.espi);
    for (r, slot) in redists.iter().zip(ctx.redist.iter_mut()) {
        slot.save(&**r);
    }

    ctx.icc_igrpen1 = icc.read(IccReg::Igrpen1);
    icc.write(IccReg::Igrpen1, 0);
    ctx.icc_ctlr = icc.read(IccReg::Ctlr);
    ctx.icc_pmr = icc.read(IccReg::Pmr);
    ctx.icc_bpr1 = icc.read(IccReg::Bpr1);
    ctx.icc_sre_el2 = icc.read(IccReg::SreEl2);

    let ds = ctlr & gicd::CTLR_DS != 0;
    let mut failed = None;
    for (cpu, (r, slot)) in redists.iter_mut().zip(ctx.redist.iter_mut()).enumerate() {
        if !ds {
            slot.asleep = false;
            continue;
        }
        let waker = r.read32(gicr::WAKER) & !gicr::WAKER_CHILDREN_ASLEEP;
        slot.asleep = waker & gicr::WAKER_PROCESSOR_SLEEP != 0;
        if slot.asleep {
            continue;
        }
        r.write32(gicr::WAKER, waker | gicr::WAKER_PROCESSOR_SLEEP);
        if !poll(|| r.read32(gicr::WAKER) & gicr::WAKER_CHILDREN_ASLEEP != 0) {
            r.write32(gicr::WAKER, waker & !gicr::WAKER_PROCESSOR_SLEEP);
            failed = Some(cpu);
            break;
        }
    }
    if let Some(cpu) = failed {
        // Unwind: wake what was put to sleep, re-enable the CPU interface
        // and the distributor. Best effort: the error reported is the
        // first one.
        for (i, (r, slot)) in redists.iter_mut().zip(ctx.redist.iter()).enumerate() {
            if i >= cpu {
                break;
            }
            if !slot.asleep {
                let _ = wake(&mut **r, i);
            }
        }
        icc.write(IccReg::Igrpen1, ctx.icc_igrpen1);
        let _ = write_gicd_ctlr(dist, ctlr);
        return Err(GicError::WakerTimeout { cpu });
    }
    ctx.saved = true;
    Ok(())
}

/// Write `ctx` back into the GIC, in the architectural order: ICC_SRE_EL2
/// (system register interface on); GICD_CTLR with the group enables clear
/// and ARE as saved (affinity routing on before any redistributor is
/// configured), wait RWP; wake the redistributors that were awake (when
/// GICD_CTLR.DS is set); each redistributor ([`GICR_PROPBASER`] and
/// [`GICR_PENDBASER`] only while LPIs are disabled, GICR_CTLR, SGI frame
/// configuration, enables, active bits); SPIs then extended SPIs (IGROUPR,
/// ICFGR, IPRIORITYR, IROUTER, all enables cleared then ISENABLER, all
/// active cleared then ISACTIVER); GICD_CTLR as saved, wait RWP; then
/// ICC_PMR_EL1, ICC_BPR1_EL1, ICC_CTLR_EL1, and ICC_IGRPEN1_EL1 last.
///
/// [`GICR_PROPBASER`]: xsr_arch::gic::gicr::PROPBASER
/// [`GICR_PENDBASER`]: xsr_arch::gic::gicr::PENDBASER
///
/// # Errors
///
/// - [`GicError::NotSaved`]: `ctx` holds no complete save; nothing touched.
/// - [`GicError::Mismatch`]: the GIC's line counts or the number of
///   redistributors differ from the save; nothing touched.
/// - [`GicError::RwpTimeout`], [`GicError::WakerTimeout`]: a bounded wait
///   ran out. The restore goes on regardless (writing back everything it
///   can is better than leaving the GIC half configured) and the first
///   error is returned at the end.
pub fn v3_restore(
    dist: &mut impl Regs64<Gicd>,
    redists: &mut [&mut dyn Regs64<Gicr>],
    icc: &mut impl IccRegs,
    ctx: &V3Context,
) -> Result<(), GicError> {
    if !ctx.saved {
        return Err(GicError::NotSaved);
    }
    if redists.len() != ctx.redists
        || v3_lines(dist) != ctx.lines
        || v3_espi_lines(dist) != ctx.espis
    {
        return Err(GicError::Mismatch);
    }
    let mut first = None;

    icc.write(IccReg::SreEl2, ctx.icc_sre_el2);
    keep(
        &mut first,
        write_gicd_ctlr(dist, ctx.gicd_ctlr & !CTLR_ENABLES),
    );

    let ds = dist.read32(gicd::CTLR) & gicd::CTLR_DS != 0;
    for (cpu, (r, slot)) in redists.iter_mut().zip(ctx.redist.iter()).enumerate() {
        if ds && !slot.asleep {
            keep(&mut first, wake(&mut **r, cpu));
        }
        keep(&mut first, slot.restore(&mut **r));
    }

    keep(&mut first, SPI.restore(dist, ctx.lines, &ctx.spi));
    keep(&mut first, ESPI.restore(dist, ctx.espis, &ctx.espi));
    keep(&mut first, write_gicd_ctlr(dist, ctx.gicd_ctlr));

    icc.write(IccReg::Pmr, ctx.icc_pmr);
    icc.write(IccReg::Bpr1, ctx.icc_bpr1);
    icc.write(IccReg::Ctlr, ctx.icc_ctlr);
    icc.write(IccReg::Igrpen1, ctx.icc_igrpen1);

    match first {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// For a self-test: put exactly the registers a [`V3Context`] covers in the
/// state a power loss leaves them in: CPU interface disabled (ICC_IGRPEN1,
/// ICC_CTLR, ICC_PMR, ICC_BPR1 0), distributor disabled with GICD_CTLR 0
/// (ARE included, where writable), SPIs and extended SPIs in group 0,
/// level, priority 0, IROUTER 0, disabled and inactive; redistributors with
/// GICR_CTLR 0, PROPBASER/PENDBASER 0 (only if LPIs could be disabled), SGI
/// frame cleared likewise, and asleep (GICR_WAKER.ProcessorSleep, when
/// GICD_CTLR.DS); ICC_SRE_EL2 0 last.
///
/// On hardware, call it with interrupts masked and follow it with
/// [`v3_restore`] at once: where ICC_SRE_EL2.SRE is not RAO/WI, nothing may
/// use the CPU interface in between. Bounded waits that run out are
/// ignored here (the restore that follows reports them).
pub fn v3_reset(
    dist: &mut impl Regs64<Gicd>,
    redists: &mut [&mut dyn Regs64<Gicr>],
    icc: &mut impl IccRegs,
) {
    icc.write(IccReg::Igrpen1, 0);
    icc.write(IccReg::Ctlr, 0);
    icc.write(IccReg::Pmr, 0);
    icc.write(IccReg::Bpr1, 0);

    let ctlr = dist.read32(gicd::CTLR);
    let ds = ctlr & gicd::CTLR_DS != 0;
    let _ = write_gicd_ctlr(dist, ctlr & !CTLR_ENABLES);
    let _ = write_gicd_ctlr(dist, 0);
    SPI.reset(dist, v3_lines(dist));
    ESPI.reset(dist, v3_espi_lines(dist));

    for r in redists.iter_mut() {
        Redist::reset(&mut **r);
        if ds {
            let waker = r.read32(gicr::WAKER) & !gicr::WAKER_CHILDREN_ASLEEP;
            r.write32(gicr::WAKER, waker | gicr::WAKER_PROCESSOR_SLEEP);
        }
    }
    icc.write(IccReg::SreEl2, 0);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::gic::fake::{mix, FakeIcc, FakeRegs, WakerMode, ICC_ALL};
    use crate::gic::POLL_LIMIT;

    const PS: u32 = 1 << 1;
    const ARE: u32 = 1 << 4;
    /// GICD_CTLR as Xen sets it: ARE_NS, EnableGrp1A, EnableGrp1.
    const XEN_CTLR: u32 = ARE | 0b11;

    /// GICD word offsets a context covers (specification numbers).
    fn saved_dist(lines: usize, espis: usize) -> Vec<usize> {
        let mut v = vec![0x0000];
        for n in 1..lines.div_ceil(32) {
            v.extend([0x0080 + 4 * n, 0x0100 + 4 * n, 0x0300 + 4 * n]);
        }
        v.extend((8..lines.div_ceil(4)).map(|n| 0x0400 + 4 * n));
        v.extend((2..lines.div_ceil(16)).map(|n| 0x0C00 + 4 * n));
        for line in 32..lines {
            v.extend([0x6000 + 8 * line, 0x6004 + 8 * line]);
        }
        for n in 0..espis.div_ceil(32) {
            v.extend([0x1000 + 4 * n, 0x1200 + 4 * n, 0x1A00 + 4 * n]);
        }
        v.extend((0..espis.div_ceil(4)).map(|n| 0x2000 + 4 * n));
        v.extend((0..espis.div_ceil(16)).map(|n| 0x3000 + 4 * n));
        for i in 0..espis {
            v.extend([0x8000 + 8 * i, 0x8004 + 8 * i]);
        }
        v
    }

    /// The write-1-to-clear halves, used but not saved.
    fn clear_regs(lines: usize, espis: usize) -> Vec<usize> {
        let mut v = Vec::new();
        for n in 1..lines.div_ceil(32) {
            v.extend([0x0180 + 4 * n, 0x0380 + 4 * n]);
        }
        for n in 0..espis.div_ceil(32) {
            v.extend([0x1400 + 4 * n, 0x1C00 + 4 * n]);
        }
        v
    }

    /// Redistributor word offsets a context covers.
    fn saved_redist() -> Vec<usize> {
        let mut v = vec![0x0000, 0x0070, 0x0074, 0x0078, 0x007C];
        v.extend([0x10080, 0x10100, 0x10300, 0x10C04]);
        v.extend((0..8).map(|n| 0x10400 + 4 * n));
        v
    }

    /// Saved registers: GICD (offset, value), each GICR likewise, ICC.
    type Snapshot = (Vec<(usize, u32)>, Vec<Vec<(usize, u32)>>, Vec<u64>);

    struct Rig {
        d: FakeRegs,
        rs: Vec<FakeRegs>,
        icc: FakeIcc,
        lines: usize,
        espis: usize,
    }

    impl Rig {
        fn new(it_lines: u32, espi: Option<u32>, ds: bool, cpus: usize) -> Rig {
            let mut d = FakeRegs::gicd_v3(it_lines, espi, ds);
            let (lines, espis) = (v3_lines(&d), v3_espi_lines(&d));
            d.clear_log();
            let rs = (0..cpus)
                .map(|c| FakeRegs::redist(c as u32, c + 1 == cpus))
                .collect();
            Rig {
                d,
                rs,
                icc: FakeIcc::default(),
                lines,
                espis,
            }
        }

        /// A distinct value in every saved register.
        fn seed(mut self) -> Rig {
            for off in saved_dist(self.lines, self.espis) {
                self.d.poke(off, mix(off, 1));
            }
            self.d.poke(0, XEN_CTLR);
            for (c, r) in self.rs.iter_mut().enumerate() {
                for off in saved_redist() {
                    r.poke(off, mix(off, 10 + c as u32));
                }
                r.poke(0x10C00, 0xAAAA_AAAA);
                // GICR_CTLR: EnableLPIs on even CPUs, DPG bits; never RWP.
                let ctlr = if c % 2 == 0 { 1 | 1 << 25 } else { 1 << 24 };
                r.poke(0x0000, ctlr);
            }
            for (i, reg) in ICC_ALL.into_iter().enumerate() {
                self.icc.poke(reg, u64::from(mix(i, 3)) << 8 | 1);
            }
            self
        }

        fn save(&mut self, ctx: &mut V3Context) -> Result<(), GicError> {
            let mut rs: Vec<&mut dyn Regs64<Gicr>> = self.rs.iter_mut().map(|r| r as _).collect();
            v3_save(&mut self.d, &mut rs, &mut self.icc, ctx)
        }

        fn restore(&mut self, ctx: &V3Context) -> Result<(), GicError> {
            let mut rs: Vec<&mut dyn Regs64<Gicr>> = self.rs.iter_mut().map(|r| r as _).collect();
            v3_restore(&mut self.d, &mut rs, &mut self.icc, ctx)
        }

        fn reset(&mut self) {
            let mut rs: Vec<&mut dyn Regs64<Gicr>> = self.rs.iter_mut().map(|r| r as _).collect();
            v3_reset(&mut self.d, &mut rs, &mut self.icc);
        }

        /// Every saved register: GICD, each GICR, each ICC.
        fn snapshot(&self) -> Snapshot {
            let d = saved_dist(self.lines, self.espis)
                .into_iter()
                .map(|o| (o, self.d.peek(o)))
                .collect();
            let rs = self
                .rs
                .iter()
                .map(|r| saved_redist().into_iter().map(|o| (o, r.peek(o))).collect())
                .collect();
            let icc = ICC_ALL.iter().map(|&r| self.icc.peek(r)).collect();
            (d, rs, icc)
        }

        /// A power loss gone wild: junk in every writable saved register,
        /// LPIs disabled, redistributors asleep.
        fn scramble(&mut self) {
            for off in saved_dist(self.lines, self.espis) {
                self.d.poke(off, mix(off, 99));
            }
            for r in &mut self.rs {
                for off in saved_redist() {
                    r.poke(off, mix(off, 98));
                }
                r.poke(0x0000, mix(0, 98) & !(1 | 1 << 3));
                r.poke(0x0014, PS);
            }
            for (i, reg) in ICC_ALL.into_iter().enumerate() {
                self.icc.poke(reg, u64::from(mix(i, 97)));
            }
        }

        fn clear_logs(&mut self) {
            self.d.clear_log();
            self.rs.iter_mut().for_each(FakeRegs::clear_log);
            self.icc.writes.clear();
        }

        fn no_violations(&self) {
            assert!(self.d.violations.is_empty(), "{:x?}", self.d.violations);
            for r in &self.rs {
                assert!(r.violations.is_empty(), "{:x?}", r.violations);
            }
        }
    }

    #[test]
    fn v3_lines_from_typer() {
        assert_eq!(v3_lines(&FakeRegs::gicd_v3(0, None, false)), 32);
        assert_eq!(v3_lines(&FakeRegs::gicd_v3(5, None, false)), 192);
        assert_eq!(v3_lines(&FakeRegs::gicd_v3(31, None, false)), 1020);
        assert_eq!(v3_espi_lines(&FakeRegs::gicd_v3(1, None, false)), 0);
        assert_eq!(v3_espi_lines(&FakeRegs::gicd_v3(1, Some(0), false)), 32);
        assert_eq!(v3_espi_lines(&FakeRegs::gicd_v3(1, Some(31), false)), 1024);
    }

    #[test]
    fn v3_round_trip_spis_espis_with_and_without_ds() {
        for itl in [0, 1, 2, 5, 31] {
            for espi in [None, Some(0), Some(3), Some(31)] {
                for ds in [false, true] {
                    let case = format!("ITLinesNumber {itl}, ESPI {espi:?}, DS {ds}");
                    let mut rig = Rig::new(itl, espi, ds, 3).seed();
                    let want = rig.snapshot();
                    let mut ctx = V3Context::new();
                    rig.save(&mut ctx).unwrap();
                    assert!(ctx.is_saved());
                    assert_eq!((ctx.lines(), ctx.espi_lines()), (rig.lines, rig.espis));
                    assert_eq!(ctx.redists(), 3);
                    // Quiesced: group enables off, ARE kept, CPU interface
                    // off, redistributors asleep when DS.
                    assert_eq!(rig.d.peek(0), ARE, "{case}");
                    assert_eq!(rig.icc.peek(IccReg::Igrpen1), 0);
                    for r in &rig.rs {
                        assert_eq!(r.peek(0x14) & PS != 0, ds, "{case}");
                    }

                    rig.scramble();
                    assert_ne!(rig.snapshot(), want);
                    rig.restore(&ctx).unwrap();
                    assert_eq!(rig.snapshot(), want, "{case}, scrambled");
                    // Awake again with DS; with DS=0 GICR_WAKER is not ours.
                    assert!(rig.rs.iter().all(|r| (r.peek(0x14) & PS == 0) == ds));

                    rig.reset();
                    let (d, rs, icc) = rig.snapshot();
                    assert!(d.iter().all(|&(o, v)| v == 0 || o == 0), "{case}");
                    assert_eq!(rig.d.peek(0), 0);
                    assert!(rs.iter().flatten().all(|&(_, v)| v == 0), "{case}");
                    assert!(icc.iter().all(|&v| v == 0));
                    if ds {
                        assert!(rig.rs.iter().all(|r| r.peek(0x14) & PS != 0), "{case}");
                    }
                    rig.restore(&ctx).unwrap();
                    assert_eq!(rig.snapshot(), want, "{case}, reset");
                    if ds {
                        assert!(rig.rs.iter().all(|r| r.peek(0x14) & PS == 0), "{case}");
                    }
                    rig.no_violations();
                }
            }
        }
    }

    #[test]
    fn v3_unimplemented_lines_never_touched() {
        for (itl, espi) in [
            (0, None),
            (1, None),
            (2, Some(0)),
            (5, Some(2)),
            (31, Some(31)),
        ] {
            let mut rig = Rig::new(itl, espi, true, 2).seed();
            let mut ctx = V3Context::new();
            rig.save(&mut ctx).unwrap();
            rig.reset();
            rig.restore(&ctx).unwrap();

            let mut allowed: BTreeSet<usize> = saved_dist(rig.lines, rig.espis)
                .into_iter()
                .chain(clear_regs(rig.lines, rig.espis))
                .collect();
            allowed.insert(0x0004);
            let stray: Vec<_> = rig.d.touched().difference(&allowed).copied().collect();
            assert!(stray.is_empty(), "{itl}/{espi:?}: GICD {stray:x?}");
            // Block 0 of the distributor belongs to the redistributors.
            assert!(!rig.d.touched().contains(&0x0100));

            let mut allowed: BTreeSet<usize> = saved_redist().into_iter().collect();
            allowed.extend([0x0014, 0x10180, 0x10380]);
            for r in &rig.rs {
                let stray: Vec<_> = r.touched().difference(&allowed).copied().collect();
                assert!(stray.is_empty(), "GICR {stray:x?}");
            }
            rig.no_violations();
        }
    }

    #[test]
    fn v3_waker_timeout_clears_processor_sleep_and_unwinds() {
        let mut rig = Rig::new(2, Some(0), true, 3).seed();
        rig.rs[1].waker = WakerMode::NeverAsleep;
        let igrpen1 = rig.icc.peek(IccReg::Igrpen1);
        let mut ctx = V3Context::new();
        assert_eq!(rig.save(&mut ctx), Err(GicError::WakerTimeout { cpu: 1 }));
        assert!(!ctx.is_saved());
        // The failing one: set, then cleared again; bounded.
        assert_eq!(rig.rs[1].writes_to(0x14), [PS, 0]);
        assert_eq!(rig.rs[1].peek(0x14) & PS, 0);
        assert!(rig.rs[1].reads_of(0x14) <= u64::from(POLL_LIMIT) + 2);
        // The one put to sleep before it is awake again; the next untouched.
        assert_eq!(rig.rs[0].writes_to(0x14), [PS, 0]);
        assert!(rig.rs[2].writes_to(0x14).is_empty());
        // CPU interface and distributor enabled again.
        assert_eq!(rig.icc.peek(IccReg::Igrpen1), igrpen1);
        assert_eq!(rig.d.peek(0), XEN_CTLR);
        // A failed save cannot be restored.
        rig.clear_logs();
        assert_eq!(rig.restore(&ctx), Err(GicError::NotSaved));
        assert!(rig.d.touched().is_empty() && rig.icc.writes.is_empty());
    }

    #[test]
    fn v3_waker_timeout_on_restore_is_reported_after_restoring_the_rest() {
        let mut rig = Rig::new(2, None, true, 2).seed();
        let want = rig.snapshot();
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        rig.reset();
        rig.rs[0].waker = WakerMode::NeverAwake;
        assert_eq!(rig.restore(&ctx), Err(GicError::WakerTimeout { cpu: 0 }));
        assert_eq!(rig.snapshot(), want);
    }

    #[test]
    fn v3_waker_handshake_only_with_ds() {
        let mut rig = Rig::new(2, None, false, 2).seed();
        rig.rs
            .iter_mut()
            .for_each(|r| r.waker = WakerMode::NeverAsleep);
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        rig.reset();
        rig.restore(&ctx).unwrap();
        for r in &rig.rs {
            assert!(
                !r.touched().contains(&0x14),
                "gicr::WAKER is RAZ/WI with DS=0"
            );
        }
    }

    #[test]
    fn v3_sleeping_redistributor_stays_asleep() {
        let mut rig = Rig::new(1, None, true, 2).seed();
        rig.rs[1].poke(0x14, PS);
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        assert!(rig.rs[1].writes_to(0x14).is_empty());
        rig.reset();
        rig.clear_logs();
        rig.restore(&ctx).unwrap();
        assert!(rig.rs[1].writes_to(0x14).is_empty());
        assert_eq!(rig.rs[1].peek(0x14), PS);
        assert_eq!(rig.rs[0].writes_to(0x14), [0]);
    }

    #[test]
    fn v3_distributor_keeps_are_across_save_and_restore() {
        // Xen's value, and one with the Secure view's ARE_NS (bit 5) and
        // EnableGrp1S (bit 2) as well: only the group enables are cleared.
        for (ctlr, disabled) in [(XEN_CTLR, ARE), (0x37, 0x30)] {
            for ds in [false, true] {
                let dsb = if ds { 1 << 6 } else { 0 };
                let mut rig = Rig::new(2, None, ds, 1).seed();
                rig.d.poke(0, ctlr);
                let mut ctx = V3Context::new();
                rig.save(&mut ctx).unwrap();
                assert_eq!(rig.d.writes_to(0), [disabled | dsb]);
                rig.reset();
                rig.clear_logs();
                rig.restore(&ctx).unwrap();
                // Affinity routing on before anything else, enables last.
                assert_eq!(rig.d.writes_to(0), [disabled | dsb, ctlr | dsb]);
                assert_eq!(rig.d.writes[0].off, 0);
                assert_eq!(rig.d.peek(0), ctlr);
            }
        }
    }

    #[test]
    fn v3_rwp_timeout_on_save_is_reported_not_a_hang() {
        let mut rig = Rig::new(2, None, true, 2).seed();
        rig.d.rwp_stuck = true;
        let mut ctx = V3Context::new();
        assert_eq!(rig.save(&mut ctx), Err(GicError::RwpTimeout));
        assert!(!ctx.is_saved());
        assert!(rig.d.reads_of(0) <= u64::from(POLL_LIMIT) + 3);
        // Enables written back; nothing else touched.
        assert_eq!(rig.d.writes_to(0), [ARE | 1 << 6, XEN_CTLR | 1 << 6]);
        assert_eq!(rig.d.peek(0), XEN_CTLR);
        assert!(rig.rs.iter().all(|r| r.touched().is_empty()));
        assert!(rig.icc.writes.is_empty());
    }

    #[test]
    fn v3_rwp_timeout_on_restore_is_reported_after_restoring_the_rest() {
        let mut rig = Rig::new(2, Some(0), true, 2).seed();
        let want = rig.snapshot();
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        rig.scramble();
        rig.d.rwp_stuck = true;
        assert_eq!(rig.restore(&ctx), Err(GicError::RwpTimeout));
        assert_eq!(rig.snapshot(), want);

        rig.d.rwp_stuck = false;
        rig.rs[1].rwp_stuck = true;
        rig.scramble();
        assert_eq!(rig.restore(&ctx), Err(GicError::RwpTimeout));
        assert_eq!(rig.snapshot(), want);
    }

    #[test]
    fn v3_too_many_redistributors_touch_nothing() {
        let mut rig = Rig::new(2, None, true, V3_MAX_CPUS + 1).seed();
        let mut ctx = V3Context::new();
        assert_eq!(rig.save(&mut ctx), Err(GicError::ContextTooSmall));
        assert!(rig.d.touched().is_empty());
        assert!(rig.rs.iter().all(|r| r.touched().is_empty()));
        assert!(rig.icc.writes.is_empty());
    }

    #[test]
    fn v3_restore_refuses_a_different_gic() {
        let mut rig = Rig::new(2, None, true, 2).seed();
        let mut ctx = V3Context::new();
        assert_eq!(rig.restore(&ctx), Err(GicError::NotSaved));
        rig.save(&mut ctx).unwrap();
        rig.clear_logs();

        let mut fewer = Rig::new(2, None, true, 1).seed();
        assert_eq!(fewer.restore(&ctx), Err(GicError::Mismatch));
        let mut bigger = Rig::new(3, None, true, 2).seed();
        assert_eq!(bigger.restore(&ctx), Err(GicError::Mismatch));
        let mut espi = Rig::new(2, Some(0), true, 2).seed();
        assert_eq!(espi.restore(&ctx), Err(GicError::Mismatch));
        for r in [&fewer, &bigger, &espi] {
            assert!(r.d.writes.is_empty() && r.icc.writes.is_empty());
            assert!(r.rs.iter().all(|g| g.writes.is_empty()));
        }
    }

    #[test]
    fn v3_save_and_restore_order() {
        let mut rig = Rig::new(2, Some(0), true, 2).seed();
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        // Save: the distributor is disabled first; the CPU interface is
        // disabled before any redistributor sleeps.
        let first = rig.d.writes[0];
        assert_eq!(first.off, 0);
        let igrpen_off = rig
            .icc
            .writes
            .iter()
            .find(|w| w.1 == IccReg::Igrpen1)
            .unwrap();
        assert_eq!(igrpen_off.2, 0);
        for r in &rig.rs {
            assert!(first.seq < igrpen_off.0);
            assert!(igrpen_off.0 < r.first_write(0x14).unwrap());
        }

        rig.reset();
        rig.clear_logs();
        rig.restore(&ctx).unwrap();
        let order: Vec<IccReg> = rig.icc.writes.iter().map(|w| w.1).collect();
        assert_eq!(
            order,
            [
                IccReg::SreEl2,
                IccReg::Pmr,
                IccReg::Bpr1,
                IccReg::Ctlr,
                IccReg::Igrpen1
            ]
        );
        let sre = rig.icc.writes[0].0;
        let pmr = rig.icc.writes[1].0;
        let d_ctlr_first = rig.d.first_write(0).unwrap();
        let d_ctlr_last = rig.d.last_write(0).unwrap();
        assert!(sre < d_ctlr_first);
        assert!(rig.d.writes.iter().all(|w| w.seq <= d_ctlr_last));
        assert!(d_ctlr_last < pmr);
        for r in &rig.rs {
            // Woken first, configured between the two GICD_CTLR writes.
            let wake = r.first_write(0x14).unwrap();
            assert!(r.writes.iter().all(|w| w.seq >= wake));
            assert!(wake > d_ctlr_first);
            assert!(r.writes.iter().all(|w| w.seq < d_ctlr_last));
            assert!(r.first_write(0x70).unwrap() < r.first_write(0).unwrap());
            assert!(r.first_write(0x10180).unwrap() < r.first_write(0x10100).unwrap());
            assert!(r.first_write(0x10380).unwrap() < r.first_write(0x10300).unwrap());
            assert!(r.first_write(0x10400).unwrap() < r.first_write(0x10180).unwrap());
        }
        for (set, clear) in [
            (0x104, 0x184),
            (0x304, 0x384),
            (0x1200, 0x1400),
            (0x1A00, 0x1C00),
        ] {
            let (s, c) = (
                rig.d.first_write(set).unwrap(),
                rig.d.first_write(clear).unwrap(),
            );
            assert!(c < s, "{clear:#x} before {set:#x}");
        }
        for (cfg, clear) in [
            (0x84, 0x184),
            (0x400 + 4 * 8, 0x184),
            (0xC08, 0x184),
            (0x6000 + 8 * 32, 0x184),
            (0x1000, 0x1400),
            (0x2000, 0x1400),
            (0x3000, 0x1400),
            (0x8000, 0x1400),
        ] {
            let (c, e) = (
                rig.d.first_write(cfg).unwrap(),
                rig.d.first_write(clear).unwrap(),
            );
            assert!(c < e, "{cfg:#x} before {clear:#x}");
        }
    }

    #[test]
    fn v3_lpi_tables_not_rewritten_while_lpis_are_enabled() {
        // No power loss: GICR_CTLR.EnableLPIs still set on CPU 0, clear on
        // CPU 1.
        let mut rig = Rig::new(1, None, true, 2).seed();
        let mut ctx = V3Context::new();
        rig.save(&mut ctx).unwrap();
        rig.clear_logs();
        rig.restore(&ctx).unwrap();
        assert!(rig.rs[0].writes_to(0x70).is_empty() && rig.rs[0].writes_to(0x78).is_empty());
        assert_eq!(rig.rs[1].writes_to(0x70).len(), 1);
        rig.no_violations();
    }
}
