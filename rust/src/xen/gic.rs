//! The host's GIC, as Xen maps it: registered at boot by gic-v2.c or
//! gic-v3.c, with its contexts allocated then (never with interrupts off),
//! and driven by `gic_suspend()`/`gic_resume()` and the self-test.

use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use super::sys;
use crate::errno::Errno;
use crate::gic::{
    regs::GICR_SIZE, v2_lines, v2_reset, v2_restore, v2_save, v3_lines, v3_reset, v3_restore,
    v3_save, GicError, Mmio, Regs, SysIcc, V2Context, V3Context, V3_MAX_CPUS,
};
use crate::gicpm::{self, Selftest, SelftestError, SuspendableGic};
use crate::global::Global;
use crate::timer::{self, SysTimer};

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
        // SAFETY: plain allocation through Xen's _xzalloc, which returns
        // zeroed memory of the size and alignment asked, or NULL.
        let p = unsafe { sys::xsr_helper_xzalloc(size_of::<T>() as _, align_of::<T>() as _) };
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
    V2 { dist: Mmio, cpu: Mmio },
    V3 { dist: Mmio, nr_cpus: u32 },
}

/// The host GIC and its contexts: `saved` for suspend/resume, `spare` only
/// for the self-test's second save (allocated on first use).
enum Contexts {
    V2 {
        saved: Boxed<V2Context>,
        spare: Option<Boxed<V2Context>>,
    },
    V3 {
        saved: Boxed<V3Context>,
        spare: Option<Boxed<V3Context>>,
    },
}

struct Host {
    hw: Hw,
    ctx: Contexts,
}

// SAFETY: the mappings and contexts are host-wide and only reached through
// the Global below, one user at a time, from whichever CPU runs the suspend
// or the self-test.
unsafe impl Send for Host {}

static HOST: Global<Option<Host>> = Global::new(None);

/// The GICv2 of the host, for the portable code.
struct V2Gic<'a> {
    dist: &'a mut Mmio,
    cpu: &'a mut Mmio,
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
impl Regs for Option<Mmio> {
    fn read32(&self, off: usize) -> u32 {
        self.as_ref().map_or(0, |m| m.read32(off))
    }
    fn write32(&mut self, off: usize, val: u32) {
        if let Some(m) = self {
            m.write32(off, val);
        }
    }
    fn read64(&self, off: usize) -> u64 {
        self.as_ref().map_or(0, |m| m.read64(off))
    }
    fn write64(&mut self, off: usize, val: u64) {
        if let Some(m) = self {
            m.write64(off, val);
        }
    }
}

/// The GICv3 of the host: its distributor, the redistributors of the
/// online CPUs (during a host suspend or the self-test, the boot CPU
/// alone: Xen sets a secondary CPU's redistributor up again when the CPU
/// comes back), CPU0's ICC registers.
struct V3Gic<'a> {
    dist: &'a mut Mmio,
    rdists: [Option<Mmio>; V3_MAX_CPUS],
    count: usize,
    /// Online CPUs with a redistributor, also those beyond the context's
    /// room ([`V3_MAX_CPUS`]): more than it holds refuses the save.
    online: usize,
}

impl<'a> V3Gic<'a> {
    fn new(dist: &'a mut Mmio, nr_cpus: u32) -> Self {
        let mut rdists = [const { None::<Mmio> }; V3_MAX_CPUS];
        let mut count = 0;
        let mut online = 0;
        for cpu in 0..nr_cpus {
            // SAFETY: the helper returns gic-v3.c's per-CPU rbase of an
            // online CPU: NULL, or the mapping of that CPU's redistributor,
            // GICR_SIZE bytes (RD_base and SGI_base frames), valid for
            // Xen's lifetime; NULL for an offline CPU.
            let base = unsafe { sys::xsr_helper_gicv3_rdist_base(cpu) };
            // SAFETY: as above: a device mapping of GICR_SIZE bytes or NULL.
            let Some(m) = (unsafe { Mmio::new(base.cast(), GICR_SIZE) }) else {
                continue;
            };
            online += 1;
            if let Some(slot) = rdists.get_mut(count) {
                *slot = Some(m);
                count += 1;
            }
        }
        Self {
            dist,
            rdists,
            count,
            online,
        }
    }

