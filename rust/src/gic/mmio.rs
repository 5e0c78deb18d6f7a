//! [`Regs`] and [`Regs64`] over the project's MMIO wrapper,
//! `xsr_arch::mmio::Mmio` (volatile raw-pointer accesses to declared
//! registers; what a mapping lacks reads 0 and takes no write).

use xsr_arch::mmio::Mmio;
use xsr_arch::reg::{Reg32, Reg64};

use super::{Regs, Regs64};

impl<B> Regs<B> for Mmio<B> {
    fn read32(&self, r: Reg32<B>) -> u32 {
        Mmio::read32(self, r)
    }

    fn write32(&mut self, r: Reg32<B>, val: u32) {
        Mmio::write32(self, r, val)
    }
}

impl<B> Regs64<B> for Mmio<B> {
    fn read64(&self, r: Reg64<B>) -> u64 {
        Mmio::read64(self, r)
    }

    fn write64(&mut self, r: Reg64<B>, val: u64) {
        Mmio::write64(self, r, val)
    }
}
