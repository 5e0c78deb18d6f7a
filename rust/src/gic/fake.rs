//! Fakes for the GIC tests: register blocks that behave, where the save and
//! restore code depends on it, like the hardware (read-only registers,
//! write-1-to-set/write-1-to-clear pairs, RWP, GICR_WAKER, ITS quiescence)
//! and log every access; and a CPU interface.
//!
//! Offsets here are written as the specification's numbers, not taken from
//! `regs`, so that the fakes check the layouts too.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use xsr_arch::reg::{Reg32, Reg64};

use super::{IccReg, IccRegs, Regs, Regs64};

thread_local! {
    /// One clock for every fake of a test, to compare the order of accesses
    /// across register blocks and the CPU interface.
    static SEQ: Cell<u64> = const { Cell::new(0) };
}

/// The next tick of the test's clock.
pub fn tick() -> u64 {
    SEQ.with(|s| {
        let v = s.get();
        s.set(v + 1);
        v
    })
}

/// Which register block a [`FakeRegs`] models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// GICv2 distributor.
    GicdV2,
    /// GICv2 CPU interface.
    GiccV2,
    /// GICv3 distributor.
    GicdV3,
    /// GICv3 redistributor (RD_base + SGI_base).
    Redist,
    /// ITS control frame.
    Its,
}

/// How GICR_WAKER.ChildrenAsleep behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WakerMode {
    /// Follows ProcessorSleep at once.
    Follows,
    /// Never set: the redistributor never goes to sleep.
    NeverAsleep,
    /// Always set: the redistributor never wakes up.
    NeverAwake,
}

/// One 32-bit write (a 64-bit write is two, low word first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Write {
    /// When.
    pub seq: u64,
    /// Word offset.
    pub off: usize,
    /// Value written.
    pub val: u32,
}

/// A register block of 32-bit words.
pub struct FakeRegs {
    kind: Kind,
    words: Vec<u32>,
    /// Word offsets read, with how many times.
    reads: RefCell<BTreeMap<usize, u64>>,
    /// Every write, in order.
    pub writes: Vec<Write>,
    /// Writes to read-only registers, or to GICR_PROPBASER/PENDBASER while
    /// LPIs are enabled (UNPREDICTABLE): word offsets.
    pub violations: Vec<usize>,
    /// RWP (GICD_CTLR bit 31, GICR_CTLR bit 3) never clears.
    pub rwp_stuck: bool,
    /// GICR_WAKER behaviour.
    pub waker: WakerMode,
    /// GITS_CTLR.Quiescent never sets.
    pub its_stuck: bool,
    /// GICD_CTLR.DS (GICv3): reads as this, writes ignored.
    ds: bool,
}

const GICD_CTLR_RWP: u32 = 1 << 31;
const GICD_CTLR_DS: u32 = 1 << 6;
const GICR_CTLR_RWP: u32 = 1 << 3;
const GICR_CTLR_ENABLE_LPIS: u32 = 1;
const WAKER: usize = 0x14;
const WAKER_PS: u32 = 1 << 1;
const WAKER_CA: u32 = 1 << 2;
const GITS_ENABLED: u32 = 1;
const GITS_QUIESCENT: u32 = 1 << 31;

impl FakeRegs {
    fn new(kind: Kind, len: usize) -> Self {
        FakeRegs {
            kind,
            words: vec![0; len / 4],
            reads: RefCell::new(BTreeMap::new()),
            writes: Vec::new(),
            violations: Vec::new(),
            rwp_stuck: false,
            waker: WakerMode::Follows,
            its_stuck: false,
            ds: false,
        }
    }

    /// A GICv2 distributor with GICD_TYPER.ITLinesNumber = `it_lines`.
    pub fn gicd_v2(it_lines: u32) -> Self {
        let mut f = Self::new(Kind::GicdV2, 0x1000);
        f.poke(0x004, it_lines & 0x1f);
        f
    }

    /// A GICv2 CPU interface.
    pub fn gicc_v2() -> Self {
        let mut f = Self::new(Kind::GiccV2, 0x2000);
        f.poke(0xFC, 0x0202_043B);
        f
    }

