//! The host's GIC, as Xen maps it: registered at boot by gic-v2.c or
//! gic-v3.c, with its contexts allocated then (never with interrupts off),
//! and driven by `gic_suspend()`/`gic_resume()` and the self-test.

use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::sys;
use crate::errno::Errno;
use crate::gic::{GicError, Gicd, Mmio};
use crate::gicpm::SuspendableGic;
use crate::global::Global;

/// The suspend of a GICv2, built when Xen drives one (CONFIG_GICV2).
#[cfg(feature = "gicv2")]
mod v2;
#[cfg(feature = "gicv2")]
pub use v2::init_v2;
#[cfg(feature = "gicv2")]
use v2::V2Gic;

/// The suspend of a GICv3, built when Xen drives one (CONFIG_GICV3).
#[cfg(feature = "gicv3")]
mod v3;
#[cfg(feature = "gicv3")]
pub use v3::init_v3;
#[cfg(feature = "gicv3")]
use v3::V3Gic;

#[cfg(not(any(feature = "gicv2", feature = "gicv3")))]
compile_error!("Xen is configured without a GIC driver (CONFIG_GICV2, CONFIG_GICV3)");

/// The live GIC self-test (test aids only).
#[cfg(feature = "test-aids")]
pub mod selftest;

/// The GIC state check across a host suspend (test aids only).
#[cfg(feature = "test-aids")]
pub mod check;

/// A context in Xen's heap, allocated at boot and never freed.
struct Boxed<T>(NonNull<T>);

impl<T> Boxed<T> {
    /// Zeroed memory for a T. Only for types whose all-zero bytes are a
    /// valid (empty) value, which V2Context and V3Context document.
    fn zeroed() -> Option<Self> {
        // SAFETY: Xen's _xzalloc() (xen/xmalloc.h), with interrupts on as it
        // requires (at boot, or the self-test's prepare step), returns zeroed memory of the size and alignment
        // asked, or NULL; T is a GIC context, never zero-sized, so it never
        // returns ZERO_BLOCK_PTR.
        let p = unsafe { sys::_xzalloc(size_of::<T>() as _, align_of::<T>() as _) };
        NonNull::new(p.cast::<T>()).map(Self)
    }

    fn get_mut(&mut self) -> &mut T {
        // SAFETY: the memory is ours alone for Xen's lifetime, zero-filled,
        // which is a valid T (see zeroed()); &mut self makes this unique.
        unsafe { self.0.as_mut() }
    }
}

/// The registered GIC and its contexts: `saved` for suspend/resume,
/// `spare` only for the self-test's second save (allocated on first use).
enum Hw {
    #[cfg(feature = "gicv2")]
    V2 {
        dist: Mmio<Gicd>,
        cpu: Mmio<crate::gic::Gicc>,
        saved: Boxed<crate::gic::V2Context>,
        #[cfg(feature = "test-aids")]
        spare: Option<Boxed<crate::gic::V2Context>>,
    },
    #[cfg(feature = "gicv3")]
    V3 {
        dist: Mmio<Gicd>,
        nr_cpus: u32,
        saved: Boxed<crate::gic::V3Context>,
        #[cfg(feature = "test-aids")]
        spare: Option<Boxed<crate::gic::V3Context>>,
    },
}

struct Host {
    hw: Hw,
    /// The GIC state check's values (test aids, `xsr_test_gic_check`).
    #[cfg(feature = "test-aids")]
    check: Option<check::Buffer>,
}

// SAFETY: the mappings and contexts are host-wide and only reached through
// the Global below, one user at a time, from whichever CPU runs the suspend
// or the self-test.
unsafe impl Send for Host {}

static HOST: Global<Option<Host>> = Global::new(None);

/// Registers the host GIC once, with the state check's buffer (test aids):
/// a second registration is refused (-EBUSY) before `hw` allocates the
/// GIC's context, so that no context is ever dropped (contexts live in
/// Xen's heap for good).
fn register(hw: impl FnOnce() -> Result<Hw, Errno>) -> Result<(), Errno> {
    HOST.with(|h| {
        if h.is_some() {
            return Err(Errno::EBUSY);
        }
        *h = Some(Host {
            hw: hw()?,
            #[cfg(feature = "test-aids")]
            check: check::Buffer::boot(),
        });
        Ok(())
    })
    .unwrap_or(Err(Errno::EBUSY))
}

/// What [`suspend`] and [`resume`] do to the registered GIC.
#[derive(Clone, Copy)]
enum Op {
    Save,
    Restore,
}

fn apply<G: SuspendableGic>(gic: &mut G, ctx: &mut G::Ctx, op: Op) -> Result<(), Errno> {
    match op {
        Op::Save => gic.save(ctx),
        Op::Restore => gic.restore(ctx),
    }
    .map_err(GicError::errno)
}

fn on_host_gic(op: Op) -> Result<(), Errno> {
    HOST.with(|h| match h.as_mut().map(|h| &mut h.hw) {
        None => Err(Errno::ENODEV),
        #[cfg(feature = "gicv2")]
        Some(Hw::V2 {
            dist, cpu, saved, ..
        }) => apply(&mut V2Gic { dist, cpu }, saved.get_mut(), op),
        #[cfg(feature = "gicv3")]
        Some(Hw::V3 {
            dist,
            nr_cpus,
            saved,
            ..
        }) => apply(&mut V3Gic::new(dist, *nr_cpus), saved.get_mut(), op),
    })
    .unwrap_or(Err(Errno::EBUSY))
}

/// Save and disable the GIC (interrupts off, boot CPU).
pub fn suspend() -> Result<(), Errno> {
    on_host_gic(Op::Save)
}

/// Restore what [`suspend`] saved (interrupts off, boot CPU).
pub fn resume() -> Result<(), Errno> {
    on_host_gic(Op::Restore)
}
