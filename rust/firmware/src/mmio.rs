//! MMIO register blocks at the fixed addresses of QEMU virt (layout.rs).
//! Every access is a 32-bit volatile access at a 4-byte aligned offset
//! inside the block; the 64-bit GIC registers are accessed as two halves.
//! An offset outside the block reads 0 and writes nothing, so the safe
//! methods cannot reach memory the block does not own.

use core::ptr;

/// A block of device registers: `size` bytes at `base`.
#[derive(Clone, Copy)]
pub struct Mmio {
    base: u64,
    size: u64,
}

impl Mmio {
    /// # Safety
    ///
    /// `[base, base + size)` must be device registers (not memory any Rust
    /// object lives in) for as long as the block is used, and `base` must
    /// be 4-byte aligned.
    pub const unsafe fn new(base: u64, size: u64) -> Self {
        Mmio { base, size }
    }

    /// A sub-block at `offset` (clipped to this block).
    pub fn sub(self, offset: u64, size: u64) -> Mmio {
        let offset = offset.min(self.size);
        Mmio {
            base: self.base + offset,
            size: size.min(self.size - offset),
        }
    }

    fn addr(self, offset: u64) -> Option<u64> {
        (offset % 4 == 0 && offset.checked_add(4)? <= self.size).then_some(self.base + offset)
    }

    pub fn read(self, offset: u64) -> u32 {
        match self.addr(offset) {
            // SAFETY: inside the block, aligned; Mmio::new's contract
            // makes it a device register.
            Some(a) => unsafe { ptr::read_volatile(a as usize as *const u32) },
            None => 0,
        }
    }

    pub fn write(self, offset: u64, value: u32) {
        if let Some(a) = self.addr(offset) {
            // SAFETY: as for read.
            unsafe { ptr::write_volatile(a as usize as *mut u32, value) }
        }
    }

    /// A 64-bit register, low half first.
    pub fn write64(self, offset: u64, value: u64) {
        self.write(offset, value as u32);
        self.write(offset + 4, (value >> 32) as u32);
    }

    pub fn read64(self, offset: u64) -> u64 {
        self.read(offset) as u64 | ((self.read(offset + 4) as u64) << 32)
    }
}