    /// A GICv3 distributor with GICD_TYPER.ITLinesNumber = `it_lines`,
    /// extended SPIs with ESPI_range = `espi_range` if some, and
    /// GICD_CTLR.DS = `ds`.
    pub fn gicd_v3(it_lines: u32, espi_range: Option<u32>, ds: bool) -> Self {
        let mut f = Self::new(Kind::GicdV3, 0x10000);
        let espi = espi_range.map_or(0, |r| (1 << 8) | ((r & 0x1f) << 27));
        f.poke(0x004, (it_lines & 0x1f) | espi);
        f.ds = ds;
        f
    }

    /// A GICv3 redistributor; GICR_TYPER.Last = `last`, processor number
    /// `cpu`. Awake (GICR_WAKER.ProcessorSleep clear).
    pub fn redist(cpu: u32, last: bool) -> Self {
        let mut f = Self::new(Kind::Redist, 0x20000);
        f.poke(0x0008, (cpu << 8) | (u32::from(last) << 4));
        f.poke(0x000C, cpu);
        f
    }

    /// An ITS control frame.
    pub fn its() -> Self {
        let mut f = Self::new(Kind::Its, 0x10000);
        f.poke(0x0008, 0x000f_f000);
        f
    }

    /// Store `val` at `off` directly, bypassing every behaviour (seeding,
    /// scrambling), unlogged.
    pub fn poke(&mut self, off: usize, val: u32) {
        self.words[off / 4] = val;
    }

    /// The stored word at `off` (the modeled state), unlogged.
    pub fn peek(&self, off: usize) -> u32 {
        self.words[off / 4]
    }

    /// [`Self::poke`] for a 64-bit register.
    pub fn poke64(&mut self, off: usize, val: u64) {
        self.poke(off, val as u32);
        self.poke(off + 4, (val >> 32) as u32);
    }

    /// [`Self::peek`] for a 64-bit register.
    pub fn peek64(&self, off: usize) -> u64 {
        u64::from(self.peek(off)) | (u64::from(self.peek(off + 4)) << 32)
    }

    /// Forget the access log.
    pub fn clear_log(&mut self) {
        self.reads.borrow_mut().clear();
        self.writes.clear();
        self.violations.clear();
    }

    /// Every word offset read or written.
    pub fn touched(&self) -> BTreeSet<usize> {
        let mut t: BTreeSet<usize> = self.reads.borrow().keys().copied().collect();
        t.extend(self.writes.iter().map(|w| w.off));
        t
    }

    /// How many times the word at `off` was read.
    pub fn reads_of(&self, off: usize) -> u64 {
        self.reads.borrow().get(&off).copied().unwrap_or(0)
    }

    /// The values written to the word at `off`, in order.
    pub fn writes_to(&self, off: usize) -> Vec<u32> {
        self.writes
            .iter()
            .filter(|w| w.off == off)
            .map(|w| w.val)
            .collect()
    }

    /// When the first write to `off` happened.
    pub fn first_write(&self, off: usize) -> Option<u64> {
        self.writes.iter().find(|w| w.off == off).map(|w| w.seq)
    }

    /// When the last write to `off` happened.
    pub fn last_write(&self, off: usize) -> Option<u64> {
        self.writes
            .iter()
            .rev()
            .find(|w| w.off == off)
            .map(|w| w.seq)
    }

    /// Whether `off` is read-only in this block.
    fn read_only(&self, off: usize) -> bool {
        match self.kind {
            Kind::GicdV2 => matches!(off, 0x004 | 0x008 | 0x800..0x820 | 0xC00),
            Kind::GiccV2 => off == 0xFC,
            Kind::GicdV3 => matches!(off, 0x004 | 0x008 | 0x00C),
            Kind::Redist => matches!(off, 0x0004 | 0x0008 | 0x000C | 0x10C00),
            Kind::Its => matches!(off, 0x0004 | 0x0008 | 0x000C | 0x0090 | 0x0094),
        }
    }

