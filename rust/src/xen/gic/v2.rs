//! The host's GICv2 (CONFIG_GICV2): its registration at boot and the
//! portable save/restore ([`crate::gic::v2_save`]) on Xen's mappings.

use super::{register, Boxed, Hw};
use crate::errno::Errno;
use crate::gic::{v2_reset, v2_restore, v2_save, GicError, Gicc, Gicd, Mmio, V2Context};
use crate::gicpm::SuspendableGic;

/// GICv2 register blocks Xen maps: GICD one page, GICC two pages (from
/// the base Xen uses, after its 64 kB alias adjustment).
const V2_GICD_SIZE: usize = 0x1000;
const V2_GICC_SIZE: usize = 0x2000;

/// The GICv2 of the host, for the portable code.
pub(super) struct V2Gic<'a> {
    pub(super) dist: &'a mut Mmio<Gicd>,
    pub(super) cpu: &'a mut Mmio<Gicc>,
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
        Ok(Hw::V2 {
            dist,
            cpu,
            saved: Boxed::zeroed().ok_or(Errno::ENOMEM)?,
            #[cfg(feature = "test-aids")]
            spare: None,
        })
    })
}
