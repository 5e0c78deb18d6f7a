//! Arm PrimeCell peripherals of the boards this project runs on: the
//! PL011 UART (DDI 0183), the PL031 RTC (DDI 0224) and the PL061 GPIO
//! (DDI 0190); 4 KB register blocks each.

use crate::mmio::Mmio;
use crate::reg::{Bank, Bank32, Block, Reg, Reg32};

/// A PL011 UART.
pub enum Pl011 {}
impl Block for Pl011 {
    const SIZE: usize = 0x1000;
}

/// A PL031 real-time clock.
pub enum Pl031 {}
impl Block for Pl031 {
    const SIZE: usize = 0x1000;
}

/// A PL061 GPIO controller.
pub enum Pl061 {}
impl Block for Pl061 {
    const SIZE: usize = 0x1000;
}

/// PL011 registers and fields.
pub mod pl011 {
    #![allow(missing_docs)]
    use super::*;

    pub const DR: Reg32<Pl011> = Reg::at(0x00);
    pub const FR: Reg32<Pl011> = Reg::at(0x18);
    pub const IBRD: Reg32<Pl011> = Reg::at(0x24);
    pub const FBRD: Reg32<Pl011> = Reg::at(0x28);
    pub const LCR_H: Reg32<Pl011> = Reg::at(0x2C);
    pub const CR: Reg32<Pl011> = Reg::at(0x30);
    pub const IFLS: Reg32<Pl011> = Reg::at(0x34);
    pub const IMSC: Reg32<Pl011> = Reg::at(0x38);
    pub const RIS: Reg32<Pl011> = Reg::at(0x3C);
    pub const ICR: Reg32<Pl011> = Reg::at(0x44);

    pub const FR_BUSY: u32 = 1 << 3;
    pub const FR_TXFF: u32 = 1 << 5;
    pub const FR_TXFE: u32 = 1 << 7;
    pub const CR_UARTEN: u32 = 1 << 0;
    pub const CR_TXE: u32 = 1 << 8;
    /// The transmit interrupt (IMSC, RIS, ICR).
    pub const INT_TX: u32 = 1 << 5;
    /// Every interrupt (ICR).
    pub const INT_ALL: u32 = 0x7ff;
}

impl Mmio<Pl011> {
    /// Transmits `byte`: waits while the transmit FIFO is full, for at most
    /// `polls` reads of FR (a UART that never drains must not hang its
    /// caller: the byte is then written anyway, and may be lost), then
    /// writes DR. What the test guests print with (Xen's SBSA vUART is a
    /// PL011 subset).
    pub fn put_byte(&self, byte: u8, polls: u32) {
        for _ in 0..polls {
            if self.read32(pl011::FR) & pl011::FR_TXFF == 0 {
                break;
            }
            core::hint::spin_loop();
        }
        self.write32(pl011::DR, u32::from(byte));
    }
}

/// A PL011 as a [`core::fmt::Write`] sink, what the test guests print
/// with. Writing never fails: a byte the UART does not take in time is
/// written anyway ([`Mmio::put_byte`]).
pub struct Pl011Writer {
    /// The UART.
    pub uart: Mmio<Pl011>,
    /// How many times to poll FR for room before writing a byte anyway.
    pub polls: u32,
}

impl core::fmt::Write for Pl011Writer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        s.bytes().for_each(|b| self.uart.put_byte(b, self.polls));
        Ok(())
    }
}

impl Pl011Writer {
    /// One console line: `prefix`, `args`, then `\r\n`.
    pub fn line(&mut self, prefix: &str, args: core::fmt::Arguments) {
        use core::fmt::Write;
        // write_str never fails, nor does write_fmt through it.
        let _ = self.write_str(prefix);
        let _ = self.write_fmt(args);
        let _ = self.write_str("\r\n");
    }
}

/// PL031 registers.
pub mod pl031 {
    #![allow(missing_docs)]
    use super::*;

    pub const DR: Reg32<Pl031> = Reg::at(0x00);
    pub const MR: Reg32<Pl031> = Reg::at(0x04);
    pub const IMSC: Reg32<Pl031> = Reg::at(0x10);
    pub const RIS: Reg32<Pl031> = Reg::at(0x14);
}

/// PL061 registers.
pub mod pl061 {
    #![allow(missing_docs)]
    use super::*;

    /// GPIODATA through its address mask: register `m` reads and writes
    /// only the lines whose bits are set in `m` (address bits 9:2).
    pub const DATA: Bank32<Pl061> = Bank::at(0x000, 256);
    pub const DIR: Reg32<Pl061> = Reg::at(0x400);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uart(regs: &mut [u32; 1024]) -> Mmio<Pl011> {
        // SAFETY: plain memory standing in for the UART's 4 KB, used only
        // through the returned value while `regs` is borrowed here.
        unsafe { Mmio::new(regs.as_mut_ptr().cast(), 4096) }.expect("aligned")
    }

    #[test]
    fn put_byte_writes_dr_when_the_fifo_has_room() {
        let mut regs = [0u32; 1024];
        uart(&mut regs).put_byte(b'x', 10);
        assert_eq!(regs[0], u32::from(b'x'));
    }

    #[test]
    fn a_line_is_prefix_text_and_crlf() {
        let mut regs = [0u32; 1024];
        let mut w = Pl011Writer {
            uart: uart(&mut regs),
            polls: 1,
        };
        w.line("TG: ", format_args!("{}", 7));
        // DR is written in turn: the last byte is what it holds.
        assert_eq!(regs[0], u32::from(b'\n'));
    }

    #[test]
    fn put_byte_gives_up_waiting_on_a_full_fifo() {
        let mut regs = [0u32; 1024];
        regs[0x18 / 4] = pl011::FR_TXFF;
        uart(&mut regs).put_byte(b'y', 1000);
        assert_eq!(regs[0], u32::from(b'y'));
    }
}
