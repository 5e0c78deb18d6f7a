//! Xen's console UART across a host suspend: what a power loss of the UART
//! destroys, saved before and written back after, for the Arm PL011 (and
//! its SBSA generic UART subset) and the Cadence UART of the Zynq
//! UltraScale+ (Xilinx `xuartps`).
//!
//! Xen's C drivers call these functions from their `suspend`/`resume`
//! hooks, on the boot CPU with interrupts off, after Xen's
//! `console_suspend` has stolen the console (nothing is written to the UART
//! between the suspend and the resume). The register state lives in a
//! [`UartContext`] embedded in the driver's private structure.
//!
//! - Suspend ([`pl011_suspend`], [`cadence_suspend`]): wait for the
//!   transmitter to go idle (at most [`DRAIN_POLL_LIMIT`] status reads; a
//!   timeout only loses characters still in flight, so it is reported in the
//!   [`SaveReport`] and the suspend goes on), save, then leave the saved
//!   registers as a power loss would (the `*_reset` functions).
//! - Resume ([`pl011_restore`], [`cadence_restore`]): write the saved state
//!   back in the order the technical reference manuals require, the UART
//!   disabled until the last write. A context holding no save is refused
//!   and nothing is touched.
//!
//! Registers are reached through [`Regs`] with 32-bit accesses only. The
//! code never allocates, never panics and every wait is bounded.

use xsr_arch::primecell::{pl011, Pl011};
use xsr_arch::reg::{Block, Reg, Reg32};

use crate::errno::Errno;
use crate::gic::Regs;

/// How many times the transmitter status is read while draining before
/// giving up. A full transmit FIFO (at most 32 bytes on a PL011, 64 on the
/// Cadence UART) takes under 6 ms to send at 115200 baud; a device register
/// read costs 100 ns or more, so 100 000 of them outlast that, and the wait
/// stays bounded if the transmitter is stuck (disabled, or held by flow
/// control).
pub const DRAIN_POLL_LIMIT: u32 = 100_000;

pub use crate::abi::UartContext;

impl UartContext {
    /// An empty context (all zero, nothing saved).
    pub const fn new() -> Self {
        UartContext {
            regs: [0; 8],
            saved: false,
        }
    }
}

/// What a save found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaveReport {
    /// Whether the transmitter went idle within [`DRAIN_POLL_LIMIT`] status
    /// reads. If not, the characters still in the FIFO are lost with the
    /// power; the save went ahead anyway.
    pub drained: bool,
}

impl SaveReport {
    /// What Xen's serial suspend hook returns: 0, or -ETIMEDOUT when the
    /// transmitter did not drain (saved and reset all the same).
    pub const fn result(self) -> Result<(), Errno> {
        if self.drained {
            Ok(())
        } else {
            Err(Errno::ETIMEDOUT)
        }
    }
}

/// Why a restore did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UartError {
    /// The context holds no save (never saved, or already restored).
    /// Nothing was read or written.
    NotSaved,
}

impl UartError {
    /// The errno Xen's serial resume hook returns for it.
    pub const fn errno(self) -> Errno {
        match self {
            UartError::NotSaved => Errno::EINVAL,
        }
    }
}

// PL011 (Arm DDI 0183G): the registers and fields of the project's
// register table (xsr_arch::primecell). UARTLCR_H latches IBRD and FBRD
// when written; UARTFR is read-only, UARTICR write-only.
use pl011::{
    CR as PL011_CR, FBRD as PL011_FBRD, FR as PL011_FR, IBRD as PL011_IBRD, ICR as PL011_ICR,
    IFLS as PL011_IFLS, IMSC as PL011_IMSC, LCR_H as PL011_LCR_H,
};
/// UARTFR.BUSY: a character is being sent (or the FIFO is not empty).
const PL011_FR_BUSY: u32 = pl011::FR_BUSY;
/// UARTFR.TXFE: the transmit FIFO (holding register) is empty.
const PL011_FR_TXFE: u32 = pl011::FR_TXFE;
/// Every interrupt in UARTICR.
const PL011_ICR_ALL: u32 = pl011::INT_ALL;

/// UARTCR at reset: TXE and RXE set, UARTEN clear (disabled).
const PL011_CR_RESET: u32 = 0x300;
/// UARTIFLS at reset: both FIFOs at half.
const PL011_IFLS_RESET: u32 = 0x12;

/// The PL011 registers a suspend saves, by name. In [`UartContext`] they
/// are slots 0 to 5 (the table there); [`Self::slots`] and
/// [`Self::from_slots`] are the only places that know the order.
#[derive(Clone, Copy, Default)]
struct Pl011Saved {
    ibrd: u32,
    fbrd: u32,
    lcr_h: u32,
    cr: u32,
    ifls: u32,
    imsc: u32,
}

impl Pl011Saved {
    const fn slots(self) -> [u32; 8] {
        [
            self.ibrd, self.fbrd, self.lcr_h, self.cr, self.ifls, self.imsc, 0, 0,
        ]
    }

    const fn from_slots(slots: [u32; 8]) -> Self {
        let [ibrd, fbrd, lcr_h, cr, ifls, imsc, _, _] = slots;
        Self {
            ibrd,
            fbrd,
            lcr_h,
            cr,
            ifls,
            imsc,
        }
    }
}

