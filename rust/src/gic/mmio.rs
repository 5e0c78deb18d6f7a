//! [`Regs`] over memory-mapped device registers, with raw-pointer volatile
//! accesses (never references to device memory).

use core::ptr::NonNull;

use super::Regs;

/// A mapping of `len` bytes of device registers.
///
/// Every access is checked: one that is misaligned for its size or does not
/// lie entirely within `len` bytes reads as 0 and writes nothing.
#[derive(Debug)]
pub struct Mmio {
    base: NonNull<u8>,
    len: usize,
}

impl Mmio {
    /// Wrap the mapping at `base`. `None` for a null `base` or one that is
    /// not 8-byte aligned (device register blocks are page aligned).
    ///
    /// # Safety
    ///
    /// `base` must be a mapping of `len` bytes of device registers (or of
    /// memory), valid for reads and writes for as long as the value lives,
    /// and not accessed concurrently by anyone else in a conflicting way
    /// (for the GIC: the caller owns it during suspend or resume).
    pub unsafe fn new(base: *mut u8, len: usize) -> Option<Mmio> {
        let base = NonNull::new(base)?;
        if base.as_ptr().addr() % 8 != 0 {
            return None;
        }
        Some(Mmio { base, len })
    }

    /// Size of the mapping in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (then every access is ignored).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Pointer to the `T`-sized register at `off`, if aligned and in range.
    fn reg<T>(&self, off: usize) -> Option<*mut T> {
        let size = core::mem::size_of::<T>();
        if off % size != 0 || off.checked_add(size)? > self.len {
            return None;
        }
        // SAFETY: off + size <= len, so the result stays within the mapping
        // of len bytes at base (new()'s contract), one allocation.
        let p = unsafe { self.base.as_ptr().add(off) };
        Some(p.cast::<T>())
    }
}

impl Regs for Mmio {
    fn read32(&self, off: usize) -> u32 {
        match self.reg::<u32>(off) {
            // SAFETY: in range of the mapping (reg()), 4-byte aligned (base
            // is 8-byte aligned and off a multiple of 4), valid for reads
            // (new()'s contract).
            Some(p) => unsafe { core::ptr::read_volatile(p) },
            None => 0,
        }
    }

    fn write32(&mut self, off: usize, val: u32) {
        if let Some(p) = self.reg::<u32>(off) {
            // SAFETY: as in read32, valid for writes (new()'s contract).
            unsafe { core::ptr::write_volatile(p, val) }
        }
    }

    fn read64(&self, off: usize) -> u64 {
        match self.reg::<u64>(off) {
            // SAFETY: in range (reg()), 8-byte aligned (base and off both
            // are), valid for reads (new()'s contract).
            Some(p) => unsafe { core::ptr::read_volatile(p) },
            None => 0,
        }
    }

    fn write64(&mut self, off: usize, val: u64) {
        if let Some(p) = self.reg::<u64>(off) {
            // SAFETY: as in read64, valid for writes (new()'s contract).
            unsafe { core::ptr::write_volatile(p, val) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmio_round_trips_and_ignores_bad_accesses() {
        let mut mem = [0u64; 4];
        {
            // SAFETY: mem is 32 bytes, 8-byte aligned, and not used while m
            // lives.
            let mut m = unsafe { Mmio::new(mem.as_mut_ptr().cast(), 32) }.unwrap();
            assert_eq!(m.len(), 32);
            assert!(!m.is_empty());
            m.write32(0, 0x1122_3344);
            m.write32(4, 0x5566_7788);
            assert_eq!(m.read32(0), 0x1122_3344);
            assert_eq!(m.read32(4), 0x5566_7788);
            #[cfg(target_endian = "little")]
            assert_eq!(m.read64(0), 0x5566_7788_1122_3344);
            m.write64(8, 0xdead_beef_0bad_f00d);
            assert_eq!(m.read64(8), 0xdead_beef_0bad_f00d);
            m.write64(24, u64::MAX);
            assert_eq!(m.read64(24), u64::MAX);
            m.write32(28, 7);
            assert_eq!(m.read32(28), 7);

            // Misaligned: reads 0, writes nothing.
            m.write32(2, 0xffff_ffff);
            assert_eq!(m.read32(2), 0);
            m.write64(4, u64::MAX);
            assert_eq!(m.read64(4), 0);
            // Out of range, partly or wholly, or overflowing.
            m.write32(32, 1);
            assert_eq!(m.read32(32), 0);
            m.write64(32, 1);
            assert_eq!(m.read64(32), 0);
            m.write64(usize::MAX - 7, 1);
            assert_eq!(m.read64(usize::MAX - 7), 0);
            m.write32(usize::MAX - 3, 1);
            assert_eq!(m.read32(usize::MAX - 3), 0);
            assert_eq!(m.read32(0), 0x1122_3344);
            assert_eq!(m.read32(4), 0x5566_7788);
        }
        assert_eq!(mem[1], 0xdead_beef_0bad_f00d);
        assert_eq!(mem[2], 0);
        #[cfg(target_endian = "little")]
        assert_eq!(mem[3], 0x0000_0007_ffff_ffff);

        // A shorter mapping over the same memory: a 64-bit access that
        // straddles the end is refused.
        {
            // SAFETY: 12 bytes of mem, aligned, not used while m lives.
            let mut m = unsafe { Mmio::new(mem.as_mut_ptr().cast(), 12) }.unwrap();
            assert_eq!(m.read64(8), 0);
            m.write64(8, 0);
            assert_ne!(m.read32(8), 0);
        }
        assert_eq!(mem[1], 0xdead_beef_0bad_f00d);

        // SAFETY: a null base is refused before anything is accessed.
        assert!(unsafe { Mmio::new(core::ptr::null_mut(), 8) }.is_none());
        // SAFETY: a misaligned base is refused before anything is accessed.
        let odd = unsafe { Mmio::new(mem.as_mut_ptr().cast::<u8>().wrapping_add(4), 8) };
        assert!(odd.is_none());
    }
}
