//! The console UARTs' registers for `crate::uart`, as Xen's drivers map
//! and access them: 32-bit accesses, or 16-bit ones for a PL011 that Xen
//! drives with 16-bit accessors (its default, for PL011s that cannot take
//! 32-bit accesses; every register this layer saves fits in 16 bits).

use core::ffi::c_void;
use core::ptr::NonNull;

use crate::abi::UartContext;
use crate::errno::Errno;
use crate::gic::Regs;
use crate::uart::{SaveReport, UartError};

/// Registers of a UART mapped by its Xen driver.
pub struct UartMmio {
    base: NonNull<u8>,
    wide: bool,
}

/// The largest register offset used, plus its size.
const SPAN: usize = 0x48;

impl UartMmio {
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
        Some(Self { base, wide })
    }

    fn ok(off: usize) -> bool {
        off % 4 == 0 && off + 4 <= SPAN
    }
}

impl Regs for UartMmio {
    fn read32(&self, off: usize) -> u32 {
        if !Self::ok(off) {
            return 0;
        }
        // SAFETY: off is aligned and within the mapping (new()'s contract);
        // a volatile access through a raw pointer, never a reference.
        unsafe {
            let p = self.base.as_ptr().add(off);
            if self.wide {
                p.cast::<u32>().read_volatile()
            } else {
                u32::from(p.cast::<u16>().read_volatile())
            }
        }
    }

    fn write32(&mut self, off: usize, val: u32) {
        if !Self::ok(off) {
            return;
        }
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

    fn read64(&self, _off: usize) -> u64 {
        0
    }

    fn write64(&mut self, _off: usize, _val: u64) {}
}

/// The common part of the UART hooks: wrap the driver's mapping and
/// context, run `op` on them; -EINVAL for a null pointer.
///
/// # Safety
///
/// `base` maps the UART's registers and `ctx` points to the driver's
/// context, both for the whole call, and the caller owns the UART (Xen's
/// serial suspend/resume hooks: console stolen, interrupts off).
pub unsafe fn with_uart(
    base: *mut c_void,
    wide: bool,
    ctx: *mut UartContext,
    op: impl FnOnce(&mut UartMmio, &mut UartContext) -> i32,
) -> i32 {
    // SAFETY: this function's contract.
    let (Some(mut regs), Some(ctx)) = (unsafe { UartMmio::new(base.cast(), wide) }, unsafe {
        ctx.as_mut()
    }) else {
        return Errno::EINVAL.code();
    };
    op(&mut regs, ctx)
}

/// A suspend hook's result: 0, or -ETIMEDOUT when the transmitter did not
/// drain (saved and reset all the same).
pub fn suspended(report: SaveReport) -> i32 {
    if report.drained {
        0
    } else {
        Errno::ETIMEDOUT.code()
    }
}

/// A resume hook's result: 0, or -EINVAL when nothing was saved.
pub fn resumed(r: Result<(), UartError>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(_) => Errno::EINVAL.code(),
    }
}
