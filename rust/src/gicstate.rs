//! A check of a GIC suspend/resume against the architecture, not against
//! the save code (a test aid). [`take`] reads every register of the GIC
//! that holds state, as the GIC architecture lists them (IHI 0048B for
//! GICv2, IHI 0069H for GICv3), whether or not the save code covers it;
//! [`compare`] reads them again after the resume and reports each that
//! changed. Across a real power loss (the test firmware wipes the GIC) a
//! register the save code forgets shows up here, which the GIC self-test
//! (save, reset exactly what was saved, restore) cannot show.
//!
//! Pending state is listed apart: it is not saved (as in Linux's and
//! upstream's GIC suspend), and interrupts may become pending or be taken
//! in between, so a change there is reported, not counted as a difference.

use xsr_arch::gic::{gicc, gicd, gicr, Gicc, Gicd, Gicr};
use xsr_arch::reg::{Bank32, Reg32, Reg64};

/// Read access to the registers of the GIC being checked.
pub trait GicView {
    /// A 32-bit distributor register.
    fn dist32(&self, r: Reg32<Gicd>) -> u32;
    /// A 64-bit distributor register.
    fn dist64(&self, r: Reg64<Gicd>) -> u64;
    /// A 32-bit register of redistributor `i` (GICv3).
    fn redist32(&self, i: usize, r: Reg32<Gicr>) -> u32;
    /// A 64-bit register of redistributor `i` (GICv3).
    fn redist64(&self, i: usize, r: Reg64<Gicr>) -> u64;
    /// A 32-bit register of the CPU interface (GICv2).
    fn cpu32(&self, r: Reg32<Gicc>) -> u32;
}

/// What is implemented: the version, the lines (SGIs and PPIs included,
/// from GICD_TYPER), the extended SPIs and the redistributors checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// GICv3 (else GICv2).
    pub v3: bool,
    /// Interrupt lines, 32 * (ITLinesNumber + 1).
    pub lines: usize,
    /// Extended SPIs (GICv3.1), 0 if none.
    pub espis: usize,
    /// Redistributors (GICv3): those of the CPUs online.
    pub rdists: usize,
}

/// Where a register is, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Distributor, at this offset.
    Gicd(usize),
    /// Redistributor `.0`, at this offset.
    Gicr(usize, usize),
    /// CPU interface, at this offset.
    Gicc(usize),
}

/// Whether a register's content must survive the suspend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Configuration and state the resume must give back.
    State,
    /// Pending bits: not saved; a change is reported apart.
    Pending,
}

/// One register: where, its kind, the bits compared, its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    /// Where.
    pub loc: Loc,
    /// Its kind.
    pub kind: Kind,
    /// The value, with bits that change by themselves masked out (RWP,
    /// ChildrenAsleep).
    pub value: u64,
}

/// Words of a 1-bit-per-line bank for `lines`, 2-bit, 8-bit.
const fn w1(lines: usize) -> usize {
    lines.div_ceil(32)
}
const fn w2(lines: usize) -> usize {
    lines.div_ceil(16)
}
const fn w8(lines: usize) -> usize {
    lines.div_ceil(4)
}