/// The Cadence UART (Xilinx `xuartps`; Zynq UltraScale+ TRM, UG1087):
/// its registers are declared here, the only place that uses them.
pub enum Cadence {}
impl Block for Cadence {
    const SIZE: usize = 0x1000;
}

/// Control register.
const CDNS_CR: Reg32<Cadence> = Reg::at(0x00);
/// Mode register.
const CDNS_MR: Reg32<Cadence> = Reg::at(0x04);
/// Interrupt enable (write-only): sets bits of IMR.
const CDNS_IER: Reg32<Cadence> = Reg::at(0x08);
/// Interrupt disable (write-only): clears bits of IMR.
const CDNS_IDR: Reg32<Cadence> = Reg::at(0x0C);
/// Interrupt mask (read-only).
const CDNS_IMR: Reg32<Cadence> = Reg::at(0x10);
/// Channel interrupt status (write 1 to clear).
const CDNS_ISR: Reg32<Cadence> = Reg::at(0x14);
/// Baud rate generator (CD).
const CDNS_BAUDGEN: Reg32<Cadence> = Reg::at(0x18);
/// Receiver timeout.
const CDNS_RXTOUT: Reg32<Cadence> = Reg::at(0x1C);
/// Receiver FIFO trigger level.
const CDNS_RXWM: Reg32<Cadence> = Reg::at(0x20);
/// Modem control.
const CDNS_MODEMCR: Reg32<Cadence> = Reg::at(0x24);
/// Channel status (read-only).
const CDNS_SR: Reg32<Cadence> = Reg::at(0x2C);
/// Baud rate divider (BDIV).
const CDNS_BAUDDIV: Reg32<Cadence> = Reg::at(0x34);

/// CR.RX_EN.
const CDNS_CR_RX_EN: u32 = 1 << 2;
/// CR.RX_DIS (wins over RX_EN).
const CDNS_CR_RX_DIS: u32 = 1 << 3;
/// CR.TX_EN.
const CDNS_CR_TX_EN: u32 = 1 << 4;
/// CR.TX_DIS (wins over TX_EN).
const CDNS_CR_TX_DIS: u32 = 1 << 5;
/// The CR bits a restore writes back: the enables and disables. The others
/// are commands (RXRST, TXRST and RSTTO self-clear, STTBRK and STPBRK start
/// and stop a break) or reserved, and are never replayed.
const CDNS_CR_KEEP: u32 = CDNS_CR_RX_EN | CDNS_CR_RX_DIS | CDNS_CR_TX_EN | CDNS_CR_TX_DIS;

/// SR.TEMPTY: the transmit FIFO is empty.
const CDNS_SR_TEMPTY: u32 = 1 << 3;
/// SR.TACTIVE: the transmitter state machine is sending a character.
const CDNS_SR_TACTIVE: u32 = 1 << 11;

/// CR at reset: RX_DIS, TX_DIS and STPBRK (disabled, no break).
const CDNS_CR_RESET: u32 = 0x128;
/// BAUDGEN at reset.
const CDNS_BAUDGEN_RESET: u32 = 0x28B;
/// RXWM at reset.
const CDNS_RXWM_RESET: u32 = 0x20;
/// BAUDDIV at reset.
const CDNS_BAUDDIV_RESET: u32 = 0xF;

/// The Cadence UART registers a suspend saves, by name: slots 0 to 7 of
/// [`UartContext`] in this order (the table there).
#[derive(Clone, Copy)]
struct CadenceSaved {
    cr: u32,
    mr: u32,
    imr: u32,
    baudgen: u32,
    rxtout: u32,
    rxwm: u32,
    modemcr: u32,
    bauddiv: u32,
}

impl CadenceSaved {
    const fn slots(self) -> [u32; 8] {
        [
            self.cr,
            self.mr,
            self.imr,
            self.baudgen,
            self.rxtout,
            self.rxwm,
            self.modemcr,
            self.bauddiv,
        ]
    }

    const fn from_slots(slots: [u32; 8]) -> Self {
        let [cr, mr, imr, baudgen, rxtout, rxwm, modemcr, bauddiv] = slots;
        Self {
            cr,
            mr,
            imr,
            baudgen,
            rxtout,
            rxwm,
            modemcr,
            bauddiv,
        }
    }
}

/// Read the status register `status` until `idle` accepts its value, at
/// most [`DRAIN_POLL_LIMIT`] times. Whether it did.
fn drain<B, R: Regs<B> + ?Sized>(r: &R, status: Reg32<B>, idle: impl Fn(u32) -> bool) -> bool {
    for _ in 0..DRAIN_POLL_LIMIT {
        if idle(r.read32(status)) {
            return true;
        }
        core::hint::spin_loop();
    }
    false
}

/// Wait until the PL011 has sent everything (UARTFR.TXFE set, UARTFR.BUSY
/// clear), at most [`DRAIN_POLL_LIMIT`] reads of UARTFR. Whether it did.
pub fn pl011_drain(r: &impl Regs<Pl011>) -> bool {
    drain(r, PL011_FR, |fr| {
        fr & PL011_FR_TXFE != 0 && fr & PL011_FR_BUSY == 0
    })
}

