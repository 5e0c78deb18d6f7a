//! The console UARTs' registers for `crate::uart`, as Xen's drivers map
//! and access them: 32-bit accesses, or 16-bit ones for a PL011 that Xen
//! drives with 16-bit accessors (its default, for PL011s that cannot take
//! 32-bit accesses; every register this layer saves fits in 16 bits).

use core::ffi::c_void;
use core::marker::PhantomData;
use core::ptr::NonNull;

use xsr_arch::reg::Reg32;

use crate::abi::UartContext;
use crate::errno::Errno;
use crate::gic::Regs;

/// Registers of a UART of kind `B` (`Pl011`, `Cadence`) mapped by its Xen
/// driver.
pub struct UartMmio<B> {
    base: NonNull<u8>,
    wide: bool,
    _b: PhantomData<fn() -> B>,
}

/// What the drivers map at least (the PL011's registers end at UARTICR,
/// 0x44; the Cadence UART's at BAUDDIV, 0x34).
const SPAN: usize = 0x48;

impl<B> UartMmio<B> {
    /// Wrap the mapping at `base`; `wide` for 32-bit accesses, else
    /// 16-bit. `None` for a null or misaligned base.
    ///
    /// # Safety
    ///
    /// `base` maps at least 0x48 bytes of the UART's registers for as long
    /// as the value lives, and the caller owns the UART meanwhile (Xen's
    /// serial suspend/resume hooks, console stolen, interrupts off).
    pub unsafe fn new(base: *mut u8, wide: bool) -> Option<Self> {
        let base = NonNull::new(base)?;
        if base.as_ptr().addr() % 4 != 0 {
            return None;
        }
        Some(Self {
            base,
            wide,
            _b: PhantomData,
        })
    }

    /// The offset of `r` if the mapping covers it (every declared register
    /// of both kinds is; the check keeps that true if one is added).
    fn covered(r: Reg32<B>) -> Option<usize> {
        let off = r.offset();
        (off + 4 <= SPAN).then_some(off)
    }
}

impl<B> Regs<B> for UartMmio<B> {
    fn read32(&self, r: Reg32<B>) -> u32 {
        let Some(off) = Self::covered(r) else {
            return 0;
        };
        // SAFETY: off is 4-byte aligned (a declared 32-bit register) and
        // within the mapping (covered(), new()'s contract); a volatile
        // access through a raw pointer, never a reference.
        unsafe {
            let p = self.base.as_ptr().add(off);
            if self.wide {
                p.cast::<u32>().read_volatile()
            } else {
                u32::from(p.cast::<u16>().read_volatile())
            }
        }
    }

    fn write32(&mut self, r: Reg32<B>, val: u32) {
        let Some(off) = Self::covered(r) else {
            return;
        };
        // SAFETY: as in read32.
        unsafe {
            let p = self.base.as_ptr().add(off);
            if self.wide {
                p.cast::<u32>().write_volatile(val)
            } else {
                // The registers are at most 16 bits wide.
                p.cast::<u16>().write_volatile(val as u16)
            }
        }
    }
}

/// The common part of the UART hooks: wrap the driver's mapping and
/// context, run `op` on them; -EINVAL for a null pointer.
///
/// # Safety
///
/// `base` maps the UART's registers and `ctx` points to the driver's
/// context, both for the whole call, and the caller owns the UART (Xen's
/// serial suspend/resume hooks: console stolen, interrupts off).
pub unsafe fn with_uart<B>(
    base: *mut c_void,
    wide: bool,
    ctx: *mut UartContext,
    op: impl FnOnce(&mut UartMmio<B>, &mut UartContext) -> Result<(), Errno>,
) -> Result<(), Errno> {
    // SAFETY: base maps the UART's registers for the whole call (this
    // function's contract).
    let regs = unsafe { UartMmio::new(base.cast(), wide) };
    // SAFETY: ctx is null or a valid, exclusive context for the whole call
    // (this function's contract).
    let ctx = unsafe { ctx.as_mut() };
    let (Some(mut regs), Some(ctx)) = (regs, ctx) else {
        return Err(Errno::EINVAL);
    };
    op(&mut regs, ctx)
}
