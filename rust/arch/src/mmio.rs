//! Device register blocks in memory: [`Mmio<B>`] reaches the registers
//! declared for block `B` (see [`crate::reg`]) with volatile accesses
//! through raw pointers, never references to device memory. Alignment and
//! the block's bounds hold by declaration; what is checked at run time is
//! only that the mapping covers the register (a mapping may be smaller
//! than the block: a GICv2 distributor's 4 KB).

use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::reg::{Block, Reg, Reg32, Reg64};

/// A mapping of `len` bytes of the device registers of a block of kind
/// `B`. It is `Copy`, like the pointer it is: writes take `&self`, and
/// who may write when is the contract of [`Mmio::new`], not of a borrow.
pub struct Mmio<B> {
    base: NonNull<u8>,
    len: usize,
    _b: PhantomData<fn() -> B>,
}

impl<B> Clone for Mmio<B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B> Copy for Mmio<B> {}

impl<B> Mmio<B> {
    /// The mapping of `len` bytes at `base`; `None` for a null `base` or
    /// one that is not 8-byte aligned (register blocks are page aligned).
    ///
    /// # Safety
    ///
    /// `base` must map `len` bytes of the device registers of a block of
    /// kind `B` (or plain memory, for a test), valid for volatile reads and
    /// writes for as long as the value or a copy of it is used, not memory
    /// any Rust reference points to, and not accessed concurrently by
    /// anyone else in a conflicting way.
    pub unsafe fn new(base: *mut u8, len: usize) -> Option<Self> {
        let base = NonNull::new(base)?;
        if base.as_ptr().addr() % 8 != 0 {
            return None;
        }
        Some(Mmio {
            base,
            len,
            _b: PhantomData,
        })
    }

    /// Size of the mapping in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (then every access is ignored).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Pointer to register `r` if the mapping covers it. Its alignment
    /// comes from the declaration (a multiple of its size) and from `base`
    /// (8-byte aligned).
    fn reg<W>(&self, r: Reg<B, W>) -> Option<*mut W> {
        let off = r.offset();
        if off.checked_add(core::mem::size_of::<W>())? > self.len {
            return None;
        }
        // SAFETY: off + size <= len, so the result stays within the
        // mapping of len bytes at base (new()'s contract).
        let p = unsafe { self.base.as_ptr().add(off) };
        Some(p.cast::<W>())
    }

    /// Read the 32-bit register `r` (0 if the mapping lacks it).
    pub fn read32(&self, r: Reg32<B>) -> u32 {
        match self.reg(r) {
            // SAFETY: in the mapping (reg()), 4-byte aligned, valid for
            // volatile reads (new()'s contract).
            Some(p) => unsafe { p.read_volatile() },
            None => 0,
        }
    }

    /// Write the 32-bit register `r` (nothing if the mapping lacks it).
    pub fn write32(&self, r: Reg32<B>, val: u32) {
        if let Some(p) = self.reg(r) {
            // SAFETY: as in read32, valid for writes (new()'s contract).
            unsafe { p.write_volatile(val) }
        }
    }

    /// Read the 64-bit register `r` with one 64-bit access (0 if the
    /// mapping lacks it).
    pub fn read64(&self, r: Reg64<B>) -> u64 {
        match self.reg(r) {
            // SAFETY: in the mapping (reg()), 8-byte aligned (the
            // declaration and base both are), valid for volatile reads
            // (new()'s contract).
            Some(p) => unsafe { p.read_volatile() },
            None => 0,
        }
    }

    /// Write the 64-bit register `r` with one 64-bit access.
    pub fn write64(&self, r: Reg64<B>, val: u64) {
        if let Some(p) = self.reg(r) {
            // SAFETY: as in read64, valid for writes (new()'s contract).
            unsafe { p.write_volatile(val) }
        }
    }
}

impl<B: Block> Mmio<B> {
    /// The whole block at the fixed, non-null, 8-byte aligned address
    /// `base` of a board's memory map, for a `const` (where a bad `base`
    /// fails the build).
    ///
    /// # Safety
    ///
    /// As for [`Mmio::new`], for `B::SIZE` bytes at `base`.
    pub const unsafe fn fixed(base: usize) -> Self {
        // SAFETY: this function's contract.
        unsafe { Self::fixed_part(base, B::SIZE) }
    }

