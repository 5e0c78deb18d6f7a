//! The host's GICv3 (CONFIG_GICV3): its registration at boot, the
//! redistributors of the online CPUs, and the portable save/restore
//! ([`crate::gic::v3_save`]) on Xen's mappings.

use super::{register, sys, Boxed, Hw};
use crate::errno::Errno;
use crate::gic::{
    compact, v3_reset, v3_restore, v3_save, GicError, Gicd, Gicr, Mmio, Regs, Regs64, SysIcc,
    V3Context, V3_MAX_CPUS,
};
use crate::gicpm::SuspendableGic;
use xsr_arch::reg::{Block, Reg32, Reg64};

/// GICv3 distributor.
const V3_GICD_SIZE: usize = 0x10000;

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
pub(super) struct V3Gic<'a> {
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
pub(super) fn online_rdists(nr_cpus: u32) -> ([Option<Mmio<Gicr>>; V3_MAX_CPUS], usize, usize) {
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
    pub(super) fn new(dist: &'a mut Mmio<Gicd>, nr_cpus: u32) -> Self {
        let (rdists, count, online) = online_rdists(nr_cpus);
        Self {
            dist,
            rdists,
            count,
            online,
        }
    }

    /// Redistributors mapped and saved (the self-test's report).
    #[cfg(feature = "test-aids")]
    pub(super) fn count(&self) -> usize {
        self.count
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
        Ok(Hw::V3 {
            dist,
            nr_cpus,
            saved: Boxed::zeroed().ok_or(Errno::ENOMEM)?,
            #[cfg(feature = "test-aids")]
            spare: None,
        })
    })
}
