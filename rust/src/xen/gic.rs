//! The host's GIC, as Xen maps it: registered at boot by gic-v2.c or
//! gic-v3.c, with its contexts allocated then (never with interrupts off),
//! and driven by `gic_suspend()`/`gic_resume()` and the self-test.

use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::sys;
use crate::errno::Errno;
use crate::gic::{
    compact, v2_reset, v2_restore, v2_save, v3_reset, v3_restore, v3_save, GicError, Gicc, Gicd,
    Gicr, Mmio, Regs, Regs64, SysIcc, V2Context, V3Context, V3_MAX_CPUS,
};
use crate::gicpm::SuspendableGic;
use crate::global::Global;
use xsr_arch::reg::{Block, Reg32, Reg64};

/// The live GIC self-test (test aids only).
#[cfg(feature = "test-aids")]
pub mod selftest;

/// The GIC state check across a host suspend (test aids only).
#[cfg(feature = "test-aids")]
pub mod check;

/// GICv2 register blocks Xen maps: GICD one page, GICC two pages (from
/// the base Xen uses, after its 64 kB alias adjustment).
const V2_GICD_SIZE: usize = 0x1000;
const V2_GICC_SIZE: usize = 0x2000;
/// GICv3 distributor.
const V3_GICD_SIZE: usize = 0x10000;

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

/// The registered GIC.
enum Hw {
    V2 { dist: Mmio<Gicd>, cpu: Mmio<Gicc> },
    V3 { dist: Mmio<Gicd>, nr_cpus: u32 },
}

/// The host GIC and its contexts: `saved` for suspend/resume, `spare` only
/// for the self-test's second save (allocated on first use).
enum Contexts {
    V2 {
        saved: Boxed<V2Context>,
        #[cfg(feature = "test-aids")]
        spare: Option<Boxed<V2Context>>,
    },
    V3 {
        saved: Boxed<V3Context>,
        #[cfg(feature = "test-aids")]
        spare: Option<Boxed<V3Context>>,
    },
}

struct Host {
    hw: Hw,
    ctx: Contexts,
    /// The GIC state check's values (test aids, `xsr_test_gic_check`).
    #[cfg(feature = "test-aids")]
    check: Option<check::Buffer>,
}

// SAFETY: the mappings and contexts are host-wide and only reached through
// the Global below, one user at a time, from whichever CPU runs the suspend
// or the self-test.
unsafe impl Send for Host {}

static HOST: Global<Option<Host>> = Global::new(None);

/// The GICv2 of the host, for the portable code.
struct V2Gic<'a> {
    dist: &'a mut Mmio<Gicd>,
    cpu: &'a mut Mmio<Gicc>,
}

impl SuspendableGic for V2Gic<'_> {
    type Ctx = V2Context;
    fn save(&mut self, ctx: &mut V2Context) -> Result<(), GicError> {
        v2_save(self.dist, self.cpu, ctx);
        Ok(())
    }
    fn restore(&mut self, ctx: &V2Context) -> Result<(), GicError> {
        v2_restore(self.dist, self.cpu, ctx);
        Ok(())
    }
    fn reset(&mut self) {
        v2_reset(self.dist, self.cpu);
    }
}

/// A redistributor slot: unused slots read as zero and ignore writes (they
/// are never handed to the save/restore code anyway).
impl Regs<Gicr> for Option<Mmio<Gicr>> {
    fn read32(&self, r: Reg32<Gicr>) -> u32 {
        self.as_ref().map_or(0, |m| m.read32(r))
    }
    fn write32(&mut self, r: Reg32<Gicr>, val: u32) {
        if let Some(m) = self {
            m.write32(r, val);
        }
    }
}

impl Regs64<Gicr> for Option<Mmio<Gicr>> {
    fn read64(&self, r: Reg64<Gicr>) -> u64 {
        self.as_ref().map_or(0, |m| m.read64(r))
    }
    fn write64(&mut self, r: Reg64<Gicr>, val: u64) {
        if let Some(m) = self {
            m.write64(r, val);
        }
    }
}

/// The GICv3 of the host: its distributor, the redistributors of the
/// online CPUs (during a host suspend or the self-test, the boot CPU
/// alone: Xen sets a secondary CPU's redistributor up again when the CPU
/// comes back), CPU0's ICC registers.
struct V3Gic<'a> {
    dist: &'a mut Mmio<Gicd>,
    rdists: [Option<Mmio<Gicr>>; V3_MAX_CPUS],
    count: usize,
    /// Online CPUs with a redistributor, also those beyond the context's
    /// room ([`V3_MAX_CPUS`]): more than it holds refuses the save.
    online: usize,
}

/// The redistributors of the online CPUs among `nr_cpus`, packed in CPU
/// order ([`compact`]): the slots, how many were packed, how many are
/// online.
fn online_rdists(nr_cpus: u32) -> ([Option<Mmio<Gicr>>; V3_MAX_CPUS], usize, usize) {
    let mut rdists = [const { None::<Mmio<Gicr>> }; V3_MAX_CPUS];
    let present = (0..nr_cpus).map(|cpu| {
        // SAFETY: the helper returns gic-v3.c's per-CPU rbase of an online
        // CPU: NULL, or the mapping of that CPU's redistributor, Gicr::SIZE
        // bytes (RD_base and SGI_base frames), valid for Xen's lifetime;
        // NULL for an offline CPU.
        let base = unsafe { sys::xsr_helper_gicv3_rdist_base(cpu) };
        // SAFETY: as above: a device mapping of Gicr::SIZE bytes or NULL.
        unsafe { Mmio::new(base.cast(), Gicr::SIZE) }
    });
    let (count, online) = compact(present, &mut rdists);
    (rdists, count, online)
}

