//! GICv2: distributor and CPU interface state across a power loss.
//!
//! Lines 0-31 (SGIs and PPIs) are banked per CPU: block 0 of the context
//! holds them as the calling CPU sees them, which on suspend is CPU0, the
//! only CPU left running. Other CPUs set their banked state up again when
//! they are brought back online.

use xsr_arch::gic::{gicc, gicd, Gicc, Gicd};

use super::{
    fill_words, restore_words, save_words, typer_lines, words_1bit, words_2bit, words_8bit, Regs,
};

/// Most interrupt lines a GICv2 implements: 0..1019 (1020-1023 are special
/// IDs), in blocks of 32.
pub const V2_MAX_LINES: usize = 1020;

/// GICD_ISENABLER/ISACTIVER registers for [`V2_MAX_LINES`].
const W1: usize = words_1bit(V2_MAX_LINES);
/// GICD_ICFGR registers for [`V2_MAX_LINES`].
const W2: usize = words_2bit(V2_MAX_LINES);
/// GICD_IPRIORITYR/ITARGETSR registers for [`V2_MAX_LINES`].
const W8: usize = words_8bit(V2_MAX_LINES);

/// First GICD_ITARGETSR register that is writable: 0-7 (SGIs and PPIs)
/// are read-only.
const ITARGETSR_FIRST_RW: usize = 8;
/// First GICD_ICFGR register that is writable: 0 (SGIs) is read-only.
const ICFGR_FIRST_RW: usize = 1;

/// The GICv2 state a power loss destroys (IHI 0048B), for up to
/// [`V2_MAX_LINES`] lines (about 2.5 KB). Allocate it once at boot (a
/// `static` with the `const` [`V2Context::new`], or zeroed memory: all-zero
/// bytes are the empty context); [`v2_save`] fills it, [`v2_restore`]
/// writes it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V2Context {
    /// Lines saved (0 for a context never saved).
    lines: usize,
    gicd_ctlr: u32,
    gicc_ctlr: u32,
    gicc_pmr: u32,
    gicc_bpr: u32,
    isenabler: [u32; W1],
    isactiver: [u32; W1],
    ipriorityr: [u32; W8],
    itargetsr: [u32; W8],
    icfgr: [u32; W2],
}

impl V2Context {
    /// An empty context (all zero, nothing saved).
    pub const fn new() -> Self {
        V2Context {
            lines: 0,
            gicd_ctlr: 0,
            gicc_ctlr: 0,
            gicc_pmr: 0,
            gicc_bpr: 0,
            isenabler: [0; W1],
            isactiver: [0; W1],
            ipriorityr: [0; W8],
            itargetsr: [0; W8],
            icfgr: [0; W2],
        }
    }

    /// Lines covered by the last save (0 if never saved).
    pub fn lines(&self) -> usize {
        self.lines
    }
}

impl Default for V2Context {
    fn default() -> Self {
        Self::new()
    }
}

/// Interrupt lines the distributor implements: 32 * (GICD_TYPER.ITLinesNumber
/// + 1), capped at [`V2_MAX_LINES`].
pub fn v2_lines(dist: &impl Regs<Gicd>) -> usize {
    typer_lines(dist.read32(gicd::TYPER))
}

/// Save the GIC into `ctx`, leaving the distributor and the CPU interface
/// disabled (GICD_CTLR = GICC_CTLR = 0): nothing is signalled any more.
///
/// Order: read GICD_CTLR and GICC_CTLR, disable both, then read the rest
/// (GICC_PMR, GICC_BPR, and for each implemented line its enable, active,
/// priority, target and configuration bits).
pub fn v2_save(dist: &mut impl Regs<Gicd>, cpu: &mut impl Regs<Gicc>, ctx: &mut V2Context) {
    let lines = v2_lines(dist);
    ctx.gicd_ctlr = dist.read32(gicd::CTLR);
    ctx.gicc_ctlr = cpu.read32(gicc::CTLR);
    dist.write32(gicd::CTLR, 0);
    cpu.write32(gicc::CTLR, 0);

    ctx.gicc_pmr = cpu.read32(gicc::PMR);
    ctx.gicc_bpr = cpu.read32(gicc::BPR);

    let (w1, w2, w8) = (words_1bit(lines), words_2bit(lines), words_8bit(lines));
    save_words(dist, gicd::ISENABLER, &mut ctx.isenabler, 0, w1);
    save_words(dist, gicd::ISACTIVER, &mut ctx.isactiver, 0, w1);
    save_words(dist, gicd::IPRIORITYR, &mut ctx.ipriorityr, 0, w8);
    save_words(dist, gicd::ITARGETSR, &mut ctx.itargetsr, 0, w8);
    save_words(dist, gicd::ICFGR, &mut ctx.icfgr, 0, w2);
    ctx.lines = lines;
}