/// Every state-holding register of the GIC `g`, read through `v`, in a
/// fixed order (so that two walks pair up).
pub fn walk(v: &impl GicView, g: &Geometry, mut f: impl FnMut(Value)) {
    let mut d = |r: Reg32<Gicd>, kind: Kind, mask: u32| {
        f(Value {
            loc: Loc::Gicd(r.offset()),
            kind,
            value: u64::from(v.dist32(r) & mask),
        })
    };
    let bank = |d: &mut dyn FnMut(Reg32<Gicd>, Kind, u32),
                b: Bank32<Gicd>,
                from: usize,
                to: usize,
                kind: Kind| {
        for r in b.range(from, to) {
            d(r, kind, u32::MAX);
        }
    };
    use Kind::{Pending, State};
    let l = g.lines;
    d(gicd::CTLR, State, !gicd::CTLR_RWP);
    if g.v3 {
        // SPIs (the banked INTIDs 0-31 live in the redistributors).
        bank(&mut d, gicd::IGROUPR, 1, w1(l), State);
        bank(&mut d, gicd::ISENABLER, 1, w1(l), State);
        bank(&mut d, gicd::ISPENDR, 1, w1(l), Pending);
        bank(&mut d, gicd::ISACTIVER, 1, w1(l), State);
        bank(&mut d, gicd::IPRIORITYR, 8, w8(l), State);
        bank(&mut d, gicd::ICFGR, 2, w2(l), State);
        bank(&mut d, gicd::IGRPMODR, 1, w1(l), State);
        bank(&mut d, gicd::NSACR, 2, w2(l), State);
        let e = g.espis;
        bank(&mut d, gicd::IGROUPR_E, 0, w1(e), State);
        bank(&mut d, gicd::ISENABLER_E, 0, w1(e), State);
        bank(&mut d, gicd::ISPENDR_E, 0, w1(e), Pending);
        bank(&mut d, gicd::ISACTIVER_E, 0, w1(e), State);
        bank(&mut d, gicd::IPRIORITYR_E, 0, w8(e), State);
        bank(&mut d, gicd::ICFGR_E, 0, w2(e), State);
        bank(&mut d, gicd::IGRPMODR_E, 0, w1(e), State);
        bank(&mut d, gicd::NSACR_E, 0, w2(e), State);
        for r in gicd::IROUTER.range(32, l) {
            f(Value {
                loc: Loc::Gicd(r.offset()),
                kind: State,
                value: v.dist64(r),
            });
        }
        for r in gicd::IROUTER_E.first(e) {
            f(Value {
                loc: Loc::Gicd(r.offset()),
                kind: State,
                value: v.dist64(r),
            });
        }
        for i in 0..g.rdists {
            let mut r32 = |r: Reg32<Gicr>, kind: Kind, mask: u32| {
                f(Value {
                    loc: Loc::Gicr(i, r.offset()),
                    kind,
                    value: u64::from(v.redist32(i, r) & mask),
                })
            };
            r32(gicr::CTLR, State, !gicr::CTLR_RWP);
            // ChildrenAsleep follows ProcessorSleep by itself.
            r32(gicr::WAKER, State, !gicr::WAKER_CHILDREN_ASLEEP);
            r32(gicr::IGROUPR0, State, u32::MAX);
            r32(gicr::ISENABLER0, State, u32::MAX);
            r32(gicr::ISPENDR0, Pending, u32::MAX);
            r32(gicr::ISACTIVER0, State, u32::MAX);
            for r in gicr::IPRIORITYR.first(8) {
                r32(r, State, u32::MAX);
            }
            r32(gicr::ICFGR0, State, u32::MAX);
            r32(gicr::ICFGR1, State, u32::MAX);
            r32(gicr::IGRPMODR0, State, u32::MAX);
            r32(gicr::NSACR, State, u32::MAX);
            for r in [gicr::PROPBASER, gicr::PENDBASER] {
                f(Value {
                    loc: Loc::Gicr(i, r.offset()),
                    kind: State,
                    value: v.redist64(i, r),
                });
            }
        }
    } else {
        // GICv2: bank 0 is the calling CPU's SGIs and PPIs.
        bank(&mut d, gicd::IGROUPR, 0, w1(l), State);
        bank(&mut d, gicd::ISENABLER, 0, w1(l), State);
        bank(&mut d, gicd::ISPENDR, 0, w1(l), Pending);
        bank(&mut d, gicd::ISACTIVER, 0, w1(l), State);
        bank(&mut d, gicd::IPRIORITYR, 0, w8(l), State);
        bank(&mut d, gicd::ITARGETSR, 0, w8(l), State);
        bank(&mut d, gicd::ICFGR, 0, w2(l), State);
        bank(&mut d, gicd::NSACR, 0, w2(l), State);
        bank(&mut d, gicd::SPENDSGIR, 0, 4, Pending);
        for r in [gicc::CTLR, gicc::PMR, gicc::BPR, gicc::ABPR] {
            f(Value {
                loc: Loc::Gicc(r.offset()),
                kind: State,
                value: u64::from(v.cpu32(r)),
            });
        }
        for r in gicc::APR.first(4).chain(gicc::NSAPR.first(4)) {
            f(Value {
                loc: Loc::Gicc(r.offset()),
                kind: State,
                value: u64::from(v.cpu32(r)),
            });
        }
    }
}