    /// The first `len` bytes of the block at `base` (a guest's GICv2
    /// distributor page, where Xen puts the CPU interface right after), as
    /// [`Mmio::fixed`].
    ///
    /// # Safety
    ///
    /// As for [`Mmio::new`], for `len` bytes at `base`.
    pub const unsafe fn fixed_part(base: usize, len: usize) -> Self {
        assert!(base != 0 && base % 8 == 0, "bad register block address");
        assert!(len <= B::SIZE, "mapping larger than its block");
        Mmio {
            // SAFETY: not null (asserted).
            base: unsafe { NonNull::new_unchecked(base as *mut u8) },
            len,
            _b: PhantomData,
        }
    }

    /// The whole block at the fixed address `base` (a board's memory map);
    /// `None` as for [`Mmio::new`].
    ///
    /// # Safety
    ///
    /// As for [`Mmio::new`], for `B::SIZE` bytes at `base`.
    pub unsafe fn at(base: usize) -> Option<Self> {
        // SAFETY: this function's contract.
        unsafe { Self::new(base as *mut u8, B::SIZE) }
    }

    /// The block of the same kind `offset` bytes above this one (the next
    /// redistributor of a region).
    ///
    /// # Safety
    ///
    /// As for [`Mmio::new`], for `B::SIZE` bytes at `offset` above this
    /// block's base.
    pub unsafe fn above(&self, offset: usize) -> Option<Self> {
        // SAFETY: this function's contract.
        unsafe { Self::at(self.base.as_ptr().addr() + offset) }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// A 32-byte block for the test.
    enum T {}
    impl Block for T {
        const SIZE: usize = 32;
    }
    const R0: Reg32<T> = Reg::at(0);
    const R1: Reg32<T> = Reg::at(4);
    const R7: Reg32<T> = Reg::at(28);
    const Q0: Reg64<T> = Reg::at(0);
    const Q1: Reg64<T> = Reg::at(8);
    const Q3: Reg64<T> = Reg::at(24);

    #[test]
    fn round_trips_and_ignores_what_the_mapping_lacks() {
        let mut mem = [0u64; 4];
        {
            // SAFETY: mem is 32 bytes, 8-byte aligned, and not used while m
            // lives.
            let m = unsafe { Mmio::<T>::new(mem.as_mut_ptr().cast(), 32) }.unwrap();
            assert_eq!(m.len(), 32);
            assert!(!m.is_empty());
            m.write32(R0, 0x1122_3344);
            m.write32(R1, 0x5566_7788);
            assert_eq!(m.read32(R0), 0x1122_3344);
            assert_eq!(m.read32(R1), 0x5566_7788);
            #[cfg(target_endian = "little")]
            assert_eq!(m.read64(Q0), 0x5566_7788_1122_3344);
            m.write64(Q1, 0xdead_beef_0bad_f00d);
            assert_eq!(m.read64(Q1), 0xdead_beef_0bad_f00d);
            m.write64(Q3, u64::MAX);
            m.write32(R7, 7);
            assert_eq!(m.read32(R7), 7);
        }
        assert_eq!(mem[1], 0xdead_beef_0bad_f00d);
        #[cfg(target_endian = "little")]
        assert_eq!(mem[3], 0x0000_0007_ffff_ffff);

        // A mapping shorter than the block: what lies beyond it, wholly or
        // partly, is refused.
        {
            // SAFETY: 12 bytes of mem, aligned, not used while m lives.
            let m = unsafe { Mmio::<T>::new(mem.as_mut_ptr().cast(), 12) }.unwrap();
            assert_eq!(m.read64(Q1), 0);
            m.write64(Q1, 0);
            assert_eq!(m.read32(R7), 0);
            m.write32(R7, 1);
            assert_ne!(m.read32(R1), 0);
        }
        assert_eq!(mem[1], 0xdead_beef_0bad_f00d);
        #[cfg(target_endian = "little")]
        assert_eq!(mem[3], 0x0000_0007_ffff_ffff);

        // SAFETY: a null base is refused before anything is accessed.
        assert!(unsafe { Mmio::<T>::new(core::ptr::null_mut(), 8) }.is_none());
        // SAFETY: a misaligned base is refused before anything is accessed.
        let odd = unsafe { Mmio::<T>::new(mem.as_mut_ptr().cast::<u8>().wrapping_add(4), 8) };
        assert!(odd.is_none());
    }
}