impl<'a> V3Gic<'a> {
    fn new(dist: &'a mut Mmio<Gicd>, nr_cpus: u32) -> Self {
        let (rdists, count, online) = online_rdists(nr_cpus);
        Self {
            dist,
            rdists,
            count,
            online,
        }
    }

    fn with_rdists<R>(
        &mut self,
        f: impl FnOnce(&mut Mmio<Gicd>, &mut [&mut dyn Regs64<Gicr>]) -> R,
    ) -> R {
        let mut refs = self.rdists.each_mut().map(|m| m as &mut dyn Regs64<Gicr>);
        let n = self.count.min(refs.len());
        let (used, _) = refs.split_at_mut(n);
        f(self.dist, used)
    }
}

impl SuspendableGic for V3Gic<'_> {
    type Ctx = V3Context;
    fn save(&mut self, ctx: &mut V3Context) -> Result<(), GicError> {
        if self.online > self.count {
            // Never silently leave a redistributor out of the save.
            return Err(GicError::ContextTooSmall);
        }
        self.with_rdists(|dist, rd| v3_save(dist, rd, &mut SysIcc, ctx))
    }
    fn restore(&mut self, ctx: &V3Context) -> Result<(), GicError> {
        self.with_rdists(|dist, rd| v3_restore(dist, rd, &mut SysIcc, ctx))
    }
    fn reset(&mut self) {
        self.with_rdists(|dist, rd| v3_reset(dist, rd, &mut SysIcc))
    }
}

/// Registers the host GIC once: a second registration is refused (-EBUSY)
/// before anything is allocated, so that no context is ever dropped
/// (contexts live in Xen's heap for good).
fn register(make: impl FnOnce() -> Result<Host, Errno>) -> Result<(), Errno> {
    HOST.with(|h| {
        if h.is_some() {
            return Err(Errno::EBUSY);
        }
        *h = Some(make()?);
        Ok(())
    })
    .unwrap_or(Err(Errno::EBUSY))
}

/// Register a GICv2 (boot).
///
/// # Safety
///
/// `dbase` and `cbase` are Xen's mappings of GICD (4 kB) and of GICC (8 kB
/// from the base Xen uses), valid for Xen's lifetime.
pub unsafe fn init_v2(dbase: *mut u8, cbase: *mut u8) -> Result<(), Errno> {
    // SAFETY: dbase maps GICD's 4 kB for Xen's lifetime (this function's
    // contract).
    let dist = unsafe { Mmio::new(dbase, V2_GICD_SIZE) };
    // SAFETY: cbase maps GICC's 8 kB for Xen's lifetime (this function's
    // contract).
    let cpu = unsafe { Mmio::new(cbase, V2_GICC_SIZE) };
    let (Some(dist), Some(cpu)) = (dist, cpu) else {
        return Err(Errno::EINVAL);
    };
    register(|| {
        let saved = Boxed::zeroed().ok_or(Errno::ENOMEM)?;
        Ok(Host {
            hw: Hw::V2 { dist, cpu },
            ctx: Contexts::V2 {
                saved,
                #[cfg(feature = "test-aids")]
                spare: None,
            },
            #[cfg(feature = "test-aids")]
            check: check::Buffer::boot(),
        })
    })
}

/// Register a GICv3 (boot).
///
/// # Safety
///
/// `dbase` is Xen's mapping of GICD (64 kB), valid for Xen's lifetime.
pub unsafe fn init_v3(dbase: *mut u8, nr_cpus: u32) -> Result<(), Errno> {
    // SAFETY: this function's contract.
    let Some(dist) = (unsafe { Mmio::new(dbase, V3_GICD_SIZE) }) else {
        return Err(Errno::EINVAL);
    };
    register(|| {
        let saved = Boxed::zeroed().ok_or(Errno::ENOMEM)?;
        Ok(Host {
            hw: Hw::V3 { dist, nr_cpus },
            ctx: Contexts::V3 {
                saved,
                #[cfg(feature = "test-aids")]
                spare: None,
            },
            #[cfg(feature = "test-aids")]
            check: check::Buffer::boot(),
        })
    })
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
    HOST.with(|h| match h.as_mut() {
        None => Err(Errno::ENODEV),
        Some(Host {
            hw: Hw::V2 { dist, cpu },
            ctx: Contexts::V2 { saved, .. },
            ..
        }) => apply(&mut V2Gic { dist, cpu }, saved.get_mut(), op),
        Some(Host {
            hw: Hw::V3 { dist, nr_cpus },
            ctx: Contexts::V3 { saved, .. },
            ..
        }) => apply(&mut V3Gic::new(dist, *nr_cpus), saved.get_mut(), op),
        Some(_) => Err(Errno::EINVAL),
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