/// Drain the PL011 ([`pl011_drain`]), then save into `ctx` (and mark it
/// saved) the registers a power loss resets: UARTIBRD, UARTFBRD, UARTLCR_H,
/// UARTCR, UARTIFLS and UARTIMSC; with `sbsa` (SBSA generic UART) only
/// UARTIMSC, the others not being implemented. Only reads the UART.
pub fn pl011_save(r: &mut impl Regs<Pl011>, sbsa: bool, ctx: &mut UartContext) -> SaveReport {
    let drained = pl011_drain(r);
    let mut saved = Pl011Saved::default();
    if !sbsa {
        saved.ibrd = r.read32(PL011_IBRD);
        saved.fbrd = r.read32(PL011_FBRD);
        saved.lcr_h = r.read32(PL011_LCR_H);
        saved.cr = r.read32(PL011_CR);
        saved.ifls = r.read32(PL011_IFLS);
    }
    saved.imsc = r.read32(PL011_IMSC);
    *ctx = UartContext {
        regs: saved.slots(),
        saved: true,
    };
    SaveReport { drained }
}

/// Put exactly the registers [`pl011_save`] covers in their reset state
/// (PL011 TRM): UARTCR = 0x300 first (UARTEN clear: disabled), UARTIMSC = 0
/// (all masked), then UARTIBRD = UARTFBRD = 0, UARTLCR_H = 0 (which also
/// flushes the transmit FIFO) and UARTIFLS = 0x12. With `sbsa`, only
/// UARTIMSC = 0.
pub fn pl011_reset(r: &mut impl Regs<Pl011>, sbsa: bool) {
    if sbsa {
        r.write32(PL011_IMSC, 0);
        return;
    }
    r.write32(PL011_CR, PL011_CR_RESET);
    r.write32(PL011_IMSC, 0);
    r.write32(PL011_IBRD, 0);
    r.write32(PL011_FBRD, 0);
    r.write32(PL011_LCR_H, 0);
    r.write32(PL011_IFLS, PL011_IFLS_RESET);
}

/// Suspend the PL011: [`pl011_save`], then [`pl011_reset`] (the state a
/// power loss leaves, so a missing restore shows at once, not only after a
/// real power cut). Resume with [`pl011_restore`].
pub fn pl011_suspend(r: &mut impl Regs<Pl011>, sbsa: bool, ctx: &mut UartContext) -> SaveReport {
    let report = pl011_save(r, sbsa, ctx);
    pl011_reset(r, sbsa);
    report
}

/// Write the PL011 state saved in `ctx` back, then mark `ctx` empty.
///
/// Order (PL011 TRM): UARTCR = 0 (disabled), UARTIBRD, UARTFBRD, UARTLCR_H
/// (its write latches both divisors, so it comes after them), UARTIFLS,
/// UARTICR = 0x7ff (no stale interrupt), UARTIMSC, and UARTCR last. With
/// `sbsa`, only UARTICR and UARTIMSC.
///
/// [`UartError::NotSaved`] if `ctx` holds no save: nothing is touched.
pub fn pl011_restore(
    r: &mut impl Regs<Pl011>,
    sbsa: bool,
    ctx: &mut UartContext,
) -> Result<(), UartError> {
    if !ctx.saved {
        return Err(UartError::NotSaved);
    }
    let s = Pl011Saved::from_slots(ctx.regs);
    if !sbsa {
        r.write32(PL011_CR, 0);
        r.write32(PL011_IBRD, s.ibrd);
        r.write32(PL011_FBRD, s.fbrd);
        r.write32(PL011_LCR_H, s.lcr_h);
        r.write32(PL011_IFLS, s.ifls);
    }
    r.write32(PL011_ICR, PL011_ICR_ALL);
    r.write32(PL011_IMSC, s.imsc);
    if !sbsa {
        r.write32(PL011_CR, s.cr);
    }
    ctx.saved = false;
    Ok(())
}

/// Wait until the Cadence UART has sent everything (SR.TEMPTY set,
/// SR.TACTIVE clear), at most [`DRAIN_POLL_LIMIT`] reads of SR. Whether it
/// did.
pub fn cadence_drain(r: &impl Regs<Cadence>) -> bool {
    drain(r, CDNS_SR, |sr| {
        sr & CDNS_SR_TEMPTY != 0 && sr & CDNS_SR_TACTIVE == 0
    })
}

/// Drain the Cadence UART ([`cadence_drain`]), then save into `ctx` (and
/// mark it saved) the registers a power loss resets: CR, MR, IMR, BAUDGEN,
/// RXTOUT, RXWM, MODEMCR and BAUDDIV. Only reads the UART.
pub fn cadence_save(r: &mut impl Regs<Cadence>, ctx: &mut UartContext) -> SaveReport {
    let drained = cadence_drain(r);
    let saved = CadenceSaved {
        cr: r.read32(CDNS_CR),
        mr: r.read32(CDNS_MR),
        imr: r.read32(CDNS_IMR),
        baudgen: r.read32(CDNS_BAUDGEN),
        rxtout: r.read32(CDNS_RXTOUT),
        rxwm: r.read32(CDNS_RXWM),
        modemcr: r.read32(CDNS_MODEMCR),
        bauddiv: r.read32(CDNS_BAUDDIV),
    };
    *ctx = UartContext {
        regs: saved.slots(),
        saved: true,
    };
    SaveReport { drained }
}

