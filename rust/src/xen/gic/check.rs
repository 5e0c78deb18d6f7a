//! The GIC state check on the host's GIC (test aids, `xsr_test_gic_check`
//! on Xen's command line): see [`crate::gicstate`]. The values live in a
//! buffer allocated when the GIC registers at boot; [`take`] fills it
//! before the host suspend's GIC step, [`compare`] reads the GIC again after
//! its resume.

#[cfg(feature = "gicv3")]
use super::v3::online_rdists;
use super::{sys, Boxed, Hw, HOST};
use crate::gic::{Gicc, Gicd, Gicr, Mmio, V3_MAX_CPUS};
use crate::gicstate::{self, Change, Geometry, GicView, Report};
use xsr_arch::reg::{Reg32, Reg64};

/// Registers the buffer holds: more than a GIC with 1020 lines, 1024
/// extended SPIs and eight redistributors has.
const WORDS: usize = 4096;

/// The values of the last [`take`].
pub struct Buffer {
    words: Boxed<[u64; WORDS]>,
    /// How many [`take`] stored (0: none).
    taken: usize,
}

impl Buffer {
    /// With the option on, a zeroed buffer (boot, interrupts on); else, or
    /// if the allocation fails, none (the check then says it did not run).
    pub fn boot() -> Option<Buffer> {
        // SAFETY: no arguments; reads a boolean parameter.
        if !unsafe { sys::xsr_helper_test_gic_check() } {
            return None;
        }
        Some(Buffer {
            words: Boxed::zeroed()?,
            taken: 0,
        })
    }
}

/// The host's GIC as the check reads it.
struct View<'a> {
    dist: &'a Mmio<Gicd>,
    cpu: Option<&'a Mmio<Gicc>>,
    rdists: [Option<Mmio<Gicr>>; V3_MAX_CPUS],
}

impl GicView for View<'_> {
    fn dist32(&self, r: Reg32<Gicd>) -> u32 {
        self.dist.read32(r)
    }
    fn dist64(&self, r: Reg64<Gicd>) -> u64 {
        self.dist.read64(r)
    }
    fn redist32(&self, i: usize, r: Reg32<Gicr>) -> u32 {
        self.rdists
            .get(i)
            .and_then(Option::as_ref)
            .map_or(0, |m| m.read32(r))
    }
    fn redist64(&self, i: usize, r: Reg64<Gicr>) -> u64 {
        self.rdists
            .get(i)
            .and_then(Option::as_ref)
            .map_or(0, |m| m.read64(r))
    }
    fn cpu32(&self, r: Reg32<Gicc>) -> u32 {
        self.cpu.map_or(0, |m| m.read32(r))
    }
}

/// Run `f` on the registered GIC and the buffer, if both exist.
fn with<R>(f: impl FnOnce(&View, &Geometry, &mut Buffer) -> R) -> Option<R> {
    HOST.with(|h| {
        let host = h.as_mut()?;
        let buf = host.check.as_mut()?;
        let (view, geometry) = match &host.hw {
            #[cfg(feature = "gicv2")]
            Hw::V2 { dist, cpu, .. } => (
                View {
                    dist,
                    cpu: Some(cpu),
                    rdists: [const { None }; V3_MAX_CPUS],
                },
                Geometry {
                    v3: false,
                    lines: crate::gic::v2_lines(dist),
                    espis: 0,
                    rdists: 0,
                },
            ),
            #[cfg(feature = "gicv3")]
            Hw::V3 { dist, nr_cpus, .. } => {
                let (rdists, count, _) = online_rdists(*nr_cpus);
                let g = Geometry {
                    v3: true,
                    lines: crate::gic::v3_lines(dist),
                    espis: crate::gic::v3_espi_lines(dist),
                    rdists: count,
                };
                (
                    View {
                        dist,
                        cpu: None,
                        rdists,
                    },
                    g,
                )
            }
        };
        Some(f(&view, &geometry, buf))
    })
    .flatten()
}

/// Read every state-holding register into the buffer. Whether it did (the
/// option is on, the GIC registered, the buffer large enough).
pub fn take() -> bool {
    with(|view, g, buf| {
        buf.taken = gicstate::take(view, g, buf.words.get_mut()).unwrap_or(0);
        buf.taken != 0
    })
    .unwrap_or(false)
}

/// Read them again and compare with the last [`take`]; `None` if there
/// was none.
pub fn compare() -> Option<Report> {
    with(|view, g, buf| {
        let taken = core::mem::take(&mut buf.taken);
        if taken == 0 {
            return None;
        }
        let mut report = Report::default();
        report.summary =
            gicstate::compare(view, g, buf.words.get_mut(), taken, |loc, kind, b, a| {
                report.note(Change {
                    loc,
                    kind,
                    before: b,
                    after: a,
                })
            });
        Some(report)
    })
    .flatten()
}
