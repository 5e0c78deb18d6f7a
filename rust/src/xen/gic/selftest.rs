//! The live GIC self-test on the host's GIC (builds with test aids only):
//! see [`crate::gicpm::selftest`].

#[cfg(feature = "gicv2")]
use super::V2Gic;
#[cfg(feature = "gicv3")]
use super::V3Gic;
use super::{Boxed, Hw, HOST};
use crate::errno::Errno;
use crate::gicpm::{self, Selftest, SelftestError, SuspendableGic};
use crate::timer::{self, SysTimer};

/// Allocate the self-test's second context (interrupts on).
pub fn prepare() -> Result<(), Errno> {
    HOST.with(|h| match h.as_mut().map(|h| &mut h.hw) {
        None => Err(Errno::ENODEV),
        #[cfg(feature = "gicv2")]
        Some(Hw::V2 { spare, .. }) => alloc_spare(spare),
        #[cfg(feature = "gicv3")]
        Some(Hw::V3 { spare, .. }) => alloc_spare(spare),
    })
    .unwrap_or(Err(Errno::EBUSY))
}

fn alloc_spare<T>(spare: &mut Option<Boxed<T>>) -> Result<(), Errno> {
    if spare.is_none() {
        *spare = Boxed::zeroed();
    }
    if spare.is_some() {
        Ok(())
    } else {
        Err(Errno::ENOMEM)
    }
}

/// What the self-test found, for the console.
pub struct SelftestReport {
    /// "GICv2" or "GICv3".
    pub version: &'static core::ffi::CStr,
    /// Interrupt lines (SGIs, PPIs, SPIs) the hardware implements.
    pub lines: usize,
    /// Redistributors saved (GICv3; 0 for GICv2).
    pub rdists: usize,
    /// The outcome, with the timer controls found and the timings.
    pub result: Result<Selftest, SelftestError>,
}

/// The self-test on one GIC with its two contexts.
fn on<G: SuspendableGic>(
    gic: &mut G,
    saved: &mut G::Ctx,
    spare: &mut G::Ctx,
) -> Result<Selftest, SelftestError> {
    gicpm::selftest(
        gic,
        saved,
        spare,
        &mut SysTimer,
        timer::now,
        crate::xen::raise_timer_softirq,
    )
}

/// Run the self-test (interrupts off, other CPUs stopped): see
/// [`crate::gicpm::selftest`]. -errno if it could not start.
pub fn run() -> Result<SelftestReport, Errno> {
    HOST.with(|h| match h.as_mut().map(|h| &mut h.hw) {
        None => Err(Errno::ENODEV),
        #[cfg(feature = "gicv2")]
        Some(Hw::V2 {
            dist,
            cpu,
            saved,
            spare: Some(spare),
        }) => Ok(SelftestReport {
            version: c"GICv2",
            lines: crate::gic::v2_lines(dist),
            rdists: 0,
            result: on(&mut V2Gic { dist, cpu }, saved.get_mut(), spare.get_mut()),
        }),
        #[cfg(feature = "gicv3")]
        Some(Hw::V3 {
            dist,
            nr_cpus,
            saved,
            spare: Some(spare),
        }) => {
            let lines = crate::gic::v3_lines(dist);
            let mut gic = V3Gic::new(dist, *nr_cpus);
            Ok(SelftestReport {
                version: c"GICv3",
                lines,
                rdists: gic.count(),
                result: on(&mut gic, saved.get_mut(), spare.get_mut()),
            })
        }
        // No spare context: prepare() was not called or failed.
        Some(_) => Err(Errno::ENOMEM),
    })
    .unwrap_or(Err(Errno::EBUSY))
}
