//! Typed device registers: a register is declared once, with its block, its
//! offset and its width, and an accessor takes only such a declaration. An
//! access of the wrong width, to a register of another block or to an
//! offset nobody declared does not compile; a declaration that is
//! misaligned or outside its block fails at compile time.

use core::marker::PhantomData;

/// A block of device registers (one MMIO frame or a fixed group of them).
pub trait Block {
    /// The block's size in bytes: every register declared in it lies within.
    const SIZE: usize;
}

/// A register width: `u32` or `u64`.
pub trait Width: Copy + sealed::Sealed {
    /// Bytes per register.
    const BYTES: usize;
}
impl Width for u32 {
    const BYTES: usize = 4;
}
impl Width for u64 {
    const BYTES: usize = 8;
}
mod sealed {
    pub trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// One register of block `B`, `W` bits wide.
pub struct Reg<B, W> {
    off: usize,
    _t: PhantomData<fn() -> (B, W)>,
}

/// A 32-bit register of block `B`.
pub type Reg32<B> = Reg<B, u32>;
/// A 64-bit register of block `B`.
pub type Reg64<B> = Reg<B, u64>;

impl<B, W> Clone for Reg<B, W> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B, W> Copy for Reg<B, W> {}
impl<B, W> PartialEq for Reg<B, W> {
    fn eq(&self, other: &Self) -> bool {
        self.off == other.off
    }
}
impl<B, W> Eq for Reg<B, W> {}
impl<B, W> core::fmt::Debug for Reg<B, W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Reg({:#x})", self.off)
    }
}

impl<B: Block, W: Width> Reg<B, W> {
    /// Declares the register at byte offset `off`. Meant for `const`
    /// declarations, where it is evaluated at compile time and fails the
    /// build if the register is misaligned or outside the block.
    pub const fn at(off: usize) -> Self {
        assert!(off % W::BYTES == 0, "misaligned register");
        assert!(off + W::BYTES <= B::SIZE, "register outside its block");
        Reg {
            off,
            _t: PhantomData,
        }
    }
}

impl<B, W> Reg<B, W> {
    /// Its byte offset in the block.
    pub const fn offset(self) -> usize {
        self.off
    }
}

/// `len` consecutive registers of block `B`, `W` bits wide, from `off`
/// (register `i` at `off + i * W::BYTES`).
pub struct Bank<B, W> {
    off: usize,
    len: usize,
    _t: PhantomData<fn() -> (B, W)>,
}

/// A bank of 32-bit registers.
pub type Bank32<B> = Bank<B, u32>;
/// A bank of 64-bit registers.
pub type Bank64<B> = Bank<B, u64>;

impl<B, W> Clone for Bank<B, W> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B, W> Copy for Bank<B, W> {}

impl<B: Block, W: Width> Bank<B, W> {
    /// Declares `len` registers from `off` (in a `const`, as [`Reg::at`]).
    pub const fn at(off: usize, len: usize) -> Self {
        assert!(off % W::BYTES == 0, "misaligned bank");
        assert!(
            len > 0 && off + len * W::BYTES <= B::SIZE,
            "bank outside its block"
        );
        Bank {
            off,
            len,
            _t: PhantomData,
        }
    }

    /// Register `i`, if the bank has it.
    pub const fn get(self, i: usize) -> Option<Reg<B, W>> {
        if i < self.len {
            Some(Reg {
                off: self.off + i * W::BYTES,
                _t: PhantomData,
            })
        } else {
            None
        }
    }

    /// Registers `start..end`, cut to the bank.
    pub fn range(self, start: usize, end: usize) -> impl Iterator<Item = Reg<B, W>> {
        (start..end.min(self.len)).map(move |i| Reg {
            off: self.off + i * W::BYTES,
            _t: PhantomData,
        })
    }

    /// The first `n` registers (all of them if `n` is larger).
    pub fn first(self, n: usize) -> impl Iterator<Item = Reg<B, W>> {
        self.range(0, n)
    }
}

impl<B, W> Bank<B, W> {
    /// How many registers the bank has.
    pub const fn len(self) -> usize {
        self.len
    }

    /// Never true: a bank has at least one register.
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The byte offset of its first register.
    pub const fn offset(self) -> usize {
        self.off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum Tiny {}
    impl Block for Tiny {
        const SIZE: usize = 0x20;
    }
    const A: Reg32<Tiny> = Reg::at(0x1c);
    const B: Reg64<Tiny> = Reg::at(0x18);
    const BANK: Bank32<Tiny> = Bank::at(0x10, 4);

    #[test]
    fn offsets_and_banks() {
        assert_eq!(A.offset(), 0x1c);
        assert_eq!(B.offset(), 0x18);
        assert_eq!(BANK.get(3).map(Reg::offset), Some(0x1c));
        assert_eq!(BANK.get(4), None);
        let v: [usize; 2] = {
            let mut it = BANK.range(2, 9).map(Reg::offset);
            [it.next().unwrap(), it.next().unwrap()]
        };
        assert_eq!(v, [0x18, 0x1c]);
        assert_eq!(BANK.range(2, 9).count(), 2);
        assert_eq!(BANK.first(100).count(), 4);
        assert_eq!(BANK.range(5, 2).count(), 0);
    }
}