/// Put exactly the registers [`cadence_save`] covers in their reset state
/// (Zynq UltraScale+ TRM): CR = 0x128 first (RX_DIS and TX_DIS: disabled),
/// IDR = all ones (IMR = 0: all masked), then MR = 0, BAUDGEN = 0x28B,
/// BAUDDIV = 0xF, RXTOUT = 0, RXWM = 0x20 and MODEMCR = 0.
pub fn cadence_reset(r: &mut impl Regs<Cadence>) {
    r.write32(CDNS_CR, CDNS_CR_RESET);
    r.write32(CDNS_IDR, u32::MAX);
    r.write32(CDNS_MR, 0);
    r.write32(CDNS_BAUDGEN, CDNS_BAUDGEN_RESET);
    r.write32(CDNS_BAUDDIV, CDNS_BAUDDIV_RESET);
    r.write32(CDNS_RXTOUT, 0);
    r.write32(CDNS_RXWM, CDNS_RXWM_RESET);
    r.write32(CDNS_MODEMCR, 0);
}

/// Suspend the Cadence UART: [`cadence_save`], then [`cadence_reset`].
/// Resume with [`cadence_restore`].
pub fn cadence_suspend(r: &mut impl Regs<Cadence>, ctx: &mut UartContext) -> SaveReport {
    let report = cadence_save(r, ctx);
    cadence_reset(r);
    report
}