/// Write `ctx` back into the GIC, for the lines both the context and the
/// distributor cover (they are the same unless the context was never
/// saved: then only the control registers are written, with zeros, and the
/// GIC stays disabled).
///
/// Order, with GICD_CTLR = GICC_CTLR = 0: GICD_ICFGR (not ICFGR0, read-only),
/// GICD_IPRIORITYR, GICD_ITARGETSR (not 0-7, read-only); every enable
/// cleared through GICD_ICENABLER, then GICD_ISENABLER; every active bit
/// cleared through GICD_ICACTIVER, then GICD_ISACTIVER; then GICC_PMR,
/// GICC_BPR, GICC_CTLR; GICD_CTLR last.
pub fn v2_restore(dist: &mut impl Regs<Gicd>, cpu: &mut impl Regs<Gicc>, ctx: &V2Context) {
    let lines = ctx.lines.min(v2_lines(dist));
    let (w1, w2, w8) = (words_1bit(lines), words_2bit(lines), words_8bit(lines));

    dist.write32(gicd::CTLR, 0);
    cpu.write32(gicc::CTLR, 0);

    restore_words(dist, gicd::ICFGR, &ctx.icfgr, ICFGR_FIRST_RW, w2);
    restore_words(dist, gicd::IPRIORITYR, &ctx.ipriorityr, 0, w8);
    restore_words(
        dist,
        gicd::ITARGETSR,
        &ctx.itargetsr,
        ITARGETSR_FIRST_RW,
        w8,
    );

    fill_words(dist, gicd::ICENABLER, u32::MAX, 0, w1);
    restore_words(dist, gicd::ISENABLER, &ctx.isenabler, 0, w1);
    fill_words(dist, gicd::ICACTIVER, u32::MAX, 0, w1);
    restore_words(dist, gicd::ISACTIVER, &ctx.isactiver, 0, w1);

    cpu.write32(gicc::PMR, ctx.gicc_pmr);
    cpu.write32(gicc::BPR, ctx.gicc_bpr);
    cpu.write32(gicc::CTLR, ctx.gicc_ctlr);
    dist.write32(gicd::CTLR, ctx.gicd_ctlr);
}