    /// For a set/clear register pair: the word holding the state, and
    /// whether `off` is the set half.
    fn pair(&self, off: usize) -> Option<(usize, bool)> {
        let banks: &[(usize, usize)] = match self.kind {
            Kind::GicdV2 => &[(0x100, 0x180), (0x300, 0x380)],
            Kind::GicdV3 => &[
                (0x100, 0x180),
                (0x300, 0x380),
                (0x1200, 0x1400),
                (0x1A00, 0x1C00),
            ],
            Kind::Redist => &[(0x10100, 0x10180), (0x10300, 0x10380)],
            Kind::GiccV2 | Kind::Its => &[],
        };
        banks.iter().find_map(|&(set, clear)| {
            if (set..set + 0x80).contains(&off) {
                Some((off, true))
            } else if (clear..clear + 0x80).contains(&off) {
                Some((off - clear + set, false))
            } else {
                None
            }
        })
    }

    fn check(&self, off: usize) {
        assert_eq!(off % 4, 0, "misaligned access at {off:#x}");
        assert!(
            off / 4 < self.words.len(),
            "access beyond the block at {off:#x}"
        );
    }
}

impl FakeRegs {
    /// The 32-bit read the hardware would answer at `off`.
    fn read_at(&self, off: usize) -> u32 {
        self.check(off);
        *self.reads.borrow_mut().entry(off).or_insert(0) += 1;
        if let Some((state, _)) = self.pair(off) {
            return self.peek(state);
        }
        let raw = self.peek(off);
        match (self.kind, off) {
            (Kind::GicdV3, 0x0000) => {
                let mut v = raw & !(GICD_CTLR_RWP | GICD_CTLR_DS);
                if self.rwp_stuck {
                    v |= GICD_CTLR_RWP;
                }
                if self.ds {
                    v |= GICD_CTLR_DS;
                }
                v
            }
            (Kind::Redist, 0x0000) if self.rwp_stuck => raw | GICR_CTLR_RWP,
            (Kind::Redist, WAKER) => {
                let ca = match self.waker {
                    WakerMode::Follows => raw & WAKER_PS != 0,
                    WakerMode::NeverAsleep => false,
                    WakerMode::NeverAwake => true,
                };
                (raw & !WAKER_CA) | if ca { WAKER_CA } else { 0 }
            }
            (Kind::Its, 0x0000) => {
                let quiescent = !self.its_stuck && raw & GITS_ENABLED == 0;
                (raw & !GITS_QUIESCENT) | if quiescent { GITS_QUIESCENT } else { 0 }
            }
            _ => raw,
        }
    }

    /// A 32-bit write at `off`, as the hardware would take it.
    fn write_at(&mut self, off: usize, val: u32) {
        self.check(off);
        self.writes.push(Write {
            seq: tick(),
            off,
            val,
        });
        if self.read_only(off) {
            self.violations.push(off);
            return;
        }
        if self.kind == Kind::Redist
            && (0x0070..0x0080).contains(&off)
            && self.peek(0) & GICR_CTLR_ENABLE_LPIS != 0
        {
            self.violations.push(off);
            return;
        }
        if let Some((state, set)) = self.pair(off) {
            let old = self.peek(state);
            self.poke(state, if set { old | val } else { old & !val });
            return;
        }
        let stored = match (self.kind, off) {
            (Kind::GicdV3, 0x0000) => val & !(GICD_CTLR_RWP | GICD_CTLR_DS),
            (Kind::Redist, 0x0000) => val & !GICR_CTLR_RWP,
            (Kind::Redist, WAKER) => val & !WAKER_CA,
            (Kind::Its, 0x0000) => val & !GITS_QUIESCENT,
            _ => val,
        };
        self.poke(off, stored);
    }
}

/// A fake serves as any block: the code under test picks the registers
/// (typed, so of the block its signature names), the fake answers by the
/// offset, as the specification numbers them.
impl<B> Regs<B> for FakeRegs {
    fn read32(&self, r: Reg32<B>) -> u32 {
        self.read_at(r.offset())
    }

    fn write32(&mut self, r: Reg32<B>, val: u32) {
        self.write_at(r.offset(), val)
    }
}

impl<B> Regs64<B> for FakeRegs {
    fn read64(&self, r: Reg64<B>) -> u64 {
        let off = r.offset();
        assert_eq!(off % 8, 0, "misaligned 64-bit access at {off:#x}");
        u64::from(self.read_at(off)) | (u64::from(self.read_at(off + 4)) << 32)
    }