/// Read every register into `buf`. How many there are, or `None` if
/// `buf` is too small (then nothing is checked).
pub fn take(v: &impl GicView, g: &Geometry, buf: &mut [u64]) -> Option<usize> {
    let mut n = 0;
    let mut fits = true;
    walk(v, g, |val| {
        match buf.get_mut(n) {
            Some(slot) => *slot = val.value,
            None => fits = false,
        }
        n += 1;
    });
    fits.then_some(n)
}

/// What [`compare`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Registers compared.
    pub checked: usize,
    /// State registers whose value changed.
    pub differ: usize,
    /// Pending registers whose value changed (reported, not a failure).
    pub pending_changed: usize,
}

/// Read every register again and compare with the `count` values of
/// [`take`] in `buf`; `report` gets each change (loc, kind, before,
/// after). The geometry must be the one of [`take`].
pub fn compare(
    v: &impl GicView,
    g: &Geometry,
    buf: &[u64],
    count: usize,
    mut report: impl FnMut(Loc, Kind, u64, u64),
) -> Summary {
    let mut s = Summary::default();
    let mut n = 0;
    walk(v, g, |val| {
        if n < count {
            if let Some(&before) = buf.get(n) {
                s.checked += 1;
                if before != val.value {
                    match val.kind {
                        Kind::State => s.differ += 1,
                        Kind::Pending => s.pending_changed += 1,
                    }
                    report(val.loc, val.kind, before, val.value);
                }
            }
        }
        n += 1;
    });
    // A walk that found a different number of registers (the geometry
    // changed) counts the missing ones as differences.
    if n != count {
        s.differ += n.abs_diff(count);
    }
    s
}

/// One change [`compare`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where.
    pub loc: Loc,
    /// State or pending.
    pub kind: Kind,
    /// Before the suspend.
    pub before: u64,
    /// After the resume.
    pub after: u64,
}

/// The most changes a [`Report`] keeps to print.
pub const REPORTED: usize = 8;

/// A [`compare`]'s summary and its first changes, held until the console
/// is back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The counts.
    pub summary: Summary,
    /// The first [`REPORTED`] changes.
    pub changes: [Option<Change>; REPORTED],
}

impl Report {
    /// Keep `c` if there is room.
    pub fn note(&mut self, c: Change) {
        if let Some(slot) = self.changes.iter_mut().find(|s| s.is_none()) {
            *slot = Some(c);
        }
    }

