//! Arm PrimeCell peripherals of the boards this project runs on: the
//! PL011 UART (DDI 0183), the PL031 RTC (DDI 0224) and the PL061 GPIO
//! (DDI 0190); 4 KB register blocks each.

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