/// For a self-test: put exactly the registers a [`V2Context`] covers in the
/// state a power loss leaves them in (everything disabled, inactive,
/// priority 0, no targets, level-sensitive; GICC_PMR and GICC_BPR 0).
/// Read-only registers (ITARGETSR0-7, ICFGR0) are not written.
pub fn v2_reset(dist: &mut impl Regs<Gicd>, cpu: &mut impl Regs<Gicc>) {
    let lines = v2_lines(dist);
    let (w1, w2, w8) = (words_1bit(lines), words_2bit(lines), words_8bit(lines));

    dist.write32(gicd::CTLR, 0);
    cpu.write32(gicc::CTLR, 0);
    cpu.write32(gicc::PMR, 0);
    cpu.write32(gicc::BPR, 0);
    fill_words(dist, gicd::ICENABLER, u32::MAX, 0, w1);
    fill_words(dist, gicd::ICACTIVER, u32::MAX, 0, w1);
    fill_words(dist, gicd::IPRIORITYR, 0, 0, w8);
    fill_words(dist, gicd::ITARGETSR, 0, ITARGETSR_FIRST_RW, w8);
    fill_words(dist, gicd::ICFGR, 0, ICFGR_FIRST_RW, w2);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::gic::fake::{mix, FakeRegs};

    /// GICD word offsets a context covers for `lines` lines (specification
    /// numbers, not `regs`).
    fn saved_dist(lines: usize) -> Vec<usize> {
        let mut v = vec![0x000];
        for n in 0..lines.div_ceil(32) {
            v.extend([0x100 + 4 * n, 0x300 + 4 * n]);
        }
        for n in 0..lines.div_ceil(4) {
            v.extend([0x400 + 4 * n, 0x800 + 4 * n]);
        }
        for n in 0..lines.div_ceil(16) {
            v.push(0xC00 + 4 * n);
        }
        v
    }

    const SAVED_CPU: [usize; 3] = [0x00, 0x04, 0x08];

    /// Read-only among the saved GICD registers.
    fn dist_read_only(off: usize) -> bool {
        (0x800..0x820).contains(&off) || off == 0xC00
    }

    fn seed(d: &mut FakeRegs, c: &mut FakeRegs, lines: usize) {
        for off in saved_dist(lines) {
            d.poke(off, mix(off, 1));
        }
        for off in SAVED_CPU {
            c.poke(off, mix(off, 2));
        }
    }

    fn snapshot(f: &FakeRegs, offs: &[usize]) -> Vec<(usize, u32)> {
        offs.iter().map(|&o| (o, f.peek(o))).collect()
    }

    /// What a power loss or a wild write could do: new values in every
    /// writable saved register, behind the fake's back.
    fn scramble(d: &mut FakeRegs, c: &mut FakeRegs, lines: usize) {
        for off in saved_dist(lines) {
            if !dist_read_only(off) {
                d.poke(off, mix(off, 99));
            }
        }
        for off in SAVED_CPU {
            c.poke(off, mix(off, 98));
        }
    }

    #[test]
    fn v2_lines_from_typer() {
        for (itl, lines) in [(0, 32), (1, 64), (2, 96), (4, 160), (30, 992), (31, 1020)] {
            assert_eq!(v2_lines(&FakeRegs::gicd_v2(itl)), lines);
        }
    }

    #[test]
    fn v2_round_trip_every_line_count() {
        for itl in [0, 1, 2, 4, 7, 30, 31] {
            let mut d = FakeRegs::gicd_v2(itl);
            let mut c = FakeRegs::gicc_v2();
            let lines = v2_lines(&d);
            let dist_offs = saved_dist(lines);
            seed(&mut d, &mut c, lines);
            let want_d = snapshot(&d, &dist_offs);
            let want_c = snapshot(&c, &SAVED_CPU);

            let mut ctx = V2Context::new();
            v2_save(&mut d, &mut c, &mut ctx);
            assert_eq!(ctx.lines(), lines);
            assert_eq!((d.peek(0x000), c.peek(0x00)), (0, 0), "left disabled");

            scramble(&mut d, &mut c, lines);
            assert_ne!(snapshot(&d, &dist_offs), want_d);
            v2_restore(&mut d, &mut c, &ctx);
            assert_eq!(snapshot(&d, &dist_offs), want_d, "{lines} lines, scrambled");
            assert_eq!(snapshot(&c, &SAVED_CPU), want_c);

            v2_reset(&mut d, &mut c);
            for (off, val) in snapshot(&d, &dist_offs) {
                if !dist_read_only(off) {
                    assert_eq!(val, 0, "reset left {off:#x}");
                }
            }
            assert_eq!(snapshot(&c, &SAVED_CPU), [(0, 0), (4, 0), (8, 0)]);
            v2_restore(&mut d, &mut c, &ctx);
            assert_eq!(snapshot(&d, &dist_offs), want_d, "{lines} lines, reset");
            assert_eq!(snapshot(&c, &SAVED_CPU), want_c);

            assert!(
                d.violations.is_empty(),
                "read-only written: {:x?}",
                d.violations
            );
            assert!(c.violations.is_empty());
        }
    }

    #[test]
    fn v2_unimplemented_lines_never_touched() {
        for itl in [0, 1, 2, 4, 31] {
            let mut d = FakeRegs::gicd_v2(itl);
            let mut c = FakeRegs::gicc_v2();
            let lines = v2_lines(&d);
            seed(&mut d, &mut c, lines);
            let mut ctx = V2Context::new();
            v2_save(&mut d, &mut c, &mut ctx);
            v2_reset(&mut d, &mut c);
            v2_restore(&mut d, &mut c, &ctx);

            let mut allowed: BTreeSet<usize> = saved_dist(lines).into_iter().collect();
            allowed.insert(0x004);
            for n in 0..lines.div_ceil(32) {
                allowed.extend([0x180 + 4 * n, 0x380 + 4 * n]);
            }
            let stray: Vec<_> = d.touched().difference(&allowed).copied().collect();
            assert!(stray.is_empty(), "{lines} lines: touched {stray:x?}");
            assert!(c.touched().iter().all(|o| SAVED_CPU.contains(o)));
            // The last implemented priority register is used, the next not.
            assert!(d.touched().contains(&(0x400 + 4 * (lines.div_ceil(4) - 1))));
        }
    }

    #[test]
    fn v2_save_disables_first_and_restore_order() {
        let mut d = FakeRegs::gicd_v2(2);
        let mut c = FakeRegs::gicc_v2();
        seed(&mut d, &mut c, 96);
        let mut ctx = V2Context::new();
        v2_save(&mut d, &mut c, &mut ctx);
        // The only writes of a save: both CTLRs to 0, before any other read.
        assert_eq!(d.writes_to(0x000), [0]);
        assert_eq!(c.writes_to(0x00), [0]);
        assert_eq!(d.writes.len() + c.writes.len(), 2);
        assert_eq!(d.reads_of(0x100), 1);

        d.clear_log();
        c.clear_log();
        v2_restore(&mut d, &mut c, &ctx);
        let d_ctlr_last = d.last_write(0x000).unwrap();
        let d_ctlr_first = d.first_write(0x000).unwrap();
        assert!(d.writes.iter().all(|w| w.seq <= d_ctlr_last));
        assert!(c.writes.iter().all(|w| w.seq < d_ctlr_last));
        assert_eq!(d.writes_to(0x000), [0, ctx.gicd_ctlr]);
        assert_eq!(c.writes_to(0x00), [0, ctx.gicc_ctlr]);
        let c_ctlr_last = c.last_write(0x00).unwrap();
        assert!(c.last_write(0x04).unwrap() < c_ctlr_last);
        assert!(c.last_write(0x08).unwrap() < c_ctlr_last);
        // Configuration with everything disabled, then enables, then active.
        for w in d.writes.iter().filter(|w| w.off != 0x000) {
            assert!(w.seq > d_ctlr_first);
        }
        for n in 0..3 {
            let icfg = d.last_write(0xC00 + 4 * n).unwrap_or(0);
            let clear_en = d.first_write(0x180 + 4 * n).unwrap();
            let set_en = d.first_write(0x100 + 4 * n).unwrap();
            let clear_act = d.first_write(0x380 + 4 * n).unwrap();
            let set_act = d.first_write(0x300 + 4 * n).unwrap();
            assert!(icfg < clear_en && clear_en < set_en && set_en < clear_act);
            assert!(clear_act < set_act);
            assert_eq!(d.writes_to(0x180 + 4 * n), [u32::MAX]);
        }
        assert!(d.writes_to(0xC00).is_empty(), "ICFGR0 is read-only");
        assert!((0..8).all(|n| d.writes_to(0x800 + 4 * n).is_empty()));
        assert!(d.violations.is_empty());
    }

    #[test]
    fn v2_restore_of_empty_context_leaves_gic_disabled() {
        let mut d = FakeRegs::gicd_v2(2);
        let mut c = FakeRegs::gicc_v2();
        seed(&mut d, &mut c, 96);
        v2_restore(&mut d, &mut c, &V2Context::default());
        assert_eq!(d.touched(), BTreeSet::from([0x000, 0x004]));
        assert_eq!((d.peek(0x000), c.peek(0x00)), (0, 0));
    }
}