    fn write64(&mut self, r: Reg64<B>, val: u64) {
        let off = r.offset();
        assert_eq!(off % 8, 0, "misaligned 64-bit access at {off:#x}");
        self.write_at(off, val as u32);
        self.write_at(off + 4, (val >> 32) as u32);
    }
}

/// A CPU interface: five registers and a log of writes.
#[derive(Debug, Default)]
pub struct FakeIcc {
    regs: [u64; 5],
    /// Every write: when, which, what.
    pub writes: Vec<(u64, IccReg, u64)>,
}

fn icc_index(r: IccReg) -> usize {
    match r {
        IccReg::Ctlr => 0,
        IccReg::Pmr => 1,
        IccReg::Bpr1 => 2,
        IccReg::SreEl2 => 3,
        IccReg::Igrpen1 => 4,
    }
}

/// Every ICC register, in a fixed order.
pub const ICC_ALL: [IccReg; 5] = [
    IccReg::Ctlr,
    IccReg::Pmr,
    IccReg::Bpr1,
    IccReg::SreEl2,
    IccReg::Igrpen1,
];

impl FakeIcc {
    /// Set `r` without logging.
    pub fn poke(&mut self, r: IccReg, val: u64) {
        self.regs[icc_index(r)] = val;
    }

    /// The value of `r`.
    pub fn peek(&self, r: IccReg) -> u64 {
        self.regs[icc_index(r)]
    }
}

impl IccRegs for FakeIcc {
    fn read(&self, r: IccReg) -> u64 {
        self.peek(r)
    }

    fn write(&mut self, r: IccReg, val: u64) {
        self.writes.push((tick(), r, val));
        self.poke(r, val);
    }
}

/// A value that looks random, derived from `off` and `salt`, never 0.
pub fn mix(off: usize, salt: u32) -> u32 {
    let mut x = (off as u64 ^ (u64::from(salt) << 32)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x as u32) | 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use xsr_arch::gic::gits;

    #[test]
    fn fake_models_set_clear_pairs_and_read_only() {
        let mut d = FakeRegs::gicd_v2(2);
        d.write_at(0x104, 0b1011);
        d.write_at(0x184, 0b0010);
        assert_eq!(d.read_at(0x104), 0b1001);
        assert_eq!(d.read_at(0x184), 0b1001);
        d.write_at(0x004, 0xffff);
        assert_eq!(d.read_at(0x004), 2);
        assert_eq!(d.violations, vec![0x004]);
        assert_eq!(d.touched(), BTreeSet::from([0x004, 0x104, 0x184]));
    }

    #[test]
    fn fake_models_waker_rwp_and_its() {
        let mut r = FakeRegs::redist(0, true);
        r.write_at(WAKER, WAKER_PS);
        assert_eq!(r.read_at(WAKER), WAKER_PS | WAKER_CA);
        r.waker = WakerMode::NeverAsleep;
        assert_eq!(r.read_at(WAKER), WAKER_PS);
        r.rwp_stuck = true;
        assert_eq!(r.read_at(0) & GICR_CTLR_RWP, GICR_CTLR_RWP);
        r.write_at(0, 1);
        r.write_at(0x70, 5);
        assert_eq!(r.violations, vec![0x70]);

        let mut d = FakeRegs::gicd_v3(1, None, true);
        d.write_at(0, 0);
        assert_eq!(d.read_at(0), GICD_CTLR_DS);
        d.rwp_stuck = true;
        assert_eq!(d.read_at(0), GICD_CTLR_DS | GICD_CTLR_RWP);

        let mut its = FakeRegs::its();
        its.write_at(0, 1);
        assert_eq!(its.read_at(0), 1);
        its.write_at(0, 0);
        assert_eq!(its.read_at(0), GITS_QUIESCENT);
        its.write64(gits::CBASER, 0x1122_3344_5566_7788);
        assert_eq!(its.read64(gits::CBASER), 0x1122_3344_5566_7788);
        assert_eq!(its.peek(0x84), 0x1122_3344);
    }
}