    /// Redistributors mapped and saved.
    fn count(&self) -> usize {
        self.count
    }

    fn with_rdists<R>(&mut self, f: impl FnOnce(&mut Mmio, &mut [&mut dyn Regs]) -> R) -> R {
        let mut refs = self.rdists.each_mut().map(|m| m as &mut dyn Regs);
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

/// Xen's -errno for a GIC failure.
pub fn gic_errno(e: GicError) -> i32 {
    match e {
        GicError::WakerTimeout { .. } | GicError::RwpTimeout | GicError::QuiescentTimeout => {
            Errno::ETIMEDOUT.code()
        }
        GicError::ContextTooSmall => Errno::ENOMEM.code(),
        GicError::NotSaved | GicError::Mismatch => Errno::EINVAL.code(),
    }
}

/// Registers the host GIC once: a second registration is refused (-EBUSY)
/// before anything is allocated, so that no context is ever dropped
/// (contexts live in Xen's heap for good).
fn register(make: impl FnOnce() -> Result<Host, i32>) -> i32 {
    HOST.with(|h| {
        if h.is_some() {
            return Errno::EBUSY.code();
        }
        match make() {
            Ok(host) => {
                *h = Some(host);
                0
            }
            Err(e) => e,
        }
    })
    .unwrap_or(Errno::EBUSY.code())
}

/// Register a GICv2 (boot).
///
/// # Safety
///
/// `dbase` and `cbase` are Xen's mappings of GICD (4 kB) and of GICC (8 kB
/// from the base Xen uses), valid for Xen's lifetime.
pub unsafe fn init_v2(dbase: *mut u8, cbase: *mut u8) -> i32 {
    // SAFETY: this function's contract.
    let (Some(dist), Some(cpu)) = (unsafe { Mmio::new(dbase, V2_GICD_SIZE) }, unsafe {
        Mmio::new(cbase, V2_GICC_SIZE)
    }) else {
        return Errno::EINVAL.code();
    };
    register(|| {
        let saved = Boxed::zeroed().ok_or(Errno::ENOMEM.code())?;
        Ok(Host {
            hw: Hw::V2 { dist, cpu },
            ctx: Contexts::V2 { saved, spare: None },
        })
    })
}

/// Register a GICv3 (boot).
///
/// # Safety
///
/// `dbase` is Xen's mapping of GICD (64 kB), valid for Xen's lifetime.
pub unsafe fn init_v3(dbase: *mut u8, nr_cpus: u32) -> i32 {
    // SAFETY: this function's contract.
    let Some(dist) = (unsafe { Mmio::new(dbase, V3_GICD_SIZE) }) else {
        return Errno::EINVAL.code();
    };
    register(|| {
        let saved = Boxed::zeroed().ok_or(Errno::ENOMEM.code())?;
        Ok(Host {
            hw: Hw::V3 { dist, nr_cpus },
            ctx: Contexts::V3 { saved, spare: None },
        })
    })
}

/// What [`suspend`] and [`resume`] do to the registered GIC.
#[derive(Clone, Copy)]
enum Op {
    Save,
    Restore,
}

fn apply<G: SuspendableGic>(gic: &mut G, ctx: &mut G::Ctx, op: Op) -> i32 {
    to_errno(match op {
        Op::Save => gic.save(ctx),
        Op::Restore => gic.restore(ctx),
    })
}

fn on_host_gic(op: Op) -> i32 {
    HOST.with(|h| match h.as_mut() {
        None => Errno::ENODEV.code(),
        Some(Host {
            hw: Hw::V2 { dist, cpu },
            ctx: Contexts::V2 { saved, .. },
        }) => apply(&mut V2Gic { dist, cpu }, saved.get_mut(), op),
        Some(Host {
            hw: Hw::V3 { dist, nr_cpus },
            ctx: Contexts::V3 { saved, .. },
        }) => apply(&mut V3Gic::new(dist, *nr_cpus), saved.get_mut(), op),
        Some(_) => Errno::EINVAL.code(),
    })
    .unwrap_or(Errno::EBUSY.code())
}

/// Save and disable the GIC (interrupts off, boot CPU).
pub fn suspend() -> i32 {
    on_host_gic(Op::Save)
}

/// Restore what [`suspend`] saved (interrupts off, boot CPU).
pub fn resume() -> i32 {
    on_host_gic(Op::Restore)
}

fn to_errno(r: Result<(), GicError>) -> i32 {
    r.map_or_else(gic_errno, |()| 0)
}

/// Allocate the self-test's second context (interrupts on).
pub fn selftest_prepare() -> i32 {
    HOST.with(|h| match h.as_mut().map(|h| &mut h.ctx) {
        None => Errno::ENODEV.code(),
        Some(Contexts::V2 { spare, .. }) => alloc_spare(spare),
        Some(Contexts::V3 { spare, .. }) => alloc_spare(spare),
    })
    .unwrap_or(Errno::EBUSY.code())
}

fn alloc_spare<T>(spare: &mut Option<Boxed<T>>) -> i32 {
    if spare.is_none() {
        *spare = Boxed::zeroed();
    }
    if spare.is_some() {
        0
    } else {
        Errno::ENOMEM.code()
    }
}

/// What the self-test found, for the console.
pub struct SelftestReport {
    /// "GICv2" or "GICv3".
    pub version: &'static str,
    /// Interrupt lines (SGIs, PPIs, SPIs) the hardware implements.
    pub lines: usize,
    /// Redistributors saved (GICv3; 0 for GICv2).
    pub rdists: usize,
    /// The outcome, with the timer controls found and the timings.
    pub result: Result<Selftest, SelftestError>,
}

/// Run the self-test (interrupts off, other CPUs stopped): see
/// [`crate::gicpm::selftest`]. -errno if it could not start.
pub fn selftest() -> Result<SelftestReport, i32> {
    let raise = super::raise_timer_softirq;
    HOST.with(|h| match h.as_mut() {
        None => Err(Errno::ENODEV.code()),
        Some(Host {
            hw: Hw::V2 { dist, cpu },
            ctx:
                Contexts::V2 {
                    saved,
                    spare: Some(spare),
                },
        }) => {
            let lines = v2_lines(dist);
            let result = gicpm::selftest(
                &mut V2Gic { dist, cpu },
                saved.get_mut(),
                spare.get_mut(),
                &mut SysTimer,
                timer::now,
                raise,
            );
            Ok(SelftestReport {
                version: "GICv2",
                lines,
                rdists: 0,
                result,
            })
        }
        Some(Host {
            hw: Hw::V3 { dist, nr_cpus },
            ctx:
                Contexts::V3 {
                    saved,
                    spare: Some(spare),
                },
        }) => {
            let lines = v3_lines(dist);
            let mut gic = V3Gic::new(dist, *nr_cpus);
            let rdists = gic.count();
            let result = gicpm::selftest(
                &mut gic,
                saved.get_mut(),
                spare.get_mut(),
                &mut SysTimer,
                timer::now,
                raise,
            );
            Ok(SelftestReport {
                version: "GICv3",
                lines,
                rdists,
                result,
            })
        }
        // No spare context: selftest_prepare() was not called or failed.
        Some(_) => Err(Errno::ENOMEM.code()),
    })
    .unwrap_or(Err(Errno::EBUSY.code()))
}

/// Xen's -errno for a failed self-test.
pub fn selftest_errno(e: SelftestError) -> i32 {
    match e {
        SelftestError::TimersNotQuiet | SelftestError::Mismatch => Errno::EIO.code(),
        SelftestError::Save(g)
        | SelftestError::Restore(g)
        | SelftestError::Resave(g)
        | SelftestError::Rerestore(g) => gic_errno(g),
    }
}