/// Write the Cadence UART state saved in `ctx` back, then mark `ctx` empty.
///
/// Order: CR = RX_DIS | TX_DIS (disabled), MR, BAUDGEN, BAUDDIV, RXTOUT,
/// RXWM, MODEMCR, ISR = all ones (no stale interrupt), IDR = !IMR and
/// IER = IMR (the mask exactly as saved), and CR last with only the saved
/// enable and disable bits (the command bits RXRST, TXRST, RSTTO, STTBRK and
/// STPBRK are not replayed: the FIFOs come out of the power loss empty).
///
/// [`UartError::NotSaved`] if `ctx` holds no save: nothing is touched.
pub fn cadence_restore(r: &mut impl Regs<Cadence>, ctx: &mut UartContext) -> Result<(), UartError> {
    if !ctx.saved {
        return Err(UartError::NotSaved);
    }
    let s = CadenceSaved::from_slots(ctx.regs);
    r.write32(CDNS_CR, CDNS_CR_RX_DIS | CDNS_CR_TX_DIS);
    r.write32(CDNS_MR, s.mr);
    r.write32(CDNS_BAUDGEN, s.baudgen);
    r.write32(CDNS_BAUDDIV, s.bauddiv);
    r.write32(CDNS_RXTOUT, s.rxtout);
    r.write32(CDNS_RXWM, s.rxwm);
    r.write32(CDNS_MODEMCR, s.modemcr);
    r.write32(CDNS_ISR, u32::MAX);
    r.write32(CDNS_IDR, !s.imr);
    r.write32(CDNS_IER, s.imr);
    r.write32(CDNS_CR, s.cr & CDNS_CR_KEEP);
    ctx.saved = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! A fake UART register block that logs every access in order and
    //! behaves like the hardware where the code depends on it (write-only,
    //! read-only and write-1-to-clear registers, a scripted transmitter).
    //! Offsets are written as the manuals' numbers, not taken from the
    //! constants above, so that the tests check those too.

    use std::cell::{Cell, RefCell};
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Kind {
        Pl011,
        Sbsa,
        Cadence,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Access {
        Read(usize),
        Write(usize, u32),
    }

    /// PL011 registers a save covers, with their reset values.
    const PL011_SAVED: [(usize, u32); 6] = [
        (0x24, 0),
        (0x28, 0),
        (0x2C, 0),
        (0x30, 0x300),
        (0x34, 0x12),
        (0x38, 0),
    ];
    /// SBSA generic UART registers a save covers.
    const SBSA_SAVED: [(usize, u32); 1] = [(0x38, 0)];
    /// PL011 registers an SBSA generic UART does not implement (IBRD, FBRD,
    /// LCR_H, CR, IFLS).
    const SBSA_ABSENT: [usize; 5] = [0x24, 0x28, 0x2C, 0x30, 0x34];
    /// Cadence registers a save covers, with their reset values.
    const CDNS_SAVED: [(usize, u32); 8] = [
        (0x00, 0x128),
        (0x04, 0),
        (0x10, 0),
        (0x18, 0x28B),
        (0x1C, 0),
        (0x20, 0x20),
        (0x24, 0),
        (0x34, 0xF),
    ];
    /// CR bits that read back as written (enables and disables).
    const CDNS_CR_STATE: u32 = 0x3C;

    /// PL011 raw interrupt status (read-only, cleared through ICR).
    const RIS: usize = 0x3C;
    /// Cadence interrupt status (write 1 to clear).
    const ISR: usize = 0x14;

    struct FakeUart {
        kind: Kind,
        words: BTreeMap<usize, u32>,
        log: RefCell<Vec<Access>>,
        /// Accesses the hardware forbids (write-only read, read-only
        /// written, unimplemented register touched).
        violations: RefCell<Vec<Access>>,
        /// Status reads that still answer "busy"; `None`: busy forever.
        busy_for: Cell<Option<u64>>,
    }

    impl FakeUart {
        fn new(kind: Kind) -> Self {
            let mut f = FakeUart {
                kind,
                words: BTreeMap::new(),
                log: RefCell::new(Vec::new()),
                violations: RefCell::new(Vec::new()),
                busy_for: Cell::new(Some(0)),
            };
            // Stale interrupts a restore must clear.
            match kind {
                Kind::Pl011 | Kind::Sbsa => f.poke(RIS, 0x7f0),
                Kind::Cadence => f.poke(ISR, 0x1fff),
            }
            f
        }

        fn saved(&self) -> &'static [(usize, u32)] {
            match self.kind {
                Kind::Pl011 => &PL011_SAVED,
                Kind::Sbsa => &SBSA_SAVED,
                Kind::Cadence => &CDNS_SAVED,
            }
        }

        fn poke(&mut self, off: usize, val: u32) {
            self.words.insert(off, val);
        }

        fn peek(&self, off: usize) -> u32 {
            self.words.get(&off).copied().unwrap_or(0)
        }

        /// A distinct value in every saved register.
        fn seed(&mut self, salt: u32) {
            for (i, &(off, reset)) in self.saved().iter().enumerate() {
                let v = 0x5a00_0000 | (salt << 8) | (i as u32 + 1);
                assert_ne!(v, reset);
                self.poke(off, v);
            }
        }

        fn snapshot(&self) -> Vec<(usize, u32)> {
            self.saved()
                .iter()
                .map(|&(off, _)| (off, self.peek(off)))
                .collect()
        }

        fn clear_log(&mut self) {
            self.log.borrow_mut().clear();
        }

        fn log(&self) -> Vec<Access> {
            self.log.borrow().clone()
        }

        fn writes(&self) -> Vec<(usize, u32)> {
            self.log
                .borrow()
                .iter()
                .filter_map(|a| match *a {
                    Access::Write(off, val) => Some((off, val)),
                    Access::Read(_) => None,
                })
                .collect()
        }

        fn written(&self) -> BTreeSet<usize> {
            self.writes().into_iter().map(|(off, _)| off).collect()
        }

        fn read_set(&self) -> BTreeSet<usize> {
            self.log
                .borrow()
                .iter()
                .filter_map(|a| match *a {
                    Access::Read(off) => Some(off),
                    Access::Write(..) => None,
                })
                .collect()
        }

        fn reads_of(&self, off: usize) -> usize {
            self.log
                .borrow()
                .iter()
                .filter(|a| **a == Access::Read(off))
                .count()
        }

        fn status_off(&self) -> usize {
            match self.kind {
                Kind::Pl011 | Kind::Sbsa => 0x18,
                Kind::Cadence => 0x2C,
            }
        }

        /// The status register's answer: busy or idle, per the script.
        fn status(&self) -> u32 {
            let busy = match self.busy_for.get() {
                None => true,
                Some(0) => false,
                Some(n) => {
                    self.busy_for.set(Some(n - 1));
                    true
                }
            };
            match (self.kind, busy) {
                // BUSY, TXFE clear (FIFO holds data).
                (Kind::Pl011 | Kind::Sbsa, true) => 1 << 3,
                // TXFE and RXFE, not BUSY.
                (Kind::Pl011 | Kind::Sbsa, false) => (1 << 7) | (1 << 4),
                // TACTIVE, TEMPTY clear.
                (Kind::Cadence, true) => 1 << 11,
                // TEMPTY and REMPTY.
                (Kind::Cadence, false) => (1 << 3) | (1 << 1),
            }
        }

        fn violation(&self, a: Access) {
            self.violations.borrow_mut().push(a);
        }

        fn check(&self, off: usize) {
            assert_eq!(off % 4, 0, "misaligned access at {off:#x}");
            assert!(off < 0x1000, "access beyond the block at {off:#x}");
        }
    }

    impl<B> Regs<B> for FakeUart {
        fn read32(&self, r: Reg32<B>) -> u32 {
            let off = r.offset();
            self.check(off);
            self.log.borrow_mut().push(Access::Read(off));
            match (self.kind, off) {
                (Kind::Sbsa, o) if SBSA_ABSENT.contains(&o) => {
                    self.violation(Access::Read(off));
                    0
                }
                (Kind::Pl011 | Kind::Sbsa, 0x44) | (Kind::Cadence, 0x08 | 0x0C) => {
                    self.violation(Access::Read(off));
                    0
                }
                (Kind::Pl011 | Kind::Sbsa, 0x18) | (Kind::Cadence, 0x2C) => self.status(),
                _ => self.peek(off),
            }
        }

        fn write32(&mut self, r: Reg32<B>, val: u32) {
            let off = r.offset();
            self.check(off);
            self.log.borrow_mut().push(Access::Write(off, val));
            match (self.kind, off) {
                (Kind::Sbsa, o) if SBSA_ABSENT.contains(&o) => {
                    self.violation(Access::Write(off, val))
                }
                (Kind::Pl011 | Kind::Sbsa, 0x18 | 0x3C) | (Kind::Cadence, 0x10 | 0x2C) => {
                    self.violation(Access::Write(off, val))
                }
                (Kind::Pl011 | Kind::Sbsa, 0x44) => {
                    let ris = self.peek(RIS);
                    self.poke(RIS, ris & !val);
                }
                (Kind::Cadence, 0x08) => {
                    let imr = self.peek(0x10);
                    self.poke(0x10, imr | val);
                }
                (Kind::Cadence, 0x0C) => {
                    let imr = self.peek(0x10);
                    self.poke(0x10, imr & !val);
                }
                (Kind::Cadence, 0x14) => {
                    let isr = self.peek(ISR);
                    self.poke(ISR, isr & !val);
                }
                _ => self.poke(off, val),
            }
        }
    }

    fn suspend(f: &mut FakeUart, ctx: &mut UartContext) -> SaveReport {
        match f.kind {
            Kind::Pl011 => pl011_suspend(f, false, ctx),
            Kind::Sbsa => pl011_suspend(f, true, ctx),
            Kind::Cadence => cadence_suspend(f, ctx),
        }
    }

    fn restore(f: &mut FakeUart, ctx: &mut UartContext) -> Result<(), UartError> {
        match f.kind {
            Kind::Pl011 => pl011_restore(f, false, ctx),
            Kind::Sbsa => pl011_restore(f, true, ctx),
            Kind::Cadence => cadence_restore(f, ctx),
        }
    }

    fn reset(f: &mut FakeUart) {
        match f.kind {
            Kind::Pl011 => pl011_reset(f, false),
            Kind::Sbsa => pl011_reset(f, true),
            Kind::Cadence => cadence_reset(f),
        }
    }

    /// What a resume must bring back: the saved values, except the command
    /// bits of the Cadence CR, which are not replayed.
    fn expected(kind: Kind, saved: &[(usize, u32)]) -> Vec<(usize, u32)> {
        saved
            .iter()
            .map(|&(off, val)| match (kind, off) {
                (Kind::Cadence, 0x00) => (off, val & CDNS_CR_STATE),
                _ => (off, val),
            })
            .collect()
    }

    fn reset_values(f: &FakeUart) -> Vec<(usize, u32)> {
        f.saved().to_vec()
    }

    const KINDS: [Kind; 3] = [Kind::Pl011, Kind::Sbsa, Kind::Cadence];

    #[test]
    fn context_is_plain_c_data() {
        assert_eq!(core::mem::size_of::<UartContext>(), 36);
        assert_eq!(core::mem::align_of::<UartContext>(), 4);
        assert_eq!(UartContext::new(), UartContext::default());
        assert!(!UartContext::new().saved);
    }

    #[test]
    fn suspend_resets_and_resume_restores_every_saved_register() {
        for kind in KINDS {
            let mut f = FakeUart::new(kind);
            f.seed(1);
            let want = f.snapshot();

            let mut ctx = UartContext::new();
            assert_eq!(suspend(&mut f, &mut ctx), SaveReport { drained: true });
            assert!(ctx.saved);
            assert_eq!(f.snapshot(), reset_values(&f), "{kind:?}: left as reset");

            f.seed(2);
            assert_ne!(f.snapshot(), want);
            assert_eq!(restore(&mut f, &mut ctx), Ok(()));
            assert_eq!(f.snapshot(), expected(kind, &want), "{kind:?}: restored");
            assert!(!ctx.saved, "{kind:?}: restore empties the context");

            // Stale interrupts cleared.
            match kind {
                Kind::Pl011 | Kind::Sbsa => assert_eq!(f.peek(RIS), 0),
                Kind::Cadence => assert_eq!(f.peek(ISR), 0),
            }
            assert!(f.violations.borrow().is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn suspend_leaves_exactly_a_power_loss_and_resume_survives_one() {
        // Reset again after the suspend (the power loss itself), then resume.
        for kind in KINDS {
            let mut f = FakeUart::new(kind);
            f.seed(3);
            let want = f.snapshot();
            let mut ctx = UartContext::new();
            suspend(&mut f, &mut ctx);
            f.seed(4);
            reset(&mut f);
            assert_eq!(f.snapshot(), reset_values(&f));
            restore(&mut f, &mut ctx).unwrap();
            assert_eq!(f.snapshot(), expected(kind, &want));
        }
    }

    #[test]
    fn pl011_restore_order() {
        let mut f = FakeUart::new(Kind::Pl011);
        f.seed(5);
        let mut ctx = UartContext::new();
        pl011_suspend(&mut f, false, &mut ctx);
        let s = ctx;
        f.clear_log();
        pl011_restore(&mut f, false, &mut ctx).unwrap();

        let w = f.writes();
        let first = |off| w.iter().position(|&(o, _)| o == off).unwrap();
        let last = |off| w.iter().rposition(|&(o, _)| o == off).unwrap();
        assert_eq!(w.first(), Some(&(0x30, 0)), "disabled first");
        assert_eq!(w.last(), Some(&(0x30, s.regs[3])), "CR last");
        assert!(first(0x24) < first(0x2C) && first(0x28) < first(0x2C));
        assert!(last(0x24) < first(0x2C) && last(0x28) < first(0x2C));
        assert!(first(0x44) < first(0x38), "ICR before IMSC");
        assert_eq!(
            w,
            [
                (0x30, 0),
                (0x24, s.regs[0]),
                (0x28, s.regs[1]),
                (0x2C, s.regs[2]),
                (0x34, s.regs[4]),
                (0x44, 0x7ff),
                (0x38, s.regs[5]),
                (0x30, s.regs[3]),
            ]
        );
        assert!(f.read_set().is_empty(), "a restore reads nothing");
    }

    #[test]
    fn cadence_restore_order() {
        let mut f = FakeUart::new(Kind::Cadence);
        f.seed(6);
        let mut ctx = UartContext::new();
        cadence_suspend(&mut f, &mut ctx);
        let s = ctx;
        f.clear_log();
        cadence_restore(&mut f, &mut ctx).unwrap();

        let w = f.writes();
        let first = |off| w.iter().position(|&(o, _)| o == off).unwrap();
        assert_eq!(w.first(), Some(&(0x00, 0x28)), "RX_DIS | TX_DIS first");
        assert_eq!(w.last(), Some(&(0x00, s.regs[0] & 0x3C)), "CR last");
        assert!(first(0x14) < first(0x0C) && first(0x14) < first(0x08));
        assert_eq!(
            w,
            [
                (0x00, 0x28),
                (0x04, s.regs[1]),
                (0x18, s.regs[3]),
                (0x34, s.regs[7]),
                (0x1C, s.regs[4]),
                (0x20, s.regs[5]),
                (0x24, s.regs[6]),
                (0x14, u32::MAX),
                (0x0C, !s.regs[2]),
                (0x08, s.regs[2]),
                (0x00, s.regs[0] & 0x3C),
            ]
        );
        assert!(f.read_set().is_empty(), "a restore reads nothing");
    }

    #[test]
    fn cadence_command_bits_never_replayed() {
        let mut f = FakeUart::new(Kind::Cadence);
        // Enabled, with every command bit and reserved bits set as read.
        f.poke(0x00, 0xffff_fe00 | 0x1C3 | 0x14);
        let mut ctx = UartContext::new();
        cadence_suspend(&mut f, &mut ctx);
        f.clear_log();
        cadence_restore(&mut f, &mut ctx).unwrap();
        assert_eq!(f.peek(0x00), 0x14, "RX_EN | TX_EN only");
        for (off, val) in f.writes() {
            if off == 0x00 {
                assert_eq!(val & !0x3C, 0, "command or reserved bit in {val:#x}");
            }
        }
    }

    #[test]
    fn reset_disables_first() {
        let mut f = FakeUart::new(Kind::Pl011);
        pl011_reset(&mut f, false);
        let w = f.writes();
        assert_eq!(w[0], (0x30, 0x300));
        assert_eq!(w[0].1 & 1, 0, "UARTEN clear");
        assert_eq!(w[1], (0x38, 0));

        let mut f = FakeUart::new(Kind::Cadence);
        cadence_reset(&mut f);
        let w = f.writes();
        assert_eq!(w[0], (0x00, 0x128));
        assert_eq!(w[0].1 & 0x28, 0x28, "RX_DIS and TX_DIS");
        assert_eq!(w[1], (0x0C, u32::MAX));
        assert!(f.read_set().is_empty());
    }

    #[test]
    fn only_documented_registers_touched() {
        let cases: [(Kind, &[usize], &[usize]); 3] = [
            (
                Kind::Pl011,
                &[0x24, 0x28, 0x2C, 0x30, 0x34, 0x38, 0x44],
                &[0x18, 0x24, 0x28, 0x2C, 0x30, 0x34, 0x38],
            ),
            (Kind::Sbsa, &[0x38, 0x44], &[0x18, 0x38]),
            (
                Kind::Cadence,
                &[0x00, 0x04, 0x08, 0x0C, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x34],
                &[0x00, 0x04, 0x10, 0x18, 0x1C, 0x20, 0x24, 0x2C, 0x34],
            ),
        ];
        for (kind, writes, reads) in cases {
            let mut f = FakeUart::new(kind);
            f.seed(7);
            let mut ctx = UartContext::new();
            suspend(&mut f, &mut ctx);
            restore(&mut f, &mut ctx).unwrap();
            assert_eq!(f.written(), writes.iter().copied().collect(), "{kind:?}");
            assert_eq!(f.read_set(), reads.iter().copied().collect(), "{kind:?}");
            assert!(f.violations.borrow().is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn sbsa_never_touches_baud_lcr_h_cr_or_ifls() {
        let mut f = FakeUart::new(Kind::Sbsa);
        for off in SBSA_ABSENT {
            f.poke(off, 0xdead_0000 | off as u32);
        }
        f.seed(8);
        let imsc = f.peek(0x38);
        let mut ctx = UartContext::new();
        let report = pl011_suspend(&mut f, true, &mut ctx);
        assert!(report.drained);
        assert_eq!(ctx.regs, [0, 0, 0, 0, 0, imsc, 0, 0]);
        assert_eq!(f.peek(0x38), 0, "masked");
        pl011_reset(&mut f, true);
        pl011_restore(&mut f, true, &mut ctx).unwrap();
        assert_eq!(f.peek(0x38), imsc);

        let touched: BTreeSet<usize> = f.written().union(&f.read_set()).copied().collect();
        for off in SBSA_ABSENT {
            assert!(!touched.contains(&off), "touched {off:#x}");
            assert_eq!(f.peek(off), 0xdead_0000 | off as u32);
        }
        assert!(f.violations.borrow().is_empty());
    }

    #[test]
    fn drain_waits_for_the_transmitter_then_saves() {
        for kind in KINDS {
            for n in [1u64, 7, 1000] {
                let mut f = FakeUart::new(kind);
                f.seed(9);
                f.busy_for.set(Some(n));
                let status = f.status_off();
                let mut ctx = UartContext::new();
                assert!(suspend(&mut f, &mut ctx).drained, "{kind:?} {n}");
                assert_eq!(f.reads_of(status) as u64, n + 1);

                let log = f.log();
                let last_status = log
                    .iter()
                    .rposition(|a| *a == Access::Read(status))
                    .unwrap();
                let first_other = log
                    .iter()
                    .position(|a| !matches!(a, Access::Read(o) if *o == status))
                    .unwrap();
                assert!(last_status < first_other, "{kind:?}: saved after drain");
            }
        }
    }

    #[test]
    fn drain_timeout_is_bounded_and_suspend_completes() {
        for kind in KINDS {
            let mut f = FakeUart::new(kind);
            f.seed(10);
            let want = f.snapshot();
            f.busy_for.set(None);
            let status = f.status_off();
            let mut ctx = UartContext::new();
            let report = suspend(&mut f, &mut ctx);
            assert_eq!(report, SaveReport { drained: false }, "{kind:?}");
            assert_eq!(f.reads_of(status), DRAIN_POLL_LIMIT as usize);
            assert!(ctx.saved);
            assert_eq!(f.snapshot(), reset_values(&f));
            restore(&mut f, &mut ctx).unwrap();
            assert_eq!(f.snapshot(), expected(kind, &want));
        }
    }

    #[test]
    fn drain_functions_report_idle() {
        let f = FakeUart::new(Kind::Pl011);
        assert!(pl011_drain(&f));
        let f = FakeUart::new(Kind::Cadence);
        f.busy_for.set(None);
        assert!(!cadence_drain(&f));
    }

    #[test]
    fn restore_without_save_is_refused_and_touches_nothing() {
        for kind in KINDS {
            let mut f = FakeUart::new(kind);
            f.seed(11);
            let before = f.snapshot();
            let mut ctx = UartContext::new();
            assert_eq!(restore(&mut f, &mut ctx), Err(UartError::NotSaved));
            assert!(f.log().is_empty(), "{kind:?}");
            assert_eq!(f.snapshot(), before);

            // A context already restored is empty again.
            suspend(&mut f, &mut ctx);
            restore(&mut f, &mut ctx).unwrap();
            f.clear_log();
            assert_eq!(restore(&mut f, &mut ctx), Err(UartError::NotSaved));
            assert!(f.log().is_empty(), "{kind:?}");

            // A context with values but not marked saved is refused too.
            let mut stale = UartContext {
                regs: [u32::MAX; 8],
                saved: false,
            };
            assert_eq!(restore(&mut f, &mut stale), Err(UartError::NotSaved));
            assert!(f.log().is_empty(), "{kind:?}");
        }
    }

    mod properties {
        //! Arbitrary register values: suspend, a power loss, resume brings
        //! every saved register back.
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

            #[test]
            fn suspend_resume_round_trip(
                kind_pick in 0usize..3,
                vals in proptest::array::uniform8(any::<u32>()),
                junk in proptest::array::uniform8(any::<u32>()),
                busy in 0u64..64,
            ) {
                let kind = KINDS[kind_pick];
                let mut f = FakeUart::new(kind);
                let offs: Vec<usize> = f.saved().iter().map(|&(o, _)| o).collect();
                for (off, v) in offs.iter().zip(vals) {
                    f.poke(*off, v);
                }
                f.busy_for.set(Some(busy));
                let want = f.snapshot();

                let mut ctx = UartContext::new();
                prop_assert!(suspend(&mut f, &mut ctx).drained);
                prop_assert_eq!(f.snapshot(), reset_values(&f));
                for (off, v) in offs.iter().zip(junk) {
                    f.poke(*off, v);
                }
                prop_assert_eq!(restore(&mut f, &mut ctx), Ok(()));
                prop_assert_eq!(f.snapshot(), expected(kind, &want));
                prop_assert!(f.violations.borrow().is_empty());
                prop_assert!(!ctx.saved);
            }
        }
    }

    #[test]
    fn hook_results_for_xen() {
        assert_eq!(SaveReport { drained: true }.result(), Ok(()));
        assert_eq!(
            SaveReport { drained: false }.result(),
            Err(Errno::ETIMEDOUT)
        );
        assert_eq!(UartError::NotSaved.errno(), Errno::EINVAL);
    }
}