    /// Say it on the console: the counts, then each change kept; `None`
    /// (the option was on, nothing was taken) says the check did not run.
    pub fn log(report: Option<&Report>, log: &mut impl crate::layer::Log) {
        use crate::layer::Level;
        let Some(r) = report else {
            log.line(
                Level::Warning,
                &crate::msg!("TEST: GIC state check: not run (no GIC values taken)"),
            );
            return;
        };
        let s = r.summary;
        log.line(
            if s.differ == 0 {
                Level::Info
            } else {
                Level::Warning
            },
            &crate::msg!(
                "TEST: GIC state check: ",
                s.checked,
                " registers, ",
                s.differ,
                " differ, ",
                s.pending_changed,
                " pending changed"
            ),
        );
        for c in r.changes.iter().flatten() {
            let kind = match c.kind {
                Kind::State => c" differs: ",
                Kind::Pending => c" pending: ",
            };
            let (before, after) = (c.before, c.after);
            // A distributor or CPU interface register is named by its
            // block, a redistributor's also by the redistributor's index;
            // then the change.
            macro_rules! change_line {
                ($off:expr; $($register:tt)*) => {
                    log.line(
                        Level::Info,
                        &crate::msg!(
                            "TEST: GIC state check: ",
                            $($register)*,
                            "+",
                            hex($off),
                            str(kind),
                            hex(before),
                            " before, ",
                            hex(after),
                            " after"
                        ),
                    )
                };
            }
            match c.loc {
                Loc::Gicd(off) => change_line!(off; "GICD"),
                Loc::Gicc(off) => change_line!(off; "GICC"),
                Loc::Gicr(i, off) => change_line!(off; "GICR", i),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// A GIC as a map of (block, index, offset) to value; unknown reads 0.
    #[derive(Default)]
    struct Map(RefCell<BTreeMap<(u8, usize, usize), u64>>);

    impl Map {
        fn set(&self, block: u8, i: usize, off: usize, v: u64) {
            self.0.borrow_mut().insert((block, i, off), v);
        }
        fn get(&self, block: u8, i: usize, off: usize) -> u64 {
            self.0.borrow().get(&(block, i, off)).copied().unwrap_or(0)
        }
    }

    impl GicView for Map {
        fn dist32(&self, r: Reg32<Gicd>) -> u32 {
            self.get(0, 0, r.offset()) as u32
        }
        fn dist64(&self, r: Reg64<Gicd>) -> u64 {
            self.get(0, 0, r.offset())
        }
        fn redist32(&self, i: usize, r: Reg32<Gicr>) -> u32 {
            self.get(1, i, r.offset()) as u32
        }
        fn redist64(&self, i: usize, r: Reg64<Gicr>) -> u64 {
            self.get(1, i, r.offset())
        }
        fn cpu32(&self, r: Reg32<Gicc>) -> u32 {
            self.get(2, 0, r.offset()) as u32
        }
    }

    const V3: Geometry = Geometry {
        v3: true,
        lines: 288,
        espis: 0,
        rdists: 2,
    };
    const V2: Geometry = Geometry {
        v3: false,
        lines: 288,
        espis: 0,
        rdists: 0,
    };

    fn locs(g: &Geometry) -> Vec<Loc> {
        let mut v = Vec::new();
        walk(&Map::default(), g, |val| v.push(val.loc));
        v
    }

    #[test]
    fn the_walk_covers_what_the_architecture_lists() {
        // Spot registers, by the specifications' numbers: the SPI banks
        // from their first SPI register, IROUTER from INTID 32, each
        // redistributor's SGI frame, PROPBASER/PENDBASER.
        let l = locs(&V3);
        for want in [
            Loc::Gicd(0x0000),
            Loc::Gicd(0x0084),
            Loc::Gicd(0x0104),
            Loc::Gicd(0x0204),
            Loc::Gicd(0x0304),
            Loc::Gicd(0x0420),
            Loc::Gicd(0x0C08),
            Loc::Gicd(0x0D04),
            Loc::Gicd(0x0E08),
            Loc::Gicd(0x6100),
            Loc::Gicd(0x6000 + 8 * 287),
            Loc::Gicr(1, 0x0014),
            Loc::Gicr(1, 0x0070),
            Loc::Gicr(1, 0x0078),
            Loc::Gicr(0, 0x1_0080),
            Loc::Gicr(0, 0x1_0200),
            Loc::Gicr(0, 0x1_041C),
            Loc::Gicr(0, 0x1_0C04),
            Loc::Gicr(0, 0x1_0E00),
        ] {
            assert!(l.contains(&want), "{want:?} missing");
        }
        // The banked INTIDs 0-31 are the redistributors', not GICD's.
        for absent in [Loc::Gicd(0x0080), Loc::Gicd(0x0100), Loc::Gicd(0x0400)] {
            assert!(!l.contains(&absent), "{absent:?} listed");
        }
        assert!(!l.contains(&Loc::Gicd(0x6000 + 8 * 288)));
        // 9 words each of 5 one-bit banks (less bank 0), 64 of IPRIORITYR,
        // 16 of ICFGR, 16 of NSACR, 256 routes, CTLR; 20 per redistributor.
        assert_eq!(l.len(), 1 + 5 * 8 + 64 + 16 + 16 + 256 + 2 * 20);

        let l = locs(&V2);
        for want in [
            Loc::Gicd(0x0100),
            Loc::Gicd(0x0400),
            Loc::Gicd(0x0800),
            Loc::Gicd(0x0F2C),
            Loc::Gicc(0x0004),
            Loc::Gicc(0x001C),
            Loc::Gicc(0x00EC),
        ] {
            assert!(l.contains(&want), "{want:?} missing");
        }
        assert!(!l.iter().any(|x| matches!(x, Loc::Gicr(..))));
    }

    #[test]
    fn a_register_that_changed_is_reported_and_pending_apart() {
        let gic = Map::default();
        gic.set(0, 0, 0x0420, 0xa0a0_a0a0);
        gic.set(1, 1, 0x0070, 0x4000_0000_0000_0fff);
        let mut buf = [0u64; 1024];
        let n = take(&gic, &V3, &mut buf).unwrap();
        // Nothing changed.
        let s = compare(&gic, &V3, &buf, n, |_, _, _, _| {
            panic!("no change expected")
        });
        assert_eq!(
            s,
            Summary {
                checked: n,
                differ: 0,
                pending_changed: 0
            }
        );
        // A priority and a PROPBASER lost, a pending bit set, RWP set.
        gic.set(0, 0, 0x0420, 0);
        gic.set(1, 1, 0x0070, 0);
        gic.set(0, 0, 0x0204, 1);
        gic.set(0, 0, 0x0000, u64::from(gicd::CTLR_RWP));
        let mut seen = Vec::new();
        let s = compare(&gic, &V3, &buf, n, |loc, kind, b, a| {
            seen.push((loc, kind, b, a))
        });
        assert_eq!(s.differ, 2);
        assert_eq!(s.pending_changed, 1);
        assert_eq!(
            seen,
            [
                (Loc::Gicd(0x0204), Kind::Pending, 0, 1),
                (Loc::Gicd(0x0420), Kind::State, 0xa0a0_a0a0, 0),
                (Loc::Gicr(1, 0x0070), Kind::State, 0x4000_0000_0000_0fff, 0),
            ]
        );
    }

    #[test]
    fn the_report_says_counts_and_changes() {
        use crate::layer::{Level, VecLog};
        let mut r = Report::default();
        for i in 0..10 {
            r.note(Change {
                loc: Loc::Gicr(1, 0x1_0400 + 4 * i),
                kind: if i == 0 { Kind::Pending } else { Kind::State },
                before: 0xa0,
                after: 0,
            });
        }
        r.summary = Summary {
            checked: 413,
            differ: 9,
            pending_changed: 1,
        };
        let mut log = VecLog::default();
        Report::log(Some(&r), &mut log);
        assert_eq!(log.0.len(), 1 + REPORTED);
        assert_eq!(log.0[0].0, Level::Warning);
        assert_eq!(
            log.0[0].1,
            "xen-suspend: TEST: GIC state check: 413 registers, 9 differ, 1 pending changed"
        );
        assert_eq!(
            log.0[1].1,
            "xen-suspend: TEST: GIC state check: GICR1+0x10400 pending: 0xa0 before, 0x0 after"
        );
        assert_eq!(
            log.0[2].1,
            "xen-suspend: TEST: GIC state check: GICR1+0x10404 differs: 0xa0 before, 0x0 after"
        );
        let mut log = VecLog::default();
        Report::log(Some(&Report::default()), &mut log);
        assert_eq!(log.0[0].0, Level::Info);
        let mut log = VecLog::default();
        Report::log(None, &mut log);
        assert!(log.0[0].1.contains("not run"));
    }

    #[test]
    fn the_report_names_distributor_and_cpu_interface_registers() {
        use crate::layer::VecLog;
        let mut r = Report::default();
        for (loc, kind) in [
            (Loc::Gicd(0x100), Kind::State),
            (Loc::Gicc(0x4), Kind::Pending),
        ] {
            r.note(Change {
                loc,
                kind,
                before: 0x1,
                after: 0x3,
            });
        }
        r.summary.differ = 1;
        let mut log = VecLog::default();
        Report::log(Some(&r), &mut log);
        assert_eq!(
            log.texts()[1..],
            [
                "xen-suspend: TEST: GIC state check: GICD+0x100 differs: 0x1 before, 0x3 after",
                "xen-suspend: TEST: GIC state check: GICC+0x4 pending: 0x1 before, 0x3 after",
            ]
        );
    }

    #[test]
    fn a_buffer_too_small_checks_nothing_and_a_changed_geometry_differs() {
        let gic = Map::default();
        let mut small = [0u64; 8];
        assert_eq!(take(&gic, &V3, &mut small), None);
        let mut buf = [0u64; 1024];
        let n = take(&gic, &V3, &mut buf).unwrap();
        let fewer = Geometry { rdists: 1, ..V3 };
        let s = compare(&gic, &fewer, &buf, n, |_, _, _, _| {});
        assert_eq!(s.differ, 20);
    }
}
